import type { Clock, Logger } from '../ports';
import type { Patch } from '../provenance/schema';
import type { PatchState } from '../provenance/status';
import type { LockedStore, ProvenanceStore } from '../provenance/store';
import type { RunView } from '../provenance/views';
import { ReviewError } from './outcome';
import type { ReviewWriter } from './writer';

/** What every review operation works with; each host builds one. */
export interface ReviewContext {
  store: ProvenanceStore;
  writer: ReviewWriter;
  /** Who decides, for the record: 'cli:<user>', 'vscode:<user>', 'auto-apply'. */
  actor: string;
  clock?: Clock;
  logger?: Logger;
}

export function nowIso(ctx: ReviewContext): string {
  return (ctx.clock?.now() ?? new Date()).toISOString();
}

/** The run's patch and its folded state; an unknown id is a usage error. */
export function findPatch(view: RunView, patchId: string): { patch: Patch; state: PatchState } {
  const patch = view.run.patches.find((p) => p.id === patchId);
  const state = view.patches.find((s) => s.patchId === patchId);
  if (!patch || !state)
    throw new ReviewError(
      `Run ${view.run.runId} has no patch ${patchId} (it has ${view.run.patches.map((p) => p.id).join(', ') || 'none'}).`,
      'usage',
    );
  return { patch, state };
}

/**
 * The patches an operation names: all of the run's when none are given; the owners of the hunks
 * when only hunks are. Unknown ids are one usage error naming them.
 */
export function selectPatches(
  view: RunView,
  patchIds: readonly string[] | undefined,
  hunkIds: readonly string[] | undefined,
): { patch: Patch; state: PatchState }[] {
  const byHunk = new Map(view.run.patches.flatMap((p) => p.hunks.map((h) => [h.id, p.id] as const)));
  if (hunkIds && hunkIds.length > 0) {
    const unknown = hunkIds.filter((h) => !byHunk.has(h));
    if (unknown.length > 0) throw new ReviewError(`Run ${view.run.runId} has no hunk ${unknown.join(', ')}.`, 'usage');
  }
  let wanted: Set<string> | undefined = patchIds && patchIds.length > 0 ? new Set(patchIds) : undefined;
  if (wanted) {
    const known = new Set(view.run.patches.map((p) => p.id));
    const unknown = [...wanted].filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new ReviewError(
        `Run ${view.run.runId} has no patch ${unknown.join(', ')} (it has ${[...known].join(', ') || 'none'}).`,
        'usage',
      );
  }
  if (hunkIds && hunkIds.length > 0) {
    const owners = new Set(hunkIds.map((h) => byHunk.get(h)!));
    if (wanted) {
      const stray = [...owners].filter((p) => !wanted!.has(p));
      if (stray.length > 0)
        throw new ReviewError(
          `Hunk ${hunkIds.filter((h) => stray.includes(byHunk.get(h)!)).join(', ')} belongs to patch ${stray.join(', ')}, which was not named.`,
          'usage',
        );
    }
    wanted = owners;
  }
  return view.run.patches.filter((p) => !wanted || wanted.has(p.id)).map((p) => findPatch(view, p.id));
}

/**
 * Nothing is decided on a chain that verify would fault: a removed record (a rejection, say) or a
 * declared gap that is not one changes what the records add up to, and so what a write would do.
 */
export async function requireIntactChain(tx: LockedStore): Promise<void> {
  const problems = await tx.chainProblems();
  if (problems.length > 0) {
    throw new ReviewError(
      `The provenance store is damaged (${problems[0]!.message}${problems.length > 1 ? ` and ${problems.length - 1} more` : ''}); nothing was changed. Run verify.`,
      'refused',
    );
  }
}

/** Nothing is done for a run some of whose records an earlier release wrote and nobody adopted. */
export function requireSigned(view: RunView): void {
  if (view.unsigned) {
    throw new ReviewError(
      `Run ${view.run.runId} was recorded before records were signed (an earlier Refactor Guard), and this store has not been adopted; nothing was changed.`,
      'unsigned',
    );
  }
}

export function describeState(state: PatchState): string {
  return (state.partlyApplied ? `${state.status} and partly applied` : state.status).replace(/_/g, ' ');
}
