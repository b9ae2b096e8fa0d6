import { isOnDisk } from '../provenance/status';
import { sameBytes, sha256Hex } from '../sha256';
import { nowIso, requireSigned, selectPatches, type ReviewContext } from './context';
import { bytesFor, loadVersions } from './hunkBytes';
import { ReviewError, type PatchOutcome } from './outcome';
import { writeRefusals } from './pathRules';
import { commit, type Change } from './transaction';

/**
 * Restores the exact bytes each applied patch of the run replaced, as one transaction, but only
 * where the file still holds what the patch wrote: a file changed since is refused and left as
 * it is, so a rollback never destroys later work. Every original is read from the store and
 * checked against its hash before any file is written. A file that already holds its original
 * (a rollback by an earlier release killed before its record) is recorded without a write.
 */
export async function rollbackRun(ctx: ReviewContext, runIdOrPrefix: string): Promise<PatchOutcome[]> {
  // An unknown run is answered before the lock, which would create the store folder.
  const runId = (await ctx.store.getRun(runIdOrPrefix)).run.runId;
  return ctx.store.locked(async (tx) => {
    const view = await tx.getRun(runId);
    requireSigned(view);
    const refusal = await writeRefusals(view.run, view.run.patches, ctx.writer.realPath?.bind(ctx.writer));
    if (refusal) throw new ReviewError(`Refused to roll back run ${view.run.runId}: ${refusal}; nothing was written.`, 'refused');
    const outcomes: PatchOutcome[] = [];
    const restore: { patchId: string; change: Change }[] = [];
    for (const { patch, state } of selectPatches(view, undefined, undefined)) {
      if (!isOnDisk(state)) continue;
      const versions = await loadVersions(tx.store, patch);
      const wrote =
        state.status === 'applied' && state.appliedHunkIds.length === 0 ? versions.after : bytesFor(patch, versions, state.appliedHunkIds);
      const current = await ctx.writer.read(patch.file);
      if (!sameBytes(current, wrote) && !sameBytes(current, versions.before)) {
        outcomes.push({
          patchId: patch.id,
          file: patch.file,
          outcome: 'refused',
          message: `${patch.file} changed after the patch was applied; not rolled back, so your later work stays.`,
        });
        continue;
      }
      restore.push({ patchId: patch.id, change: { path: patch.file, from: current, to: versions.before } });
    }
    if (restore.length === 0) return outcomes;
    const writes = restore.map((r) => ({ path: r.change.path, sha256: r.change.to === undefined ? null : sha256Hex(r.change.to) }));
    await commit(
      tx,
      ctx.writer,
      {
        runId: view.run.runId,
        operation: 'rollback',
        actor: ctx.actor,
        changes: restore.map((r) => r.change).filter((c) => !sameBytes(c.from, c.to)),
        decision: (txId) => ({
          kind: 'decision',
          runId: view.run.runId,
          createdAt: nowIso(ctx),
          decision: 'rollback',
          patchIds: restore.map((r) => r.patchId),
          actor: ctx.actor,
          writes,
          detail: writes.map((w) => `${w.path} restored to sha256 ${w.sha256 ?? 'absent'}`).join('; '),
          ...(txId ? { txId } : {}),
        }),
      },
      ctx.logger,
    );
    for (const r of restore) {
      outcomes.push({
        patchId: r.patchId,
        file: r.change.path,
        outcome: 'rolled_back',
        // A file the patch created had no bytes before: rolling back removes it.
        message:
          r.change.to === undefined
            ? `${r.change.path}: removed (the patch created it).`
            : `${r.change.path}: restored to the exact bytes it had before.`,
        sha256: r.change.to === undefined ? null : sha256Hex(r.change.to),
      });
    }
    return outcomes;
  });
}
