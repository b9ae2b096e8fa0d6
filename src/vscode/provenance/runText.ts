import type { PatchStatus } from '../../core/provenance/schema';
import type { RunSummary, RunView } from '../../core/provenance/views';
import { formatScore, formatTime, listBrief, statusLabel } from './format';
import { collapseWhitespace, truncate } from '../../core/text';
import { runState, type RunState } from './runState';

/**
 * One-line texts about runs for the palette commands: a quick pick row for "List Runs" and the
 * notification of "Show Run Status". 'vscode'-free.
 */

const PATCH_ORDER: PatchStatus[] = ['pending', 'approved', 'applied', 'rejected', 'rolled_back', 'stale'];

/** "1 applied, 1 rejected" with zero counts left out; "no patches" when there are none. */
export function patchCountsText(counts: Record<PatchStatus, number>): string {
  const parts = PATCH_ORDER.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${statusLabel(s).toLowerCase()}`);
  return parts.length > 0 ? parts.join(', ') : 'no patches';
}

export interface RunPickRow {
  runId: string;
  label: string;
  description: string;
  detail: string;
}

/** `state`: what the run amounts to now (runState.ts); without it, how it ended. */
export function runPickRow(s: RunSummary, timeZone?: string, state?: RunState): RunPickRow {
  const risk = s.maxRisk === undefined ? '' : ` · max risk ${formatScore(s.maxRisk)}`;
  return {
    runId: s.runId,
    label: truncate(collapseWhitespace(s.instruction), 80),
    description: `${state?.label ?? statusLabel(s.status)} · ${formatTime(s.createdAt, timeZone)}`,
    detail: `${listBrief(s.files, 3)} · ${patchCountsText(s.patchCounts)}${risk} · ${s.runId}`,
  };
}

/** `Run r-12 (2026-11-21 10:00:00): Partly applied, 2 patches: 1 applied, 1 rejected; max risk 0.41.` */
export function runStatusText(view: RunView, timeZone?: string): string {
  const { run } = view;
  const counts = Object.fromEntries(PATCH_ORDER.map((s) => [s, view.patches.filter((p) => p.status === s).length])) as Record<
    PatchStatus,
    number
  >;
  const n = run.patches.length;
  const patches = n === 0 ? 'no patches' : `${n} patch${n === 1 ? '' : 'es'}: ${patchCountsText(counts)}`;
  const risk = n === 0 ? '' : `; max risk ${formatScore(Math.max(...run.patches.map((p) => p.risk.score)))}`;
  const error = run.error ? ` (${truncate(collapseWhitespace(run.error.message), 120)})` : '';
  return `Run ${run.runId} (${formatTime(run.createdAt, timeZone)}): ${runState(run, view.patches).label}${error}, ${patches}${risk}.`;
}
