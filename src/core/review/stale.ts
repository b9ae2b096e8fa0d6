import { sameBytes, sha256Hex } from '../sha256';
import { bytesFor } from './apply';
import { nowIso, requireIntactChain, requireSigned, selectPatches, type ReviewContext } from './context';
import { loadVersions } from './hunkBytes';
import type { PatchOutcome } from './outcome';

export interface StaleCheckRequest {
  runId: string;
  patchIds: readonly string[];
}

/**
 * The check apply makes before it writes, without writing: each named valid patch that is still
 * undecided (pending or approved) and whose file no longer holds what the proposal was made from
 * (or what its applied hunks left), nor already the full result, is recorded stale, with the same
 * reason apply gives. The editor calls it when a file under inline review changes, so the review
 * ends as the next Approve would have ended it. Patches that are unchanged, decided or invalid are
 * `skipped`.
 */
export async function recordStaleIfChanged(ctx: ReviewContext, req: StaleCheckRequest): Promise<PatchOutcome[]> {
  const runId = (await ctx.store.getRun(req.runId)).run.runId;
  return ctx.store.locked(async (tx) => {
    const view = await tx.getRun(runId);
    requireSigned(view);
    await requireIntactChain(tx);
    const outcomes: PatchOutcome[] = [];
    for (const { patch, state } of selectPatches(view, req.patchIds, undefined)) {
      const skip = (message: string) => outcomes.push({ patchId: patch.id, file: patch.file, outcome: 'skipped', message });
      if ((state.status !== 'pending' && state.status !== 'approved') || !patch.valid) {
        skip(`${patch.file}: not awaiting review.`);
        continue;
      }
      const versions = await loadVersions(tx.store, patch);
      const remaining = patch.hunks.map((h) => h.id).filter((h) => !state.rejectedHunkIds.includes(h));
      const partial = state.appliedHunkIds.length > 0 || state.rejectedHunkIds.length > 0;
      const from = state.appliedHunkIds.length === 0 ? versions.before : bytesFor(patch, versions, state.appliedHunkIds);
      const to = partial ? bytesFor(patch, versions, remaining) : versions.after;
      const current = await ctx.writer.read(patch.file);
      if (sameBytes(current, from) || sameBytes(current, to)) {
        skip(`${patch.file}: unchanged since the proposal.`);
        continue;
      }
      const reason =
        current === undefined
          ? `${patch.file} no longer exists`
          : `${patch.file} changed since the proposal (now sha256 ${sha256Hex(current).slice(0, 12)}, proposal made from ${from ? sha256Hex(from).slice(0, 12) : 'no file'})`;
      await tx.appendDecision({
        kind: 'decision',
        runId: view.run.runId,
        createdAt: nowIso(ctx),
        decision: 'stale',
        patchIds: [patch.id],
        actor: ctx.actor,
        detail: reason,
      });
      outcomes.push({ patchId: patch.id, file: patch.file, outcome: 'stale', message: `${reason}; not applied. Run the refactor again.` });
    }
    return outcomes;
  });
}
