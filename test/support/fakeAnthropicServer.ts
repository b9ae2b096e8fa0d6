import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { checkMessagesRequest } from './anthropicRequestRules';
import { chunk, hang, sendJson, sseFrame, startFakeHttp, writeStream, type FakeHttpServer, type StreamFault } from './fakeHttp';

/**
 * A local Messages API speaking the real protocol (POST /v1/messages, JSON or SSE), replaying a
 * script of replies and recording every request body. Tests drive the real @anthropic-ai/sdk
 * against it, so the client's retries, streaming parser and error classes are exercised for real.
 * Every request is checked against what the real API rejects (anthropicRequestRules.ts) before a
 * scripted reply is used: a rejected request gets the real 400 and does not consume the script.
 */

export type FakeBlock = { type: 'text'; text: string } | { type: 'tool_use'; id?: string; name: string; input: unknown };

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export type FakeReply =
  | {
      kind: 'message';
      content: FakeBlock[];
      usage?: Partial<FakeUsage>;
      stopReason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal';
      /** Defaults to the model the request named. */
      model?: string;
      /** Breaks the stream part way (ignored for non-streaming requests). */
      fault?: StreamFault;
      /** An `event: error` sent in place of the events from this index on, as the API does when it overloads mid-stream. */
      errorAtEvent?: { index: number; type: string; message: string };
    }
  | { kind: 'error'; status: number; type?: string; message?: string; retryAfter?: string }
  /** Never answers; the client must time out or abort. */
  | { kind: 'hang' };

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const DEFAULT_MESSAGES: Record<string, string> = {
  invalid_request_error: 'Invalid request.',
  authentication_error: 'invalid x-api-key',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'Not found.',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit.',
  api_error: 'Internal server error',
  overloaded_error: 'Overloaded',
};

export interface FakeAnthropicOptions {
  /** When set, only these keys are accepted; any other key gets the real 401. */
  acceptKeys?: string[];
  /** Seconds, as the real `retry-after` header; small so retry tests stay quick. Default '0.01'. */
  retryAfter?: string;
  /** Pieces each tool input is split into as input_json_delta chunks. Default 3. */
  jsonChunks?: number;
}

export interface FakeAnthropicServer extends FakeHttpServer {
  /** Bodies of the requests that reached the script (passed validation), in order. */
  readonly bodies: any[];
  /** Replies not yet used. */
  remaining(): number;
}

export async function startFakeAnthropic(script: FakeReply[], options: FakeAnthropicOptions = {}): Promise<FakeAnthropicServer> {
  const queue = [...script];
  const bodies: any[] = [];
  const retryAfter = options.retryAfter ?? '0.01';
  let toolSeq = 0;

  const sendError = (res: ServerResponse, status: number, type?: string, message?: string, retry?: string): string => {
    const errorType = type ?? ERROR_TYPES[status] ?? 'api_error';
    const headers: Record<string, string> = { 'request-id': requestId() };
    if (status === 429 || status >= 500) headers['retry-after'] = retry ?? retryAfter;
    sendJson(
      res,
      status,
      {
        type: 'error',
        error: { type: errorType, message: message ?? DEFAULT_MESSAGES[errorType] ?? 'Error' },
        request_id: headers['request-id'],
      },
      headers,
    );
    return `${status} ${errorType}`;
  };

  const server = await startFakeHttp(async (req, res, incoming) => {
    if (req.method !== 'POST' || req.path !== '/v1/messages')
      return sendError(res, 404, 'not_found_error', `Not found: ${req.method} ${req.path}`);
    const key = req.headers['x-api-key'] ?? (req.headers['authorization'] ?? '').replace(/^Bearer\s+/i, '');
    if (!key) return sendError(res, 401, 'authentication_error', 'x-api-key header is required');
    if (options.acceptKeys && !options.acceptKeys.includes(key)) return sendError(res, 401, 'authentication_error', 'invalid x-api-key');
    if (!req.headers['anthropic-version']) return sendError(res, 400, 'invalid_request_error', 'anthropic-version: header is required');
    if (req.body === undefined)
      return sendError(res, 400, 'invalid_request_error', 'There was an issue with the request body: not valid JSON');
    const invalid = checkMessagesRequest(req.body);
    if (invalid) return sendError(res, 400, 'invalid_request_error', invalid);

    bodies.push(req.body);
    const reply = queue.shift();
    if (!reply) return sendError(res, 500, 'api_error', 'Fake server: the script has no more replies.', undefined);
    if (reply.kind === 'hang') return hang(incoming);
    if (reply.kind === 'error') return sendError(res, reply.status, reply.type, reply.message, reply.retryAfter);

    const message = buildMessage(reply, req.body.model as string, () => `toolu_fake${String(++toolSeq).padStart(4, '0')}`);
    const headers = { 'request-id': requestId() };
    if (req.body.stream !== true) {
      sendJson(res, 200, message, headers);
      return '200 json';
    }
    const frames = streamFrames(message, options.jsonChunks ?? 3);
    if (reply.errorAtEvent) {
      const { index, type, message: text } = reply.errorAtEvent;
      frames.splice(index, frames.length - index, sseFrame(JSON.stringify({ type: 'error', error: { type, message: text } }), 'error'));
    }
    return writeStream(res, incoming, frames, headers, reply.fault);
  });

  return Object.assign(server, { bodies, remaining: () => queue.length });
}

function requestId(): string {
  return `req_fake${randomBytes(8).toString('hex')}`;
}

interface BuiltMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: Array<{ type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown }>;
  stop_reason: string;
  stop_sequence: null;
  usage: FakeUsage;
}

function buildMessage(reply: Extract<FakeReply, { kind: 'message' }>, model: string, nextToolId: () => string): BuiltMessage {
  const content = reply.content.map((b) =>
    b.type === 'text' ? { ...b } : { type: 'tool_use' as const, id: b.id ?? nextToolId(), name: b.name, input: b.input },
  );
  return {
    id: `msg_fake${randomBytes(6).toString('hex')}`,
    type: 'message',
    role: 'assistant',
    model: reply.model ?? model,
    content,
    stop_reason: reply.stopReason ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, ...reply.usage },
  };
}

/** The real event sequence: message_start, ping, per block start/deltas/stop, message_delta, message_stop. */
function streamFrames(message: BuiltMessage, jsonChunks: number): string[] {
  const frames: string[] = [];
  const send = (data: Record<string, unknown>) => frames.push(sseFrame(JSON.stringify(data), data.type as string));
  const { usage } = message;
  send({
    type: 'message_start',
    message: {
      ...message,
      content: [],
      stop_reason: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  send({ type: 'ping' });
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      send({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const piece of chunk(block.text, 2)) send({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
    } else {
      send({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      send({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } });
      for (const piece of chunk(JSON.stringify(block.input), jsonChunks)) {
        send({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } });
      }
    }
    send({ type: 'content_block_stop', index });
  });
  send({
    type: 'message_delta',
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  });
  send({ type: 'message_stop' });
  return frames;
}
