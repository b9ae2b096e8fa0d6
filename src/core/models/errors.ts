import { ProviderError, type ProviderErrorKind } from './provider';
import { collapseWhitespace, truncate } from '../text';

/**
 * Every failure of a model SDK becomes a ProviderError: one line that says what happened and what
 * to do, never a stack trace, never the key or a header. Both SDKs are generated from the same
 * template (APIError with status and body, APIUserAbortError, APIConnectionError and its timeout
 * subclass), so one classifier serves both and only the wording differs per provider. The SDK
 * specific part (which class is which) lives beside each provider, in anthropicErrors.ts and
 * openaiErrors.ts, so loading one provider never loads the other's SDK.
 */

/** What the classifier needs to know about the call that failed. */
export interface FailureContext {
  /** HTTP retries the SDK (or we) made before giving up. */
  retries: number;
  model: string;
  /** Where requests went; only its origin is ever shown (no path, no userinfo). */
  baseURL: string;
  timeoutMs: number;
  /** Secrets that must never appear in a message, whatever the server echoed. */
  secrets: string[];
  /** Set when our own idle watchdog, not the SDK, ended the request. */
  idleTimedOut?: boolean;
  /** The caller's cancellation signal. */
  signal?: AbortSignal;
}

/** Raised by a provider when a streamed reply ended before its final event; retried like a dropped connection. */
export class StreamCutError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'StreamCutError';
  }
}

export interface Wording {
  name: string;
  keyHint: string;
  modelHint: (model: string) => string;
  networkHint: string;
  timeoutSetting: string;
}

export const ANTHROPIC_WORDING: Wording = {
  name: 'Anthropic',
  keyHint: 'set ANTHROPIC_API_KEY or run “Refactor Guard: Set API Key”',
  modelHint: (model) =>
    `the model “${model}” does not exist or this key cannot use it; choose another model in the preset settings (refactorGuard.presets)`,
  networkHint: 'check the network connection, a proxy, or ANTHROPIC_BASE_URL',
  timeoutSetting: 'refactorGuard.anthropic.timeoutSeconds',
};

export const OPENAI_COMPATIBLE_WORDING: Wording = {
  name: 'The OpenAI-compatible server',
  keyHint: 'set OPENAI_API_KEY to the key the server expects (local servers such as Ollama need none)',
  modelHint: (model) =>
    `the model “${model}” is not available there; pull or load it (e.g. \`ollama pull ${model}\`) or change refactorGuard.openai.model`,
  networkHint: 'is the server (Ollama, LM Studio, vLLM, llama.cpp) running? Check refactorGuard.openai.baseUrl',
  timeoutSetting: 'refactorGuard.anthropic.timeoutSeconds',
};

/** What the SDK-specific mapper found out about the error. */
export interface ErrorShape {
  isAbort: boolean;
  isTimeout: boolean;
  isConnection: boolean;
  api?: { status: number | undefined; error: unknown; message: string };
}

export function classifyFailure(err: unknown, ctx: FailureContext, w: Wording, s: ErrorShape): ProviderError {
  if (err instanceof ProviderError) return err;
  const make = (kind: ProviderErrorKind, message: string, status?: number) =>
    new ProviderError(kind, redact(message, ctx.secrets), status, ctx.retries);
  const where = origin(ctx.baseURL);
  const after = ctx.retries > 0 ? ` after ${ctx.retries} ${ctx.retries === 1 ? 'retry' : 'retries'}` : '';

  // Order matters: the SDK reports our idle watchdog and the user's cancel both as an abort.
  if (ctx.idleTimedOut)
    return make('timeout', `${w.name} sent nothing for ${seconds(ctx.timeoutMs)}${after}: try again, or raise ${w.timeoutSetting}.`);
  if (ctx.signal?.aborted || s.isAbort || isAbortError(err)) return make('cancelled', 'Cancelled: the model request was stopped.');
  if (s.isTimeout)
    return make('timeout', `${w.name} did not answer within ${seconds(ctx.timeoutMs)}${after}: try again, or raise ${w.timeoutSetting}.`);
  if (err instanceof StreamCutError || s.isConnection || isDroppedConnection(err)) {
    const cut = err instanceof StreamCutError || (!s.isConnection && !isRefused(err));
    return cut
      ? make(
          'network',
          `The connection to ${w.name === ANTHROPIC_WORDING.name ? 'Anthropic' : where} broke off mid-reply${after}: try again; ${w.networkHint}.`,
        )
      : make(
          'network',
          `Cannot reach ${w.name === ANTHROPIC_WORDING.name ? 'Anthropic' : 'the server'} at ${where}${after}: ${w.networkHint}.`,
        );
  }
  const api = s.api;
  if (!api) return make('server', `${w.name} failed unexpectedly: ${oneLine(errorText(err))}`);

  const status = api.status;
  const body = apiBody(api.error);
  const type = body.type ?? '';
  const quoted = body.message ? oneLine(body.message) : '';
  const label = [status, type].filter(Boolean).join(' ');

  if (status === 401 || type === 'authentication_error')
    return make('key_rejected', `${w.name} rejected the API key (${label}): ${w.keyHint}.`, status);
  if (status === 403 || type === 'permission_error')
    return make(
      'key_rejected',
      `${w.name} refused the request (${label}): this key lacks permission${quoted ? ` (“${quoted}”)` : ''}; check the key's workspace or use another key.`,
      status,
    );
  if (status === 402 || type === 'billing_error')
    return make('key_rejected', `${w.name} refused the request (${label}): check the account's billing and credit.`, status);
  if (status === 429 || type === 'rate_limit_error')
    return make(
      'rate_limited',
      `${w.name} rate limit reached (${label})${after}: wait a minute and try again, or use a smaller preset.`,
      status,
    );
  if (status === 529 || type === 'overloaded_error')
    return make('overloaded', `${w.name} is overloaded (${label || 'overloaded_error'})${after}: try again in a few minutes.`, status);
  if (status === 404 || type === 'not_found_error') {
    if (/model/i.test(quoted) || body.code === 'model_not_found')
      return make('model_not_found', `Model not found (${label}): ${w.modelHint(ctx.model)}.`, status);
    return make('bad_request', `${w.name} at ${where} answered ${label}${quoted ? ` (“${quoted}”)` : ''}: check the base URL.`, status);
  }
  if (status === 413 || type === 'request_too_large')
    return make(
      'bad_request',
      `The request is too large for ${w.name} (${label}): narrow the targets or lower the preset's contextBudget.`,
      status,
    );
  if (status !== undefined && status >= 500)
    return make('server', `${w.name} had a server error (${label})${after}${quoted ? `: “${quoted}”` : ''}; try again later.`, status);
  if (status === 400 || type === 'invalid_request_error') {
    if (/prompt is too long|context length|too many tokens|maximum context/i.test(quoted)) {
      return make(
        'bad_request',
        `${w.name} refused the request as too long (${label}: “${quoted}”): narrow the targets or lower the preset's contextBudget.`,
        status,
      );
    }
    if (/does not support tools|tool.*not supported/i.test(quoted)) {
      return make('bad_request', `${w.name} refused the tools (${label}: “${quoted}”): choose a model that supports tool calling.`, status);
    }
    return make(
      'bad_request',
      `${w.name} rejected the request (${label}): “${quoted || 'no message'}”. This is likely a Refactor Guard bug; please report it.`,
      status,
    );
  }
  return make('server', `${w.name} answered ${label || 'with an error'}${quoted ? `: “${quoted}”` : ''}.`, status);
}

interface ApiBody {
  type?: string;
  message?: string;
  code?: string;
}

/** Anthropic keeps the whole body (`{type:'error', error:{type,message}}`), OpenAI the inner `error`. */
function apiBody(error: unknown): ApiBody {
  if (typeof error === 'string') return { message: error };
  if (typeof error !== 'object' || error === null) return {};
  const outer = error as Record<string, unknown>;
  const inner = typeof outer.error === 'object' && outer.error !== null ? (outer.error as Record<string, unknown>) : outer;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { type: str(inner.type), message: str(inner.message) ?? str(outer.error), code: str(inner.code) };
}

function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/** undici's "terminated" / "other side closed" and the like, raised while reading a body. */
export function isDroppedConnection(err: unknown): boolean {
  const text = errorChain(err);
  return /terminated|other side closed|socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|fetch failed|UND_ERR_SOCKET|premature close/i.test(
    text,
  );
}

function isRefused(err: unknown): boolean {
  return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|fetch failed/i.test(errorChain(err));
}

function errorChain(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(`${current.name}: ${current.message} ${(current as { code?: string }).code ?? ''}`);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(' | ');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The origin alone: a base URL may carry userinfo or a token in its path. */
export function origin(baseURL: string): string {
  try {
    return new URL(baseURL).origin;
  } catch {
    return 'the configured base URL';
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** The API's own words, on one line and short enough for a status bar. */
function oneLine(text: string, max = 240): string {
  return truncate(collapseWhitespace(text), max);
}

/** Removes the given secrets and anything shaped like an API key from text meant for users or logs. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out.replace(/\b(sk-[A-Za-z0-9_-]{8,})/g, '[redacted]');
}
