import Anthropic, { type Middleware } from '@anthropic-ai/sdk';
import type { Logger } from '../ports';
import { fromAnthropicMessage, toAnthropicParams } from './anthropicMapping';
import { AttemptCounter, IdleWatchdog, sdkLogger } from './attempts';
import { anthropicKeyMissing, mapAnthropicError } from './anthropicErrors';
import { isDroppedConnection, StreamCutError } from './errors';
import { ProviderError, type ModelProvider, type ModelReply, type ModelRequest } from './provider';

export interface AnthropicProviderOptions {
  /** The CLI passes process.env.ANTHROPIC_API_KEY; the editor its secret storage. Missing fails at the first call. */
  apiKey?: string;
  /** Undefined lets the SDK read ANTHROPIC_BASE_URL, as it always does. */
  baseURL?: string;
  /** HTTP retries per call (429, 5xx, 529, dropped connections), settings 'anthropic.maxRetries'. */
  maxRetries: number;
  /** Per HTTP attempt until headers, and the longest silence tolerated mid-stream. */
  timeoutMs: number;
  /** Only for the label shown to the user. */
  model?: string;
  /** Receives the SDK's own log lines, key scrubbed. Without it the SDK stays quiet below errors. */
  logger?: Logger;
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'off';
}

/**
 * The Messages API through the official SDK, always streamed: progress reaches the user as it
 * happens, and a long reply never trips the SDK's refusal of long non-streaming calls.
 */
export class AnthropicProvider implements ModelProvider {
  readonly id = 'anthropic';
  readonly label: string;
  private client: Anthropic | undefined;

  constructor(private readonly options: AnthropicProviderOptions) {
    this.label = options.model ? `Anthropic ${options.model}` : 'Anthropic';
  }

  async complete(request: ModelRequest): Promise<ModelReply> {
    const key = this.options.apiKey?.trim();
    if (!key) throw anthropicKeyMissing();
    if (request.signal?.aborted) throw new ProviderError('cancelled', 'Cancelled: the model request was stopped.');
    const client = this.getClient(key);
    const params = toAnthropicParams(request);
    const attempts = new AttemptCounter(request.onProgress);
    const started = Date.now();

    // The SDK retries failed HTTP attempts itself. A stream that breaks after its 200 is ours to
    // retry: the half reply is dropped, never returned, and the retry draws on the same budget.
    for (;;) {
      const outcome = await this.streamOnce(client, params, request, attempts);
      if (outcome.ok) return fromAnthropicMessage(outcome.message, Date.now() - started, attempts.retries);
      const retryable = outcome.midStream && !outcome.idle && !request.signal?.aborted && attempts.retries < this.options.maxRetries;
      if (retryable) {
        attempts.finished('stream cut');
        continue;
      }
      throw mapAnthropicError(outcome.error, {
        retries: attempts.retries,
        model: request.model,
        baseURL: client.baseURL,
        timeoutMs: this.options.timeoutMs,
        secrets: [key],
        idleTimedOut: outcome.idle,
        signal: request.signal,
      });
    }
  }

  private async streamOnce(
    client: Anthropic,
    params: ReturnType<typeof toAnthropicParams>,
    request: ModelRequest,
    attempts: AttemptCounter,
  ): Promise<{ ok: true; message: Anthropic.Message } | { ok: false; error: unknown; midStream: boolean; idle: boolean }> {
    const counting: Middleware = async (req, next) => {
      attempts.started();
      try {
        const response = await next(req);
        attempts.finished(response.status);
        return response;
      } catch (err) {
        attempts.finished('connection failed');
        throw err;
      }
    };
    let connected = false;
    const stream = client.messages.stream(params, {
      signal: request.signal,
      maxRetries: Math.max(0, this.options.maxRetries - attempts.retries),
      middleware: [counting],
    });
    const watchdog = new IdleWatchdog(this.options.timeoutMs, () => stream.abort());
    stream.on('connect', () => {
      connected = true;
      watchdog.touch();
    });
    stream.on('streamEvent', (event) => {
      watchdog.touch();
      if (event.type === 'content_block_start' && event.content_block.type === 'tool_use') {
        request.onProgress?.({ kind: 'tool', name: event.content_block.name });
      }
    });
    if (request.onProgress) stream.on('text', (delta) => request.onProgress?.({ kind: 'text', text: delta }));
    try {
      return { ok: true, message: await stream.finalMessage() };
    } catch (err) {
      const error = asStreamCut(err, connected);
      return { ok: false, error, midStream: connected && isRetryableMidStream(error), idle: watchdog.fired };
    } finally {
      watchdog.dispose();
    }
  }

  private getClient(key: string): Anthropic {
    if (this.client) return this.client;
    const { logger, logLevel } = this.options;
    this.client = new Anthropic({
      apiKey: key,
      ...(this.options.baseURL ? { baseURL: this.options.baseURL } : {}),
      maxRetries: this.options.maxRetries,
      timeout: this.options.timeoutMs,
      logLevel: logLevel ?? (logger ? 'warn' : 'error'),
      ...(logger ? { logger: sdkLogger(logger, [key], 'anthropic') } : {}),
    });
    return this.client;
  }
}

/** The SDK's wording when a stream ends before message_stop; we name it so it is never mistaken for a reply. */
function asStreamCut(err: unknown, connected: boolean): unknown {
  if (!connected || err instanceof Anthropic.APIError) return err;
  if (err instanceof Anthropic.AnthropicError && /stream ended|ended without/i.test(err.message)) {
    return new StreamCutError(err.message);
  }
  return err;
}

/**
 * After the 200: a dropped connection, a stream that ended early, or an `event: error` for a
 * passing condition (overloaded, api_error) is worth another try. A cancel or a client-side
 * parse failure is not.
 */
function isRetryableMidStream(err: unknown): boolean {
  if (err instanceof Anthropic.APIUserAbortError) return false;
  if (err instanceof Anthropic.APIError) {
    return (
      err.status === undefined &&
      (err.type === 'overloaded_error' || err.type === 'api_error' || err instanceof Anthropic.APIConnectionError)
    );
  }
  return err instanceof StreamCutError || isDroppedConnection(err);
}
