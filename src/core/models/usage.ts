import type { ModelCall } from '../provenance/schema';
import type { Phase, TokenUsage } from './provider';

/**
 * Token accounting over a run's model calls, for the provenance view, `stats` and the CLI summary.
 * "Tokens" of a call means every token it was billed for: fresh input, cache reads, cache writes
 * and output. Anthropic's input_tokens excludes the cached parts (and the OpenAI-compatible
 * provider subtracts them the same way), so the four never overlap and simply add up.
 */

export interface UsageTotals extends TokenUsage {
  /** Calls counted, failed ones included (their tokens are zero). */
  calls: number;
  failedCalls: number;
  retries: number;
  durationMs: number;
}

const PHASES: readonly Phase[] = ['plan', 'generate', 'repair'];

export function emptyTotals(): UsageTotals {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, calls: 0, failedCalls: 0, retries: 0, durationMs: 0 };
}

/** All tokens a call or total was billed for. */
export function tokensOf(u: TokenUsage): number {
  return u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;
}

/** Sums usages, e.g. the replies of one attempt. */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  };
}

export function totalUsage(calls: readonly ModelCall[]): UsageTotals {
  const t = emptyTotals();
  for (const c of calls) {
    t.inputTokens += c.inputTokens;
    t.outputTokens += c.outputTokens;
    t.cacheReadTokens += c.cacheReadTokens;
    t.cacheWriteTokens += c.cacheWriteTokens;
    t.calls += 1;
    t.failedCalls += c.error !== undefined ? 1 : 0;
    t.retries += c.retries;
    t.durationMs += c.durationMs;
  }
  return t;
}

/** Totals per phase; every phase is present, with zeros where it had no calls. */
export function usageByPhase(calls: readonly ModelCall[]): Record<Phase, UsageTotals> {
  const out = {} as Record<Phase, UsageTotals>;
  for (const phase of PHASES) out[phase] = totalUsage(calls.filter((c) => c.phase === phase));
  return out;
}

/** Tokens spent repairing: what the gates' findings cost on top of the first candidate. */
export function repairTokens(calls: readonly ModelCall[]): number {
  return tokensOf(totalUsage(calls.filter((c) => c.phase === 'repair')));
}

/** Share of repair in all tokens of the run, in [0, 1]; 0 for a run without tokens. */
export function repairShare(calls: readonly ModelCall[]): number {
  const all = tokensOf(totalUsage(calls));
  return all === 0 ? 0 : repairTokens(calls) / all;
}

/** Share of prompt tokens read from the cache, in [0, 1]: how well the stable prefix was reused. */
export function cacheHitRate(u: TokenUsage): number {
  const prompt = u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens;
  return prompt === 0 ? 0 : u.cacheReadTokens / prompt;
}
