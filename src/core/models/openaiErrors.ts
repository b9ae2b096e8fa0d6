import * as OpenAI from 'openai';
import { classifyFailure, OPENAI_COMPATIBLE_WORDING, type FailureContext } from './errors';
import type { ProviderError } from './provider';

/** Which `openai` SDK error class a failure is; the wording and the rules live in errors.ts. */
export function mapOpenAIError(err: unknown, ctx: FailureContext): ProviderError {
  return classifyFailure(err, ctx, OPENAI_COMPATIBLE_WORDING, {
    isAbort: err instanceof OpenAI.APIUserAbortError,
    isTimeout: err instanceof OpenAI.APIConnectionTimeoutError,
    isConnection: err instanceof OpenAI.APIConnectionError,
    ...(err instanceof OpenAI.APIError ? { api: err } : {}),
  });
}
