import { strict as assert } from 'node:assert';
import { OpenAICompatibleProvider } from '../../../src/core/models/openaiCompatible';
import type { ConversationMessage } from '../../../src/core/models/provider';
import { startFakeOpenAI, type FakeChatReply, type FakeOpenAIServer } from '../../support/fakeOpenAIServer';
import { baseRequest, captureLogger, closedPort, progressLog, rejectsWith } from './helpers';

const MODEL = 'qwen2.5-coder:14b';
const PATCH = { path: 'src/a.ts', old_string: 'const foo = 1;', new_string: 'const bar = 1;' };
const WRITE = { path: 'src/b.ts', content: 'export const b = 2;\n' };
const LOCAL_KEY = 'vllm-secret-FAKEKEY-91c2';

describe('OpenAICompatibleProvider against a fake chat completions server', () => {
  let server: FakeOpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function setup(
    script: FakeChatReply[],
    opts: { maxRetries?: number; timeoutMs?: number; apiKey?: string; acceptKeys?: string[] } = {},
  ) {
    server = await startFakeOpenAI(script, { acceptKeys: opts.acceptKeys });
    const provider = new OpenAICompatibleProvider({
      baseURL: `${server.url}/v1`,
      apiKey: opts.apiKey,
      maxRetries: opts.maxRetries ?? 2,
      timeoutMs: opts.timeoutMs ?? 30_000,
      model: MODEL,
    });
    return { server, provider };
  }

  const toolReply: FakeChatReply = {
    kind: 'message',
    content: 'Renaming foo and adding b.',
    toolCalls: [
      { name: 'patch_file', arguments: PATCH },
      { name: 'write_file', arguments: WRITE },
    ],
    usage: { prompt_tokens: 1500, completion_tokens: 70, cached_tokens: 1024 },
  };
  const request = () => baseRequest({ model: MODEL });

  it('assembles several streamed tool calls, text, usage and finish reason', async () => {
    const { provider } = await setup([toolReply]);
    const reply = await provider.complete(request());
    assert.deepEqual(
      reply.toolCalls.map((c) => [c.name, c.input]),
      [
        ['patch_file', PATCH],
        ['write_file', WRITE],
      ],
    );
    assert.equal(reply.text, 'Renaming foo and adding b.');
    assert.deepEqual(
      reply.message.content.map((b) => b.type),
      ['text', 'tool_use', 'tool_use'],
    );
    assert.deepEqual(reply.usage, { inputTokens: 476, outputTokens: 70, cacheReadTokens: 1024, cacheWriteTokens: 0 });
    assert.equal(reply.stopReason, 'tool_calls');
    assert.equal(reply.model, MODEL);
    assert.equal(reply.retries, 0);
    assert.match(provider.label, /qwen2\.5-coder:14b at http:\/\/127\.0\.0\.1:\d+/);
  });

  it('sends the configured model, the two tools as functions, streams, and asks for usage', async () => {
    const { provider } = await setup([toolReply]);
    const { events, onProgress } = progressLog();
    // The engine puts the preset's (Claude) model in every request; openai.model must win.
    await provider.complete({ ...baseRequest({ model: 'claude-sonnet-5-5' }), onProgress });
    const body = server!.bodies[0];
    assert.equal(body.model, MODEL);
    assert.deepEqual(
      body.tools.map((t: any) => [t.type, t.function.name, t.function.parameters.type]),
      [
        ['function', 'patch_file', 'object'],
        ['function', 'write_file', 'object'],
      ],
    );
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.deepEqual(body.messages[0], { role: 'system', content: request().system });
    assert.equal(server!.requests[0]!.headers['authorization'], 'Bearer no-key-needed');
    assert.equal(
      events
        .filter((e) => e.kind === 'text')
        .map((e) => (e as { text: string }).text)
        .join(''),
      'Renaming foo and adding b.',
    );
    assert.deepEqual(
      events.filter((e) => e.kind === 'tool').map((e) => (e as { name: string }).name),
      ['patch_file', 'write_file'],
    );
  });

  it('maps tool results to tool messages the server accepts', async () => {
    const { provider } = await setup([toolReply, { kind: 'message', content: 'done' }]);
    const first = await provider.complete(request());
    const messages: ConversationMessage[] = [
      ...request().messages,
      first.message,
      {
        role: 'user',
        content: [
          { type: 'tool_result', toolUseId: first.toolCalls[0]!.id, content: 'src/a.ts:3:1 syntax', isError: true },
          { type: 'tool_result', toolUseId: first.toolCalls[1]!.id, content: 'applied', isError: false },
          { type: 'text', text: 'Fix the syntax error.' },
        ],
      },
    ];
    const second = await provider.complete({ ...request(), phase: 'repair', messages });
    assert.equal(second.text, 'done');
    assert.equal(second.toolCalls.length, 0);
    const sent = server!.bodies[1].messages;
    assert.deepEqual(
      sent.map((m: any) => m.role),
      ['system', 'user', 'assistant', 'tool', 'tool', 'user'],
    );
    assert.equal(sent[2].tool_calls[0].function.arguments, JSON.stringify(PATCH));
    assert.deepEqual(sent[3], { role: 'tool', tool_call_id: first.toolCalls[0]!.id, content: 'Error: src/a.ts:3:1 syntax' });
  });

  it('passes malformed tool arguments through as received', async () => {
    const { provider } = await setup([
      {
        kind: 'message',
        toolCalls: [
          { name: 'patch_file', arguments: { path: 'src/a.ts' } },
          { name: 'write_file', arguments: '{"path": "x", "content": ' },
        ],
      },
    ]);
    const reply = await provider.complete(request());
    assert.deepEqual(reply.toolCalls[0]!.input, { path: 'src/a.ts' });
    assert.equal(reply.toolCalls[1]!.input, '{"path": "x", "content": ');
  });

  it('retries a 429 and counts the retry', async () => {
    const { provider } = await setup([
      { kind: 'error', status: 429, message: 'Rate limit reached', code: 'rate_limit_exceeded' },
      toolReply,
    ]);
    const reply = await provider.complete(request());
    assert.equal(reply.retries, 1);
    assert.equal(server!.requests.length, 2);
  });

  it('a rejected key is reported at once, and the key never shows', async () => {
    const logger = captureLogger();
    server = await startFakeOpenAI([toolReply], { acceptKeys: ['another-key'] });
    const provider = new OpenAICompatibleProvider({
      baseURL: `${server.url}/v1`,
      apiKey: LOCAL_KEY,
      maxRetries: 2,
      timeoutMs: 5000,
      logger,
      logLevel: 'debug',
    });
    const err = await rejectsWith(provider.complete(request()), 'key_rejected');
    assert.equal(server.requests.length, 1);
    assert.ok(server.requests[0]!.headers['authorization']!.includes(LOCAL_KEY));
    const everything = [err.message, ...logger.lines, ...server.log].join('\n');
    assert.ok(logger.lines.length > 0);
    assert.ok(!everything.includes(LOCAL_KEY) && !everything.includes('FAKEKEY'));
  });

  it('gives up on 5xx after the configured retries; the server saw retries + 1 requests', async () => {
    const { provider } = await setup(
      Array.from({ length: 4 }, () => ({ kind: 'error', status: 503, message: 'busy' }) as FakeChatReply),
      { maxRetries: 2 },
    );
    const err = await rejectsWith(provider.complete(request()), 'server');
    assert.equal(server!.requests.length, 3);
    assert.match(err.message, /after 2 retries/);
  });

  it('names a model the server does not have', async () => {
    server = await startFakeOpenAI([
      { kind: 'error', status: 404, message: 'model "qwen9:1b" not found, try pulling it first', code: 'model_not_found' },
    ]);
    const provider = new OpenAICompatibleProvider({ baseURL: `${server.url}/v1`, model: 'qwen9:1b', maxRetries: 2, timeoutMs: 5000 });
    const err = await rejectsWith(provider.complete(request()), 'model_not_found');
    assert.match(err.message, /ollama pull qwen9:1b/);
  });

  it('a wrong base URL path is a bad request that points at the setting', async () => {
    server = await startFakeOpenAI([toolReply]);
    const provider = new OpenAICompatibleProvider({ baseURL: `${server.url}/api`, maxRetries: 0, timeoutMs: 5000 });
    const err = await rejectsWith(provider.complete(request()), 'bad_request');
    assert.match(err.message, /base URL/);
  });

  it('quotes the server’s message for a 400, such as a model without tool support', async () => {
    const { provider } = await setup([
      { kind: 'error', status: 400, message: 'registry.ollama.ai/library/gemma:2b does not support tools' },
    ]);
    const err = await rejectsWith(provider.complete(request()), 'bad_request');
    assert.match(err.message, /does not support tools/);
    assert.match(err.message, /supports tool calling/);
  });

  it('retries a stream cut before the finish reason, and reports it when it persists', async () => {
    const cut = { ...toolReply, fault: { afterEvents: 4, how: 'end' } } as FakeChatReply;
    const { provider } = await setup([cut, toolReply]);
    const reply = await provider.complete(request());
    assert.equal(reply.retries, 1);
    assert.equal(reply.toolCalls.length, 2);
    await server!.close();
    const again = await setup([cut, { ...toolReply, fault: { afterEvents: 3, how: 'reset' } } as FakeChatReply], { maxRetries: 1 });
    const err = await rejectsWith(again.provider.complete(request()), 'network');
    assert.match(err.message, /broke off mid-reply after 1 retry/);
  });

  it('cancels mid-stream when the signal fires', async () => {
    const { provider } = await setup([{ ...toolReply, fault: { afterEvents: 3, how: 'stall' } } as FakeChatReply], { timeoutMs: 600_000 });
    const controller = new AbortController();
    const req = { ...request(), signal: controller.signal, onProgress: () => controller.abort() };
    await rejectsWith(provider.complete(req), 'cancelled');
  });

  it('times out when the server never answers, and when the stream goes silent', async () => {
    const { provider } = await setup([{ kind: 'hang' }, { ...toolReply, fault: { afterEvents: 2, how: 'stall' } } as FakeChatReply], {
      timeoutMs: 300,
      maxRetries: 0,
    });
    await rejectsWith(provider.complete(request()), 'timeout');
    const err = await rejectsWith(provider.complete(request()), 'timeout');
    assert.match(err.message, /sent nothing/);
  });

  it('reports a server that is not running as a network error', async () => {
    const port = await closedPort();
    const provider = new OpenAICompatibleProvider({ baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 1, timeoutMs: 5000 });
    const err = await rejectsWith(provider.complete(request()), 'network');
    assert.match(err.message, /Cannot reach the server at http:\/\/127\.0\.0\.1:\d+ after 1 retry: is the server \(Ollama/);
  });
});
