import { strict as assert } from 'node:assert';
import { AnthropicProvider } from '../../../src/core/models/anthropic';
import type { ConversationMessage } from '../../../src/core/models/provider';
import { startFakeAnthropic, type FakeAnthropicServer, type FakeReply } from '../../support/fakeAnthropicServer';
import { baseRequest, captureLogger, closedPort, FAKE_KEY, MODEL, progressLog, rejectsWith } from './helpers';

const PATCH = { path: 'src/a.ts', old_string: 'const foo = 1;', new_string: 'const bar = 1;' };
const WRITE = { path: 'src/b.ts', content: 'export const b = 2;\n' };

describe('AnthropicProvider against a fake Messages API', () => {
  let server: FakeAnthropicServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function setup(script: FakeReply[], opts: { maxRetries?: number; timeoutMs?: number; acceptKeys?: string[] } = {}) {
    server = await startFakeAnthropic(script, { acceptKeys: opts.acceptKeys ?? [FAKE_KEY] });
    const provider = new AnthropicProvider({
      apiKey: FAKE_KEY,
      baseURL: server.url,
      maxRetries: opts.maxRetries ?? 2,
      timeoutMs: opts.timeoutMs ?? 30_000,
      model: MODEL,
    });
    return { server, provider };
  }

  const toolReply: FakeReply = {
    kind: 'message',
    content: [
      { type: 'text', text: 'I will rename foo and add b.' },
      { type: 'tool_use', name: 'patch_file', input: PATCH },
      { type: 'tool_use', name: 'write_file', input: WRITE },
    ],
    usage: { input_tokens: 1200, output_tokens: 80, cache_read_input_tokens: 900, cache_creation_input_tokens: 300 },
  };

  it('maps a reply with several tool calls, text, usage with cache tokens, stop reason and model', async () => {
    const { provider } = await setup([toolReply]);
    const reply = await provider.complete(baseRequest());
    assert.deepEqual(
      reply.toolCalls.map((c) => [c.name, c.input]),
      [
        ['patch_file', PATCH],
        ['write_file', WRITE],
      ],
    );
    assert.ok(reply.toolCalls.every((c) => c.id.startsWith('toolu_')));
    assert.equal(reply.text, 'I will rename foo and add b.');
    assert.deepEqual(
      reply.message.content.map((b) => b.type),
      ['text', 'tool_use', 'tool_use'],
    );
    assert.equal(reply.message.role, 'assistant');
    assert.deepEqual(reply.usage, { inputTokens: 1200, outputTokens: 80, cacheReadTokens: 900, cacheWriteTokens: 300 });
    assert.equal(reply.stopReason, 'tool_use');
    assert.equal(reply.model, MODEL);
    assert.equal(reply.retries, 0);
    assert.equal(provider.label, `Anthropic ${MODEL}`);
  });

  it('streams progress: text deltas in order, then each tool as it starts', async () => {
    const { provider } = await setup([toolReply]);
    const { events, onProgress } = progressLog();
    await provider.complete(baseRequest({ onProgress }));
    const text = events.filter((e) => e.kind === 'text').map((e) => (e as { text: string }).text);
    assert.ok(text.length >= 2, 'the text arrives as several deltas');
    assert.equal(text.join(''), 'I will rename foo and add b.');
    assert.deepEqual(
      events.filter((e) => e.kind === 'tool').map((e) => (e as { name: string }).name),
      ['patch_file', 'write_file'],
    );
    assert.equal(server!.requests[0]!.body.stream, true);
  });

  it('marks the system prompt and the last tool for caching, and sends the tools as JSON Schema', async () => {
    const { provider } = await setup([toolReply]);
    await provider.complete(baseRequest());
    const body = server!.bodies[0];
    assert.deepEqual(body.system, [{ type: 'text', text: baseRequest().system, cache_control: { type: 'ephemeral' } }]);
    assert.equal(body.tools.length, 2);
    assert.equal(body.tools[0].cache_control, undefined);
    assert.deepEqual(body.tools[1].cache_control, { type: 'ephemeral' });
    assert.equal(body.tools[0].name, 'patch_file');
    assert.equal(body.tools[0].input_schema.type, 'object');
    assert.deepEqual(body.tools[0].input_schema.required.sort(), ['new_string', 'old_string', 'path']);
    assert.equal(body.model, MODEL);
    assert.equal(body.max_tokens, 4096);
  });

  it('sends a repair conversation the real API accepts: tool results answer each tool use, errors flagged', async () => {
    const { provider } = await setup([toolReply, { kind: 'message', content: [{ type: 'tool_use', name: 'patch_file', input: PATCH }] }]);
    const first = await provider.complete(baseRequest());
    const messages: ConversationMessage[] = [
      ...baseRequest().messages,
      first.message,
      {
        role: 'user',
        content: [
          { type: 'text', text: 'The gates found problems:' },
          { type: 'tool_result', toolUseId: first.toolCalls[0]!.id, content: 'src/a.ts:3:1 syntax: ";" expected', isError: true },
          { type: 'tool_result', toolUseId: first.toolCalls[1]!.id, content: 'applied', isError: false },
        ],
      },
    ];
    const second = await provider.complete(baseRequest({ phase: 'repair', messages }));
    assert.equal(second.toolCalls.length, 1);
    const sent = server!.bodies[1].messages;
    assert.equal(sent.length, 3);
    assert.deepEqual(sent[2].content[0], {
      type: 'tool_result',
      tool_use_id: first.toolCalls[0]!.id,
      content: 'src/a.ts:3:1 syntax: ";" expected',
      is_error: true,
    });
    assert.equal(sent[2].content[2].type, 'text', 'tool results are moved before the text');
    assert.deepEqual(sent[2].content[2].cache_control, { type: 'ephemeral' }, 'the conversation so far is cached for the next repair');
    assert.equal(server!.log.filter((l) => l.includes('400')).length, 0);
  });

  it('keeps the request valid when the model answered with nothing: empty turns dropped, neighbours merged', async () => {
    const { provider } = await setup([{ kind: 'message', content: [{ type: 'text', text: 'ok' }] }]);
    const messages: ConversationMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'Rename foo.' }] },
      { role: 'assistant', content: [] },
      {
        role: 'user',
        content: [
          { type: 'text', text: '  ' },
          { type: 'text', text: 'Please use patch_file.' },
        ],
      },
    ];
    await provider.complete(baseRequest({ messages }));
    const sent = server!.bodies[0].messages;
    assert.equal(sent.length, 1);
    assert.deepEqual(
      sent[0].content.map((b: any) => b.text),
      ['Rename foo.', 'Please use patch_file.'],
    );
  });

  it('passes a malformed tool input through as received, for the engine to validate', async () => {
    const { provider } = await setup([
      { kind: 'message', content: [{ type: 'tool_use', name: 'patch_file', input: { path: 'src/a.ts', new_string: 'x' } }] },
    ]);
    const reply = await provider.complete(baseRequest());
    assert.deepEqual(reply.toolCalls[0]!.input, { path: 'src/a.ts', new_string: 'x' });
  });

  it('reports a reply cut at the token limit as such, with its partial tool input', async () => {
    const { provider } = await setup([
      { kind: 'message', content: [{ type: 'tool_use', name: 'write_file', input: { path: 'src/b.ts' } }], stopReason: 'max_tokens' },
    ]);
    const reply = await provider.complete(baseRequest());
    assert.equal(reply.stopReason, 'max_tokens');
    assert.deepEqual(reply.toolCalls[0]!.input, { path: 'src/b.ts' });
  });

  it('retries a 429 and counts the retry', async () => {
    const { provider } = await setup([{ kind: 'error', status: 429 }, toolReply]);
    const { events, onProgress } = progressLog();
    const reply = await provider.complete(baseRequest({ onProgress }));
    assert.equal(reply.retries, 1);
    assert.equal(server!.requests.length, 2);
    assert.deepEqual(
      events.filter((e) => e.kind === 'retry'),
      [{ kind: 'retry', attempt: 1, reason: 'rate limited (429)' }],
    );
  });

  it('reports a rejected key at once, without retrying', async () => {
    const { provider } = await setup([toolReply], { acceptKeys: ['sk-ant-some-other-key'] });
    const err = await rejectsWith(provider.complete(baseRequest()), 'key_rejected');
    assert.match(err.message, /401/);
    assert.match(err.message, /ANTHROPIC_API_KEY/);
    assert.equal(server!.requests.length, 1);
  });

  it('a 403 is a rejected key too', async () => {
    const { provider } = await setup([{ kind: 'error', status: 403 }]);
    await rejectsWith(provider.complete(baseRequest()), 'key_rejected');
    assert.equal(server!.requests.length, 1);
  });

  it('gives up on 529 after the configured retries; the server saw retries + 1 requests', async () => {
    const { provider } = await setup(
      Array.from({ length: 5 }, () => ({ kind: 'error', status: 529 }) as FakeReply),
      { maxRetries: 2 },
    );
    const err = await rejectsWith(provider.complete(baseRequest()), 'overloaded');
    assert.equal(server!.requests.length, 3);
    assert.match(err.message, /after 2 retries/);
    assert.equal(err.status, 529);
    assert.equal(err.retries, 2);
  });

  it('names an unknown model', async () => {
    const { provider } = await setup([{ kind: 'error', status: 404, message: `model: claude-nope-1` }]);
    const err = await rejectsWith(provider.complete(baseRequest({ model: 'claude-nope-1' })), 'model_not_found');
    assert.match(err.message, /claude-nope-1/);
    assert.equal(server!.requests.length, 1);
  });

  it('quotes the API’s own message for a 400', async () => {
    const { provider } = await setup([toolReply]);
    // A tool_use left unanswered: the fake rejects it exactly as the real API does.
    const messages: ConversationMessage[] = [
      ...baseRequest().messages,
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_x1', name: 'patch_file', input: PATCH }] },
      { role: 'user', content: [{ type: 'text', text: 'go on' }] },
    ];
    const err = await rejectsWith(provider.complete(baseRequest({ messages })), 'bad_request');
    assert.match(err.message, /tool_use` ids were found without `tool_result` blocks/);
    assert.match(err.message, /toolu_x1/);
    assert.equal(server!.remaining(), 1, 'a rejected request does not consume the script');
  });

  it('retries a stream cut mid-reply and never returns the half reply', async () => {
    const { provider } = await setup([{ ...toolReply, fault: { afterEvents: 6, how: 'end' } } as FakeReply, toolReply]);
    const { events, onProgress } = progressLog();
    const reply = await provider.complete(baseRequest({ onProgress }));
    assert.equal(reply.toolCalls.length, 2);
    assert.equal(reply.retries, 1);
    assert.equal(server!.requests.length, 2);
    assert.ok(events.some((e) => e.kind === 'retry' && e.reason === 'stream cut'));
  });

  it('a stream cut with no retries left is a clear network error', async () => {
    const { provider } = await setup([{ ...toolReply, fault: { afterEvents: 6, how: 'end' } } as FakeReply], { maxRetries: 0 });
    const err = await rejectsWith(provider.complete(baseRequest()), 'network');
    assert.match(err.message, /broke off mid-reply/);
  });

  it('a connection reset mid-stream is retried, then reported when it persists', async () => {
    const cut = { ...toolReply, fault: { afterEvents: 5, how: 'reset' } } as FakeReply;
    const { provider } = await setup([cut, cut], { maxRetries: 1 });
    const err = await rejectsWith(provider.complete(baseRequest()), 'network');
    assert.match(err.message, /after 1 retry/);
    assert.equal(server!.requests.length, 2);
  });

  it('an overloaded error event mid-stream is retried', async () => {
    const overloaded = { ...toolReply, errorAtEvent: { index: 4, type: 'overloaded_error', message: 'Overloaded' } } as FakeReply;
    const { provider } = await setup([overloaded, toolReply]);
    const reply = await provider.complete(baseRequest());
    assert.equal(reply.retries, 1);
    assert.equal(reply.toolCalls.length, 2);
  });

  it('cancels mid-stream when the signal fires', async () => {
    const { provider } = await setup([{ ...toolReply, fault: { afterEvents: 5, how: 'stall' } } as FakeReply], { timeoutMs: 600_000 });
    const controller = new AbortController();
    const request = baseRequest({ signal: controller.signal, onProgress: (e) => e.kind === 'text' && controller.abort() });
    await rejectsWith(provider.complete(request), 'cancelled');
    assert.equal(server!.requests.length, 1);
  });

  it('an already-aborted signal sends nothing', async () => {
    const { provider } = await setup([toolReply]);
    const controller = new AbortController();
    controller.abort();
    await rejectsWith(provider.complete(baseRequest({ signal: controller.signal })), 'cancelled');
    assert.equal(server!.requests.length, 0);
  });

  it('times out when the server never answers', async () => {
    const { provider } = await setup([{ kind: 'hang' }, { kind: 'hang' }], { timeoutMs: 300, maxRetries: 1 });
    const err = await rejectsWith(provider.complete(baseRequest()), 'timeout');
    assert.match(err.message, /timeoutSeconds/);
    assert.equal(server!.requests.length, 2, 'a timed-out attempt is retried by the SDK');
  });

  it('times out when a stream goes silent mid-reply', async () => {
    const { provider } = await setup([{ ...toolReply, fault: { afterEvents: 4, how: 'stall' } } as FakeReply], { timeoutMs: 300 });
    const err = await rejectsWith(provider.complete(baseRequest()), 'timeout');
    assert.match(err.message, /sent nothing/);
    assert.equal(server!.requests.length, 1, 'a silent stream is not retried: it already cost the whole timeout');
  });

  it('reports an unreachable server as a network error, after retrying', async () => {
    const port = await closedPort();
    const provider = new AnthropicProvider({ apiKey: FAKE_KEY, baseURL: `http://127.0.0.1:${port}`, maxRetries: 1, timeoutMs: 5000 });
    const { events, onProgress } = progressLog();
    const err = await rejectsWith(provider.complete(baseRequest({ onProgress })), 'network');
    assert.match(err.message, /Cannot reach Anthropic at http:\/\/127\.0\.0\.1:\d+ after 1 retry/);
    assert.equal(events.filter((e) => e.kind === 'retry').length, 1);
  });

  it('fails before any request when the key is missing', async () => {
    const { server } = await setup([toolReply]);
    for (const apiKey of [undefined, '', '   ']) {
      const provider = new AnthropicProvider({ apiKey, baseURL: server.url, maxRetries: 2, timeoutMs: 5000 });
      const err = await rejectsWith(provider.complete(baseRequest()), 'key_missing');
      assert.equal(err.message, 'No Anthropic API key: set ANTHROPIC_API_KEY or run “Refactor Guard: Set API Key”.');
    }
    assert.equal(server.requests.length, 0);
  });

  it('never lets the key into an error message, a log line or the server log', async () => {
    const logger = captureLogger();
    server = await startFakeAnthropic(
      [
        { kind: 'error', status: 400, message: `invalid header x-api-key: ${FAKE_KEY}` },
        { kind: 'error', status: 500, message: `upstream said ${FAKE_KEY}` },
        { kind: 'error', status: 500, message: `upstream said ${FAKE_KEY}` },
        { kind: 'error', status: 429 },
        { kind: 'error', status: 429 },
      ],
      { acceptKeys: [FAKE_KEY] },
    );
    const provider = new AnthropicProvider({
      apiKey: FAKE_KEY,
      baseURL: server.url,
      maxRetries: 1,
      timeoutMs: 5000,
      logger,
      logLevel: 'debug',
    });
    const messages: string[] = [];
    for (const expected of ['bad_request', 'server', 'rate_limited'] as const) {
      messages.push((await rejectsWith(provider.complete(baseRequest()), expected)).message);
    }
    const rejected = new AnthropicProvider({
      apiKey: `${FAKE_KEY}-wrong`,
      baseURL: server.url,
      maxRetries: 0,
      timeoutMs: 5000,
      logger,
      logLevel: 'debug',
    });
    messages.push((await rejectsWith(rejected.complete(baseRequest()), 'key_rejected')).message);
    const unreachable = new AnthropicProvider({
      apiKey: FAKE_KEY,
      baseURL: `http://127.0.0.1:${await closedPort()}`,
      maxRetries: 0,
      timeoutMs: 5000,
      logger,
      logLevel: 'debug',
    });
    messages.push((await rejectsWith(unreachable.complete(baseRequest()), 'network')).message);

    assert.ok(logger.lines.length > 5, 'the SDK logged at debug level');
    assert.ok(
      server.requests.some((r) => r.headers['authorization']?.includes(FAKE_KEY)),
      'the key did reach the server, so its absence elsewhere means something',
    );
    const everything = [...messages, ...logger.lines, ...server.log].join('\n');
    assert.ok(!everything.includes(FAKE_KEY), 'the key leaked');
    assert.ok(!everything.includes('FAKEKEY'), 'part of the key leaked');
    assert.match(messages[0]!, /\[redacted\]/);
  });
});
