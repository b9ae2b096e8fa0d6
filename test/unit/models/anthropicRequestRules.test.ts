import { strict as assert } from 'node:assert';
import { checkMessagesRequest } from '../../support/anthropicRequestRules';

/** The fake server is only as honest as these rules: each must refuse what the real API refuses. */
describe('fake Messages API request rules', () => {
  const tool = { name: 'patch_file', description: 'd', input_schema: { type: 'object', properties: {} } };
  const use = { type: 'tool_use', id: 'toolu_1', name: 'patch_file', input: { path: 'a' } };
  const result = { type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' };
  const valid = () => ({
    model: 'claude-sonnet-5-5',
    max_tokens: 100,
    system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }],
    tools: [tool],
    messages: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'text', text: 'sure' }, use] },
      { role: 'user', content: [result, { type: 'text', text: 'next' }] },
    ],
  });
  const withMessages = (messages: unknown[]) => ({ ...valid(), messages });

  it('accepts a well-formed tool conversation', () => {
    assert.equal(checkMessagesRequest(valid()), undefined);
  });

  it('rejects a tool_use left unanswered in the next user turn', () => {
    const msg = checkMessagesRequest(
      withMessages([
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [use] },
        { role: 'user', content: 'go on' },
      ]),
    );
    assert.match(msg ?? '', /messages\.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1/);
  });

  it('rejects a conversation that ends on an unanswered tool_use', () => {
    assert.match(
      checkMessagesRequest(
        withMessages([
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: [use] },
        ]),
      ) ?? '',
      /without `tool_result`/,
    );
  });

  it('rejects a tool_result whose id the previous turn did not use', () => {
    const msg = checkMessagesRequest(
      withMessages([
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [use] },
        { role: 'user', content: [result, { ...result, tool_use_id: 'toolu_9' }] },
      ]),
    );
    assert.match(msg ?? '', /unexpected `tool_use_id` found in `tool_result` blocks: toolu_9/);
  });

  it('rejects tool_result blocks after other content in the user turn', () => {
    const msg = checkMessagesRequest(
      withMessages([
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [use] },
        { role: 'user', content: [{ type: 'text', text: 'x' }, result] },
      ]),
    );
    assert.match(msg ?? '', /tool_result blocks must come first/);
  });

  it('rejects missing max_tokens and model', () => {
    const { max_tokens: _m, ...noMax } = valid();
    assert.match(checkMessagesRequest(noMax) ?? '', /max_tokens: Field required/);
    const { model: _model, ...noModel } = valid();
    assert.match(checkMessagesRequest(noModel) ?? '', /model: Field required/);
  });

  it('rejects empty text blocks, in messages and in the system prompt', () => {
    assert.match(checkMessagesRequest(withMessages([{ role: 'user', content: [{ type: 'text', text: '' }] }])) ?? '', /non-empty/);
    assert.match(
      checkMessagesRequest({ ...valid(), system: [{ type: 'text', text: '' }] }) ?? '',
      /system\.0: text content blocks must be non-empty/,
    );
    assert.match(checkMessagesRequest(withMessages([{ role: 'user', content: [] }])) ?? '', /non-empty content/);
  });

  it('rejects roles that do not alternate or do not start with user', () => {
    assert.match(checkMessagesRequest(withMessages([{ role: 'assistant', content: 'x' }])) ?? '', /first message must use the "user" role/);
    assert.match(
      checkMessagesRequest(
        withMessages([
          { role: 'user', content: 'a' },
          { role: 'user', content: 'b' },
        ]),
      ) ?? '',
      /roles must alternate/,
    );
  });

  it('rejects bad tool definitions', () => {
    assert.match(checkMessagesRequest({ ...valid(), tools: [{ ...tool, name: 'patch file' }] }) ?? '', /String should match pattern/);
    assert.match(
      checkMessagesRequest({ ...valid(), tools: [{ ...tool, input_schema: { type: 'string' } }] }) ?? '',
      /input_schema\.type: Input should be 'object'/,
    );
    assert.match(checkMessagesRequest({ ...valid(), tools: [tool, tool] }) ?? '', /unique/);
  });

  it('rejects more than four cache breakpoints', () => {
    const cached = { type: 'text', text: 'x', cache_control: { type: 'ephemeral' } };
    const body = {
      ...valid(),
      system: [cached, cached, cached],
      tools: [{ ...tool, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [cached] }],
    };
    assert.match(checkMessagesRequest(body) ?? '', /maximum of 4 blocks with cache_control/);
  });
});
