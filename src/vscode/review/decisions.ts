import type { Patch } from '../../core/provenance/schema';
import type { PatchState } from '../../core/provenance/status';
import type { RunView } from '../../core/provenance/views';
import type { Session } from '../session';
import { writeThroughEditor } from './editorWrite';
import { bytesWithHunks, loadVersions, sameBytes, sha256 } from './patchBytes';

/**
 * Approve, reject, apply and roll back, each recorded in provenance before or after it touches a
 * file as the promise requires: nothing is written over a file that changed since the proposal
 * (the patch is recorded stale instead), and a rollback only restores a file that still holds what
 * the patch wrote.
 */

export type ApplyOutcome =
  | { kind: 'applied'; file: string; sha: string; hunkIds: string[] | undefined }
  | { kind: 'stale'; file: string; reason: string }
  | { kind: 'refused'; file: string; reason: string };

export function findPatch(view: RunView, patchId: string): { patch: Patch; state: PatchState } {
  const patch = view.run.patches.find((p) => p.id === patchId);
  const state = view.patches.find((s) => s.patchId === patchId);
  if (!patch || !state) throw new Error(`Run ${view.run.runId} has no patch ${patchId}.`);
  return { patch, state };
}

/** What the file holds now if everything recorded so far is true: the original plus applied hunks. */
export async function expectedOnDisk(session: Session, patch: Patch, state: PatchState): Promise<Uint8Array | undefined> {
  const versions = await loadVersions(await session.store(), patch);
  if (state.status === 'applied' && state.appliedHunkIds.length === 0) return versions.after;
  return bytesWithHunks(patch, versions, state.appliedHunkIds);
}

/**
 * Approves and applies a whole patch (`hunkIds` undefined: every hunk not rejected) or some hunks.
 * The current text, unsaved editor changes included, must be what the proposal was made from.
 */
export function approveAndApply(session: Session, runId: string, patchId: string, hunkIds: string[] | undefined, actor = session.actor()): Promise<ApplyOutcome> {
  return session.exclusive(() => approveAndApplyNow(session, runId, patchId, hunkIds, actor));
}

async function approveAndApplyNow(session: Session, runId: string, patchId: string, hunkIds: string[] | undefined, actor: string): Promise<ApplyOutcome> {
  const store = await session.store();
  const view = await store.getRun(runId);
  const { patch, state } = findPatch(view, patchId);
  if (!patch.valid) return { kind: 'refused', file: patch.file, reason: `${patch.file}: this candidate did not pass the gates; it cannot be approved.` };
  if (state.status !== 'pending' && state.status !== 'approved') {
    return { kind: 'refused', file: patch.file, reason: `${patch.file}: the patch is ${state.status.replace('_', ' ')}.` };
  }
  const versions = await loadVersions(store, patch);
  const expected = await expectedOnDisk(session, patch, state);
  const current = await session.files.read(patch.file);
  if (!sameBytes(current, expected)) {
    const reason = current === undefined ? `${patch.file} no longer exists` : `${patch.file} changed since the proposal (now sha256 ${sha256(current).slice(0, 12)}, proposal made from ${expected ? sha256(expected).slice(0, 12) : 'no file'})`;
    await store.appendDecision({ kind: 'decision', schemaVersion: 1, runId, createdAt: new Date().toISOString(), decision: 'stale', patchIds: [patchId], actor, detail: reason });
    session.changed();
    return { kind: 'stale', file: patch.file, reason };
  }
  const all = patch.hunks.map((h) => h.id);
  const target = hunkIds ?? all.filter((h) => !state.rejectedHunkIds.includes(h) && !state.appliedHunkIds.includes(h));
  const onDiskAfter = [...new Set([...state.appliedHunkIds, ...target])];
  const bytes = bytesWithHunks(patch, versions, onDiskAfter);
  // Name the hunks whenever some are already decided: a whole-patch approve would reopen rejected ones.
  const partial = hunkIds !== undefined || state.appliedHunkIds.length > 0 || state.rejectedHunkIds.length > 0;
  const named = partial ? { hunkIds: target } : {};
  await store.appendDecision({ kind: 'decision', schemaVersion: 1, runId, createdAt: new Date().toISOString(), decision: 'approve', patchIds: [patchId], actor, ...named });
  session.changed();
  await writeThroughEditor(session.files, patch.file, bytes);
  const sha = bytes === undefined ? 'deleted' : sha256(bytes);
  await store.appendDecision({
    kind: 'decision',
    schemaVersion: 1,
    runId,
    createdAt: new Date().toISOString(),
    decision: 'apply',
    patchIds: [patchId],
    actor,
    ...named,
    detail: `${patch.file} sha256 ${sha}`,
  });
  session.changed();
  return { kind: 'applied', file: patch.file, sha, hunkIds };
}

export function reject(session: Session, runId: string, patchId: string, hunkIds: string[] | undefined, actor = session.actor()): Promise<void> {
  return session.exclusive(async () => {
    const store = await session.store();
    await store.appendDecision({ kind: 'decision', schemaVersion: 1, runId, createdAt: new Date().toISOString(), decision: 'reject', patchIds: [patchId], actor, ...(hunkIds ? { hunkIds } : {}) });
    session.changed();
  });
}

export interface RollbackReport {
  restored: string[];
  refused: { file: string; reason: string }[];
}

/**
 * Restores, for each patch of the run that is on disk, the exact bytes it replaced; a file whose
 * content is no longer what the patch wrote (the user edited it since, saved or not) is left alone
 * and reported.
 */
export function rollbackRun(session: Session, runId: string, actor = session.actor()): Promise<RollbackReport> {
  return session.exclusive(() => rollbackRunNow(session, runId, actor));
}

async function rollbackRunNow(session: Session, runId: string, actor: string): Promise<RollbackReport> {
  const store = await session.store();
  const view = await store.getRun(runId);
  const report: RollbackReport = { restored: [], refused: [] };
  // Later patches of the same file sit on top of earlier ones: undo them newest first.
  const onDisk = view.patches.filter((s) => s.status === 'applied' || (s.status !== 'rolled_back' && s.appliedHunkIds.length > 0)).reverse();
  for (const state of onDisk) {
    const patch = view.run.patches.find((p) => p.id === state.patchId)!;
    const versions = await loadVersions(store, patch);
    const wrote = await expectedOnDisk(session, patch, state);
    const current = await session.files.read(patch.file);
    if (!sameBytes(current, wrote)) {
      report.refused.push({ file: patch.file, reason: `${patch.file} changed after the patch was applied; it was left as it is.` });
      continue;
    }
    await writeThroughEditor(session.files, patch.file, versions.before);
    await store.appendDecision({
      kind: 'decision',
      schemaVersion: 1,
      runId,
      createdAt: new Date().toISOString(),
      decision: 'rollback',
      patchIds: [patch.id],
      actor,
      detail: `${patch.file} restored to sha256 ${versions.before ? sha256(versions.before) : 'absent'}`,
    });
    report.restored.push(patch.file);
    session.changed();
  }
  return report;
}
