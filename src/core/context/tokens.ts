/**
 * Token counts for the context budget, with a real BPE tokenizer rather than a characters/4 guess
 * (code tokenizes far from 4 characters a token: indentation, punctuation and identifiers split
 * very differently from prose).
 *
 * Which tokenizer: Anthropic publishes no tokenizer for Claude 3 and later; `@anthropic-ai/tokenizer`
 * is the Claude 2 vocabulary, unmaintained since 2023, and pulls in a wasm build of tiktoken. The
 * providers' own count endpoints need the network and a key. So we count with `gpt-tokenizer`
 * (pure JavaScript, no dependencies, works offline on Node 20, maintained) using `o200k_base`, the
 * vocabulary of current OpenAI models: exact for them, an approximation for Claude-family models,
 * whose own counts for the same code differ (we have no offline way to measure by how much).
 * Callers that budget for Claude should leave headroom: the engine's budget is a target for the
 * context, not the model's hard limit, and the provider reports the real input tokens per call.
 */
import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';

export const TOKENIZER_NAME = 'o200k_base (gpt-tokenizer)';

/** Source code may contain strings such as `<|endoftext|>`; count them as text, never throw. */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  return countO200k(text, AS_TEXT);
}
