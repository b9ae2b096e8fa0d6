import type { Patch } from '../provenance/schema';
import type { PatchState } from '../provenance/status';
import type { LockedStore } from '../provenance/store';
import { sameBytes, sha256Hex } from '../sha256';
import { nowIso, requireIntactChain, requireSigned, selectPatches, type ReviewContext } from './context';
import { bytesFor, loadVersions, type PatchVersions } from './hunkBytes';
import type { PatchOutcome } from './outcome';

/**
 * What the file must hold for the patch to go on (`from`: the original, or what its applied hunks
 * left) and what it holds once `hunksAfter` are on disk (`to`). Whole patches move between the two
 * stored versions; only hunk subsets are rebuilt.
 */
export function expectedBytes(
  patch: Patch,
  versions: PatchVersions,
  state: PatchState,
  hunksAfter: readonly string[],
  partial: boolean,
): { from: Uint8Array | undefined; to: Uint8Array | undefined } {
  return {
    from: state.appliedHunkIds.length === 0 ? versions.before : bytesFor(patch, versions, state.appliedHunkIds),
    to: partial ? bytesFor(patch, versions, hunksAfter) : versions.after,
  };
}

/**
 * Why the file can no longer take the patch, or undefined when it holds `from`, or already `to` (a
 * write whose record an earlier release lost to a crash is recorded, so its rollback works again).
 */
export function staleReason(
  file: string,
  current: Uint8Array | undefined,
  bytes: { from: Uint8Array | undefined; to: Uint8Array | undefined },
): string | undefined {
  if (sameBytes(current, bytes.from) || sameBytes(current, bytes.to)) return undefined;
  if (current === undefined) return `${file} no longer exists`;
  const made = bytes.from ? sha256Hex(bytes.from).slice(0, 12) : 'no file';
  return `${file} changed since the proposal (now sha256 ${sha256Hex(current).slice(0, 12)}, proposal made from ${made})`;
}

/** Records the patch stale, under the lock the caller holds, and says so as apply does. */
export async function recordStale(tx: LockedStore, ctx: ReviewContext, runId: string, patch: Patch, reason: string): Promise<PatchOutcome> {
  await tx.appendDecision({
    kind: 'decision',
    runId,
    createdAt: nowIso(ctx),
    decision: 'stale',
    patchIds: [patch.id],
    actor: ctx.actor,
    detail: reason,
  });
  return { patchId: patch.id, file: patch.file, outcome: 'stale', message: `${reason}; not applied. Run the refactor again.` };
}

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
      const remaining = patch.hunks.map((h) => h.id).filter((h) => !state.rejectedHunkIds.includes(h));
      const partial = state.appliedHunkIds.length > 0 || state.rejectedHunkIds.length > 0;
      const bytes = expectedBytes(patch, await loadVersions(tx.store, patch), state, remaining, partial);
      const reason = staleReason(patch.file, await ctx.writer.read(patch.file), bytes);
      if (reason === undefined) {
        skip(`${patch.file}: unchanged since the proposal.`);
        continue;
      }
      outcomes.push(await recordStale(tx, ctx, view.run.runId, patch, reason));
    }
    return outcomes;
  });
}
