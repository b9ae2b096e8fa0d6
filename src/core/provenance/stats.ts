import { FINDING_CATEGORIES, type FindingCategory } from '../findings';
import { RunStatusSchema, type PatchStatus, type RunStatus } from './schema';
import { isOnDisk } from './status';
import type { RunView } from './views';

/** A share with what it is a share of, so "0 of 0" is not shown as 0%. */
export interface Share {
  count: number;
  of: number;
  /** count / of, or null when `of` is 0. */
  rate: number | null;
}

export interface Stats {
  runs: number;
  runsByStatus: Record<RunStatus, number>;
  patchesByStatus: Record<PatchStatus, number>;
  /** Runs whose first candidate passed every gate, among runs that had a candidate. */
  firstAttemptPass: Share;
  /** Among runs whose first candidate failed, those that ended with a valid patch. */
  repairSuccess: Share;
  tokens: {
    /** Input plus output tokens of every model call. */
    total: number;
    /** Input plus output tokens of repair calls. */
    repair: number;
    cacheRead: number;
    cacheWrite: number;
  };
  /** Risk of patches on disk now (applied wholly or in part, not rolled back). */
  appliedRisk: { patches: number; mean: number | null; worst: number | null };
  /** Introduced findings across every attempt's gate runs, by category. */
  findingsByCategory: Record<FindingCategory, number>;
}

function share(count: number, of: number): Share {
  return { count, of, rate: of === 0 ? null : count / of };
}

/** Pure: the figures `stats` shows, over runs as the store folds them. */
export function computeStats(views: readonly RunView[]): Stats {
  const runsByStatus = Object.fromEntries(RunStatusSchema.options.map((s) => [s, 0])) as Record<RunStatus, number>;
  const patchesByStatus: Record<PatchStatus, number> = { pending: 0, approved: 0, rejected: 0, applied: 0, rolled_back: 0, stale: 0 };
  const findingsByCategory = Object.fromEntries(FINDING_CATEGORIES.map((c) => [c, 0])) as Record<FindingCategory, number>;
  let firstTried = 0;
  let firstPassed = 0;
  let needRepair = 0;
  let repaired = 0;
  const tokens = { total: 0, repair: 0, cacheRead: 0, cacheWrite: 0 };
  const appliedScores: number[] = [];

  // The model's record: a person's edit of a proposal is not a repair the model made.
  for (const { record: run, run: current, patches } of views) {
    runsByStatus[run.status]++;
    const first = run.attempts.find((a) => a.index === 1) ?? run.attempts[0];
    if (first) {
      firstTried++;
      if (first.success) firstPassed++;
      else {
        needRepair++;
        if (run.patches.some((p) => p.valid)) repaired++;
      }
    }
    for (const call of run.modelCalls) {
      const spent = call.inputTokens + call.outputTokens;
      tokens.total += spent;
      if (call.phase === 'repair') tokens.repair += spent;
      tokens.cacheRead += call.cacheReadTokens;
      tokens.cacheWrite += call.cacheWriteTokens;
    }
    for (const attempt of run.attempts) {
      for (const gate of attempt.gates) for (const f of gate.findings) if (f.introduced) findingsByCategory[f.category]++;
    }
    for (const state of patches) {
      patchesByStatus[state.status]++;
      // What was applied is the patch as it stood: a person's revision where there is one.
      const patch = current.patches.find((p) => p.id === state.patchId);
      if (patch && isOnDisk(state)) appliedScores.push(patch.risk.score);
    }
  }

  const mean = appliedScores.length === 0 ? null : appliedScores.reduce((a, b) => a + b, 0) / appliedScores.length;
  const worst = appliedScores.length === 0 ? null : Math.max(...appliedScores);
  return {
    runs: views.length,
    runsByStatus,
    patchesByStatus,
    firstAttemptPass: share(firstPassed, firstTried),
    repairSuccess: share(repaired, needRepair),
    tokens,
    appliedRisk: { patches: appliedScores.length, mean, worst },
    findingsByCategory,
  };
}
