import * as Anthropic from '@anthropic-ai/sdk';
import { ANTHROPIC_WORDING, classifyFailure, type FailureContext } from './errors';
import { ProviderError } from './provider';

/** Which @anthropic-ai/sdk error class a failure is; the wording and the rules live in errors.ts. */

export const KEY_MISSING_MESSAGE = 'No Anthropic API key: set ANTHROPIC_API_KEY or run “Refactor Guard: Set API Key”.';

export function anthropicKeyMissing(): ProviderError {
  return new ProviderError('key_missing', KEY_MISSING_MESSAGE);
}

export function mapAnthropicError(err: unknown, ctx: FailureContext): ProviderError {
  return classifyFailure(err, ctx, ANTHROPIC_WORDING, {
    isAbort: err instanceof Anthropic.APIUserAbortError,
    isTimeout: err instanceof Anthropic.APIConnectionTimeoutError,
    isConnection: err instanceof Anthropic.APIConnectionError,
    ...(err instanceof Anthropic.APIError ? { api: err } : {}),
  });
}
