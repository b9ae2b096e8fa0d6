import OpenAI from 'openai';
import type { Logger } from '../ports';
import { AttemptCounter, IdleWatchdog, sdkLogger } from './attempts';
import { replyText } from './conversation';
import { isDroppedConnection, origin, StreamCutError } from './errors';
import { mapOpenAIError } from './openaiErrors';
import { toChatParams, ToolCallAssembler } from './openaiMapping';
import { ProviderError, type ContentBlock, type ModelProvider, type ModelReply, type ModelRequest } from './provider';

export interface OpenAICompatibleOptions {
  /** e.g. http://localhost:11434/v1 (Ollama), http://localhost:1234/v1 (LM Studio), http://localhost:8000/v1 (vLLM). */
  baseURL: string;
  /** Local servers need none; a placeholder is sent, which they ignore. */
  apiKey?: string;
  /** Defaults to 2, as the SDK's. */
  maxRetries?: number;
  /** Defaults to 300 s, as settings 'anthropic.timeoutSeconds'. */
  timeoutMs?: number;
  /**
   * The model to run (settings 'openai.model'). It wins over the request's model, which the engine
   * takes from the preset and which names a Claude model no local server has.
   */
  model?: string;
  logger?: Logger;
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'off';
  /** The fetch the client uses; the global one when absent. */
  fetch?: typeof fetch;
}

/** Sent when no key is configured: the SDK insists on one, local servers ignore it. */
const PLACEHOLDER_KEY = 'no-key-needed';

/**
 * Chat completions with function calling through the official `openai` SDK, for the local servers
 * that speak that protocol. Streamed like the Anthropic provider, with the same retry accounting,
 * watchdog and error wording.
 */
export class OpenAICompatibleProvider implements ModelProvider {
  readonly id = 'openai';
  readonly label: string;
  readonly model: string | undefined;
  private readonly client: OpenAI;
  private readonly secrets: string[];
  private readonly maxRetries: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: OpenAICompatibleOptions) {
    const key = options.apiKey?.trim() || PLACEHOLDER_KEY;
    this.secrets = key === PLACEHOLDER_KEY ? [] : [key];
    this.model = options.model;
    this.label = `${options.model ?? 'OpenAI-compatible'} at ${origin(options.baseURL)}`;
    this.maxRetries = options.maxRetries ?? 2;
    this.timeoutMs = options.timeoutMs ?? 300_000;
    this.client = new OpenAI({
      apiKey: key,
      baseURL: options.baseURL,
      maxRetries: this.maxRetries,
      timeout: this.timeoutMs,
      logLevel: options.logLevel ?? (options.logger ? 'warn' : 'error'),
      ...(options.logger ? { logger: sdkLogger(options.logger, this.secrets, 'openai') } : {}),
    });
  }

  async complete(request: ModelRequest): Promise<ModelReply> {
    if (request.signal?.aborted) throw new ProviderError('cancelled', 'Cancelled: the model request was stopped.');
    const attempts = new AttemptCounter(request.onProgress);
    // A per-call copy whose fetch counts this call's attempts; the global fetch is left alone.
    const client = this.client.withOptions({ fetch: attempts.wrapFetch(this.options.fetch ?? globalThis.fetch) });
    const model = this.options.model ?? request.model;
    const params = toChatParams({ ...request, model });
    const started = Date.now();
    for (;;) {
      const outcome = await this.streamOnce(client, params, request, attempts);
      if (outcome.ok) return { ...outcome.reply, durationMs: Date.now() - started, retries: attempts.retries };
      const retryable = outcome.midStream && !outcome.idle && !request.signal?.aborted && attempts.retries < this.maxRetries;
      if (retryable) {
        attempts.finished('stream cut');
        continue;
      }
      throw mapOpenAIError(outcome.error, {
        retries: attempts.retries,
        model,
        baseURL: this.options.baseURL,
        timeoutMs: this.timeoutMs,
        secrets: this.secrets,
        idleTimedOut: outcome.idle,
        signal: request.signal,
      });
    }
  }

  private async streamOnce(
    client: OpenAI,
    params: ReturnType<typeof toChatParams>,
    request: ModelRequest,
    attempts: AttemptCounter,
  ): Promise<
    { ok: true; reply: Omit<ModelReply, 'durationMs' | 'retries'> } | { ok: false; error: unknown; midStream: boolean; idle: boolean }
  > {
    let connected = false;
    let abortStream: (() => void) | undefined;
    const watchdog = new IdleWatchdog(this.timeoutMs, () => abortStream?.());
    try {
      const stream = await client.chat.completions.create(params, {
        signal: request.signal,
        maxRetries: Math.max(0, this.maxRetries - attempts.retries),
      });
      connected = true;
      abortStream = () => stream.controller.abort();
      watchdog.touch();
      const calls = new ToolCallAssembler();
      let text = '';
      let finishReason: string | undefined;
      let model = params.model;
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        watchdog.touch();
        if (chunk.model) model = chunk.model;
        if (chunk.usage) usage = chunk.usage;
        for (const choice of chunk.choices ?? []) {
          const delta = choice.delta ?? {};
          if (delta.content) {
            text += delta.content;
            request.onProgress?.({ kind: 'text', text: delta.content });
          }
          for (const call of delta.tool_calls ?? []) {
            const started = calls.add(call);
            if (started) request.onProgress?.({ kind: 'tool', name: started });
          }
          if (choice.finish_reason) finishReason = choice.finish_reason;
        }
      }
      if (stream.controller.signal.aborted) throw new OpenAI.APIUserAbortError();
      // A stream that ends before any choice finished is a cut, not a short reply.
      if (!finishReason) throw new StreamCutError('stream ended without a finish_reason');
      const toolCalls = calls.finish();
      const content: ContentBlock[] = [
        ...(text.trim() ? [{ type: 'text' as const, text }] : []),
        ...toolCalls.map((c) => ({ type: 'tool_use' as const, id: c.id, name: c.name, input: c.input })),
      ];
      const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
      return {
        ok: true,
        reply: {
          message: { role: 'assistant', content },
          text: replyText(content),
          toolCalls,
          usage: {
            // OpenAI counts cached prompt tokens inside prompt_tokens; Anthropic's input_tokens excludes them.
            inputTokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cached),
            outputTokens: usage?.completion_tokens ?? 0,
            cacheReadTokens: cached,
            cacheWriteTokens: 0,
          },
          stopReason: finishReason,
          model,
        },
      };
    } catch (err) {
      const midStream =
        connected && !(err instanceof OpenAI.APIUserAbortError) && (err instanceof StreamCutError || isDroppedConnection(err));
      return { ok: false, error: err, midStream, idle: watchdog.fired };
    } finally {
      watchdog.dispose();
    }
  }
}
