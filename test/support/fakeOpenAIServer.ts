import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { chunk, hang, sendJson, sseFrame, startFakeHttp, writeStream, type FakeHttpServer, type StreamFault } from './fakeHttp';
import { checkChatRequest } from './openaiRequestRules';

/**
 * A local OpenAI-compatible chat completions server (the shape Ollama, LM Studio, vLLM and the
 * llama.cpp server expose): POST /v1/chat/completions, JSON or SSE `data:` chunks with tool-call
 * deltas and `[DONE]`, OpenAI's error bodies. It replays a script and records every request.
 */

export interface FakeToolCall {
  id?: string;
  name: string;
  /** Sent as given when a string (to script malformed JSON), else JSON-encoded. */
  arguments: unknown;
}

export type FakeChatReply =
  | {
      kind: 'message';
      content?: string;
      toolCalls?: FakeToolCall[];
      finishReason?: string;
      usage?: { prompt_tokens?: number; completion_tokens?: number; cached_tokens?: number };
      model?: string;
      fault?: StreamFault;
    }
  | { kind: 'error'; status: number; type?: string; code?: string | null; message?: string; retryAfter?: string }
  | { kind: 'hang' };

export interface FakeOpenAIOptions {
  /** When set, requests must carry one of these bearer keys (vLLM's --api-key); otherwise any or none is fine, as Ollama does. */
  acceptKeys?: string[];
  retryAfter?: string;
}

export interface FakeOpenAIServer extends FakeHttpServer {
  readonly bodies: any[];
  remaining(): number;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  403: 'permission_error',
  404: 'invalid_request_error',
  429: 'requests',
  500: 'server_error',
  503: 'server_error',
};

export async function startFakeOpenAI(script: FakeChatReply[], options: FakeOpenAIOptions = {}): Promise<FakeOpenAIServer> {
  const queue = [...script];
  const bodies: any[] = [];
  let callSeq = 0;

  const sendError = (
    res: ServerResponse,
    status: number,
    message: string,
    type?: string,
    code: string | null = null,
    retry?: string,
  ): string => {
    const headers: Record<string, string> = {};
    if (status === 429 || status >= 500) headers['retry-after'] = retry ?? options.retryAfter ?? '0.01';
    sendJson(res, status, { error: { message, type: type ?? ERROR_TYPES[status] ?? 'server_error', param: null, code } }, headers);
    return `${status} ${type ?? ERROR_TYPES[status] ?? 'server_error'}`;
  };

  const server = await startFakeHttp(async (req, res, incoming) => {
    if (req.method !== 'POST' || req.path !== '/v1/chat/completions') return sendError(res, 404, `Invalid URL (${req.method} ${req.path})`);
    const key = (req.headers['authorization'] ?? '').replace(/^Bearer\s+/i, '');
    if (options.acceptKeys && !options.acceptKeys.includes(key)) {
      return sendError(
        res,
        401,
        'Incorrect API key provided. You can find your API key in your account settings.',
        'invalid_request_error',
        'invalid_api_key',
      );
    }
    if (req.body === undefined) return sendError(res, 400, 'We could not parse the JSON body of your request.');
    const invalid = checkChatRequest(req.body);
    if (invalid) return sendError(res, 400, invalid);

    bodies.push(req.body);
    const reply = queue.shift();
    if (!reply) return sendError(res, 500, 'Fake server: the script has no more replies.');
    if (reply.kind === 'hang') return hang(incoming);
    if (reply.kind === 'error') {
      return sendError(res, reply.status, reply.message ?? `Error ${reply.status}`, reply.type, reply.code ?? null, reply.retryAfter);
    }

    const id = `chatcmpl-${randomBytes(6).toString('hex')}`;
    const model = reply.model ?? (req.body.model as string);
    const created = Math.floor(Date.now() / 1000);
    const calls = (reply.toolCalls ?? []).map((c) => ({
      id: c.id ?? `call_${String(++callSeq).padStart(4, '0')}`,
      type: 'function' as const,
      function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
    }));
    const finish = reply.finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop');
    const u = reply.usage ?? {};
    const usage = {
      prompt_tokens: u.prompt_tokens ?? 100,
      completion_tokens: u.completion_tokens ?? 40,
      total_tokens: (u.prompt_tokens ?? 100) + (u.completion_tokens ?? 40),
      prompt_tokens_details: { cached_tokens: u.cached_tokens ?? 0 },
    };

    if (req.body.stream !== true) {
      const message = { role: 'assistant', content: reply.content ?? null, ...(calls.length ? { tool_calls: calls } : {}) };
      sendJson(res, 200, { id, object: 'chat.completion', created, model, choices: [{ index: 0, message, finish_reason: finish }], usage });
      return '200 json';
    }

    const frames: string[] = [];
    const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      frames.push(sseFrame(JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })));
    send([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    if (reply.content) for (const piece of chunk(reply.content, 2)) send([{ index: 0, delta: { content: piece }, finish_reason: null }]);
    calls.forEach((call, index) => {
      send([
        {
          index: 0,
          delta: { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] },
          finish_reason: null,
        },
      ]);
      for (const piece of chunk(call.function.arguments, 3)) {
        send([{ index: 0, delta: { tool_calls: [{ index, function: { arguments: piece } }] }, finish_reason: null }]);
      }
    });
    send([{ index: 0, delta: {}, finish_reason: finish }]);
    if (req.body.stream_options?.include_usage) send([], { usage });
    frames.push(sseFrame('[DONE]'));
    return writeStream(res, incoming, frames, {}, reply.fault);
  });

  return Object.assign(server, { bodies, remaining: () => queue.length });
}
