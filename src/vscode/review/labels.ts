import type { Hunk } from '../../core/edits/hunk';
import type { PatchStatus, RunRecord } from '../../core/provenance/schema';
import type { PatchState } from '../../core/provenance/status';
import type { ChangedLinesCoverage, Risk } from '../../core/risk/schema';

/** Words and tooltips for the tree, the diff titles and the CodeLenses, in one place. */

export function riskBadge(risk: Risk | undefined): string {
  return risk ? `${risk.score.toFixed(2)} ${risk.level}` : 'no risk score';
}

export function riskFactorsText(risk: Risk | undefined): string {
  if (!risk || risk.factors.length === 0) return 'No risk factors.';
  return [...risk.factors]
    .sort((a, b) => b.contribution - a.contribution)
    .map((f) => `- ${f.label} (+${f.contribution.toFixed(2)}): ${f.detail}`)
    .join('\n');
}

export function topFactor(risk: Risk | undefined): string | undefined {
  const f = risk?.factors.slice().sort((a, b) => b.contribution - a.contribution)[0];
  return f ? f.label : undefined;
}

/** "Tests run 1 of 2 changed lines (not run: line 21)", or undefined where coverage was not measured. */
export function coverageText(c: ChangedLinesCoverage | undefined): string | undefined {
  if (!c) return undefined;
  if (c.changedLines === 0) return 'No changed line can run';
  if (c.coveredLines === c.changedLines) return `Tests run every changed line (${c.changedLines})`;
  const shown = c.uncovered.slice(0, 5).join(', ');
  const more = c.changedLines - c.coveredLines > 5 ? ', …' : '';
  return `Tests run ${c.coveredLines} of ${c.changedLines} changed lines (not run: line${c.changedLines - c.coveredLines === 1 ? '' : 's'} ${shown}${more})`;
}

const STATUS_WORDS: Record<PatchStatus, string> = {
  pending: 'pending',
  approved: 'approved',
  rejected: 'rejected',
  applied: 'applied',
  rolled_back: 'rolled back',
  stale: 'stale',
};

export function statusWord(state: PatchState): string {
  const word = STATUS_WORDS[state.status];
  return state.partlyApplied ? `${word}, partly applied` : word;
}

export type HunkStatus = 'pending' | 'applied' | 'rejected' | 'stale' | 'rolled_back';

export function hunkStatus(state: PatchState, hunk: Hunk): HunkStatus {
  if (state.appliedHunkIds.includes(hunk.id)) return 'applied';
  if (state.rejectedHunkIds.includes(hunk.id)) return 'rejected';
  if (state.status === 'stale') return 'stale';
  if (state.status === 'rolled_back') return 'rolled_back';
  if (state.status === 'rejected') return 'rejected';
  if (state.status === 'applied') return 'applied';
  return 'pending';
}

/**
 * The lines a hunk changes, in the new file's numbering, without its context lines: "Line 16" for
 * a change at line 16, "Lines 16-18" for three added lines. Removed lines count at the line that
 * follows them in the new file, where they were.
 */
export function hunkRange(h: Hunk): string {
  let next = h.newLines === 0 ? h.newStart + 1 : h.newStart;
  // A deletion at the end of the file counts at the new file's last line.
  const lastNew = Math.max(h.newLines === 0 ? h.newStart : h.newStart + h.newLines - 1, 1);
  let first: number | undefined;
  let last: number | undefined;
  for (const l of h.lines) {
    const kind = l[0];
    if (kind === '\\') continue;
    if (kind === ' ') {
      next++;
      continue;
    }
    const at = Math.max(kind === '+' ? next : Math.min(next, lastNew), 1);
    first ??= at;
    last = Math.max(last ?? at, at);
    if (kind === '+') next++;
  }
  if (first === undefined || last === undefined) return `Line ${Math.max(h.newStart, 1)}`;
  return first === last ? `Line ${first}` : `Lines ${first}-${last}`;
}

export function relativeTime(iso: string, now = Date.now()): string {
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

const RUN_STATUS: Record<RunRecord['status'], string> = {
  proposed: 'proposed',
  no_valid_patch: 'no valid patch',
  no_changes: 'no changes',
  provider_error: 'provider error',
  cancelled: 'cancelled',
  failed: 'failed',
};

export function runStatusWord(run: RunRecord): string {
  return RUN_STATUS[run.status];
}
