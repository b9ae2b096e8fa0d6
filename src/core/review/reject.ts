import { sameBytes } from '../sha256';
import { describeState, nowIso, requireIntactChain, requireSigned, selectPatches, type ReviewContext } from './context';
import { loadVersions } from './hunkBytes';
import type { PatchOutcome } from './outcome';

export interface RejectRequest {
  runId: string;
  patchIds?: readonly string[];
  hunkIds?: readonly string[];
}

/**
 * Rejects pending or approved patches (or some of their hunks): nothing is written, the decision
 * is recorded. A whole patch whose file already holds its proposal is not rejected: those bytes
 * came from an apply that was never recorded (an earlier release killed in between), and a reject
 * would leave them on disk with no record to roll them back by.
 */
export async function rejectRun(ctx: ReviewContext, req: RejectRequest): Promise<PatchOutcome[]> {
  // An unknown run is answered before the lock, which would create the store folder.
  const runId = (await ctx.store.getRun(req.runId)).run.runId;
  return ctx.store.locked(async (tx) => {
    const view = await tx.getRun(runId);
    requireSigned(view);
    await requireIntactChain(tx);
    const outcomes: PatchOutcome[] = [];
    const chosen: string[] = [];
    const hunked = req.hunkIds !== undefined && req.hunkIds.length > 0;
    for (const { patch, state } of selectPatches(view, req.patchIds, req.hunkIds)) {
      if (state.status !== 'pending' && state.status !== 'approved') {
        outcomes.push({
          patchId: patch.id,
          file: patch.file,
          outcome: 'skipped',
          message: `${patch.file}: already ${describeState(state)}.`,
        });
        continue;
      }
      if (!hunked && state.appliedHunkIds.length === 0 && patch.afterSha256 !== patch.beforeSha256) {
        const after = (await loadVersions(tx.store, patch).catch(() => undefined))?.after;
        if (after !== undefined && sameBytes(await ctx.writer.read(patch.file), after)) {
          outcomes.push({
            patchId: patch.id,
            file: patch.file,
            outcome: 'refused',
            message: `${patch.file} already holds this patch's proposal, written by an apply that was never recorded; not rejected. Apply it to record it (it can then be rolled back).`,
          });
          continue;
        }
      }
      chosen.push(patch.id);
      outcomes.push({
        patchId: patch.id,
        file: patch.file,
        outcome: 'rejected',
        message: `${patch.file}: rejected${hunked ? ` (hunk ${req.hunkIds!.filter((h) => patch.hunks.some((x) => x.id === h)).join(', ')})` : ''}.`,
      });
    }
    if (chosen.length > 0) {
      await tx.appendDecision({
        kind: 'decision',
        runId: view.run.runId,
        createdAt: nowIso(ctx),
        decision: 'reject',
        patchIds: chosen,
        actor: ctx.actor,
        ...(hunked ? { hunkIds: [...req.hunkIds!] } : {}),
      });
    }
    return outcomes;
  });
}
