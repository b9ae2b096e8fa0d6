import { sha256Hex } from '../provenance/hash';
import type { Patch } from '../provenance/schema';
import type { ProvenanceStore } from '../provenance/store';
import type { PatchState } from '../provenance/status';
import type { RunView } from '../provenance/views';
import type { Clock, WorkspaceFiles } from '../ports';
import { systemClock } from '../ports';
import { errorLine } from '../errorLine';

/** What happened to one patch when applying or rolling back. */
export interface PatchOutcome {
  patchId: string;
  file: string;
  outcome: 'applied' | 'rolled_back' | 'rejected' | 'stale' | 'refused' | 'skipped';
  message: string;
}

export interface DecisionContext {
  store: ProvenanceStore;
  files: WorkspaceFiles;
  actor: string;
  clock?: Clock;
}

/** True when the file holds exactly what the patch was proposed against (absent for a new file). */
export function isFresh(patch: Patch, current: Uint8Array | undefined): boolean {
  if (patch.beforeSha256 === null) return current === undefined;
  return current !== undefined && sha256Hex(current) === patch.beforeSha256;
}

/** True when the file still holds exactly what the patch wrote (absent when the patch deleted it). */
export function holdsPatchResult(patch: Patch, current: Uint8Array | undefined): boolean {
  if (patch.afterSha256 === null) return current === undefined;
  return current !== undefined && sha256Hex(current) === patch.afterSha256;
}

/** The bytes a patch writes, read back from the store and checked against its hash. */
export async function proposedBytes(store: ProvenanceStore, patch: Patch): Promise<Uint8Array | undefined> {
  return patch.afterSha256 === null ? undefined : store.blobs.get(patch.afterSha256);
}

function selectPatches(view: RunView, patchIds: readonly string[] | undefined): { patch: Patch; state: PatchState }[] {
  const wanted = patchIds && patchIds.length > 0 ? new Set(patchIds) : undefined;
  if (wanted) {
    const known = new Set(view.run.patches.map((p) => p.id));
    const unknown = [...wanted].filter((id) => !known.has(id));
    if (unknown.length > 0) throw new ApplyError(`Run ${view.run.runId} has no patch ${unknown.join(', ')} (it has ${[...known].join(', ') || 'none'}).`);
  }
  return view.run.patches
    .filter((p) => !wanted || wanted.has(p.id))
    .map((patch) => ({ patch, state: view.patches.find((s) => s.patchId === patch.id)! }));
}

export class ApplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApplyError';
  }
}

/**
 * Applies a run's valid, pending or approved patches to disk. Every file is checked first: a file
 * that changed since the proposal (other than to the proposal itself) is marked stale, and then
 * nothing is written. Otherwise every patch is written; if one write fails, the ones already
 * written are put back, so the set lands whole or not at all. Each apply is recorded as a decision.
 */
export async function applyPatches(ctx: DecisionContext, runId: string, patchIds?: readonly string[]): Promise<PatchOutcome[]> {
  const view = await ctx.store.getRun(runId);
  const outcomes: PatchOutcome[] = [];
  const ready: { patch: Patch; before: Uint8Array | undefined; after: Uint8Array | undefined }[] = [];
  const now = () => (ctx.clock ?? systemClock).now().toISOString();

  for (const { patch, state } of selectPatches(view, patchIds)) {
    if (state.status !== 'pending' && state.status !== 'approved') {
      outcomes.push({ patchId: patch.id, file: patch.file, outcome: 'skipped', message: `${patch.file}: already ${state.status.replace('_', ' ')}.` });
      continue;
    }
    if (!patch.valid) {
      outcomes.push({ patchId: patch.id, file: patch.file, outcome: 'refused', message: `${patch.file}: the candidate did not pass the gates; it cannot be applied.` });
      continue;
    }
    const current = await ctx.files.read(patch.file);
    // A file that already holds exactly the proposal is what an apply killed between its write and
    // its record leaves: applying again writes nothing new and records it, so rollback works again.
    if (!isFresh(patch, current) && !holdsPatchResult(patch, current)) {
      await ctx.store.appendDecision({ kind: 'decision', schemaVersion: 1, runId: view.run.runId, createdAt: now(), decision: 'stale', patchIds: [patch.id], actor: ctx.actor, detail: `${patch.file} changed since the proposal` });
      outcomes.push({ patchId: patch.id, file: patch.file, outcome: 'stale', message: `${patch.file} changed since the proposal; not applied. Run the refactor again.` });
      continue;
    }
    ready.push({ patch, before: current, after: await proposedBytes(ctx.store, patch) });
  }

  // The run's patches were validated together: with one of them stale, applying the rest would
  // land half a refactor the gates never saw. Asked for by id (--patch), a patch still applies alone.
  const stale = outcomes.filter((o) => o.outcome === 'stale');
  if (stale.length > 0 && ready.length > 0) {
    const why = stale.map((o) => o.file).join(', ');
    for (const r of ready) {
      outcomes.push({ patchId: r.patch.id, file: r.patch.file, outcome: 'skipped', message: `${r.patch.file}: not applied, since ${why} changed and this run's patches land together; apply ${r.patch.id} on its own if you want it.` });
    }
    return outcomes;
  }

  const written: typeof ready = [];
  const putBack = async () => {
    for (const item of written.reverse()) {
      if (item.before === undefined) await ctx.files.remove(item.patch.file);
      else await ctx.files.writeAtomic(item.patch.file, item.before);
    }
  };
  try {
    for (const item of ready) {
      if (item.after === undefined) await ctx.files.remove(item.patch.file);
      else await ctx.files.writeAtomic(item.patch.file, item.after);
      written.push(item);
    }
  } catch (err) {
    const failed = ready[written.length]?.patch.file ?? 'a file';
    await putBack();
    throw new ApplyError(`Writing ${failed} failed (${errorLine(err)}); every file of this apply was put back.`);
  }
  if (ready.length > 0) {
    try {
      await ctx.store.appendDecision({
        kind: 'decision',
        schemaVersion: 1,
        runId: view.run.runId,
        createdAt: now(),
        decision: 'apply',
        patchIds: ready.map((r) => r.patch.id),
        actor: ctx.actor,
        detail: ready.map((r) => `${r.patch.file} sha256 ${r.patch.afterSha256 ?? 'deleted'}`).join('; '),
      });
    } catch (err) {
      // Files on disk that the store does not record as applied could never be rolled back, and a
      // later apply would call them stale: put them back unless another apply of the same patches
      // was recorded meanwhile (then the bytes on disk are that apply's, and must stay).
      const recorded = await ctx.store.getRun(view.run.runId).then(
        (v) => ready.some((r) => v.patches.find((s) => s.patchId === r.patch.id)?.status === 'applied'),
        () => false,
      );
      if (!recorded) await putBack();
      throw new ApplyError(`Recording the apply failed (${errorLine(err)}); ${recorded ? 'another apply of these patches was recorded meanwhile' : 'every file of this apply was put back'}.`);
    }
  }
  for (const r of ready) outcomes.push({ patchId: r.patch.id, file: r.patch.file, outcome: 'applied', message: `${r.patch.file}: applied (+${r.patch.linesAdded} -${r.patch.linesRemoved}).` });
  return outcomes;
}

/** Rejects pending or approved patches: nothing is written, the decision is recorded. */
export async function rejectPatches(ctx: DecisionContext, runId: string, patchIds?: readonly string[]): Promise<PatchOutcome[]> {
  const view = await ctx.store.getRun(runId);
  const chosen = selectPatches(view, patchIds).filter(({ state }) => state.status === 'pending' || state.status === 'approved');
  if (chosen.length > 0) {
    await ctx.store.appendDecision({ kind: 'decision', schemaVersion: 1, runId: view.run.runId, createdAt: (ctx.clock ?? systemClock).now().toISOString(), decision: 'reject', patchIds: chosen.map((c) => c.patch.id), actor: ctx.actor });
  }
  return selectPatches(view, patchIds).map(({ patch, state }) =>
    chosen.some((c) => c.patch.id === patch.id)
      ? { patchId: patch.id, file: patch.file, outcome: 'rejected' as const, message: `${patch.file}: rejected.` }
      : { patchId: patch.id, file: patch.file, outcome: 'skipped' as const, message: `${patch.file}: already ${state.status.replace('_', ' ')}.` },
  );
}

/**
 * Restores the exact bytes each applied patch replaced, but only where the file still holds what
 * the patch wrote: if the user changed it since, that file is refused and left as it is, so a
 * rollback never destroys later work.
 */
export async function rollbackRun(ctx: DecisionContext, runId: string): Promise<PatchOutcome[]> {
  const view = await ctx.store.getRun(runId);
  const outcomes: PatchOutcome[] = [];
  const restored: string[] = [];
  const restore: { patch: Patch; bytes: Uint8Array | undefined }[] = [];
  for (const { patch, state } of selectPatches(view, undefined)) {
    if (state.status !== 'applied' && state.appliedHunkIds.length === 0) continue;
    const current = await ctx.files.read(patch.file);
    const written = lastWrittenSha(view, patch);
    const expected = written === undefined ? holdsPatchResult(patch, current) : written === null ? current === undefined : current !== undefined && sha256Hex(current) === written;
    // Already the original bytes: what a rollback killed (or failing) after its write leaves behind.
    // Restoring again changes nothing and records it, instead of refusing it for ever.
    const original = patch.beforeSha256 === null ? current === undefined : current !== undefined && sha256Hex(current) === patch.beforeSha256;
    if (!expected && !original) {
      outcomes.push({ patchId: patch.id, file: patch.file, outcome: 'refused', message: `${patch.file} changed after the patch was applied; not rolled back, so your later work stays.` });
      continue;
    }
    // Every original is read (and checked against its hash) before any file is written, so a
    // missing or damaged blob stops the rollback before it has restored half the run.
    restore.push({ patch, bytes: patch.beforeSha256 === null ? undefined : await ctx.store.blobs.get(patch.beforeSha256) });
  }
  for (const { patch, bytes } of restore) {
    if (bytes === undefined) await ctx.files.remove(patch.file);
    else await ctx.files.writeAtomic(patch.file, bytes);
    restored.push(patch.id);
    outcomes.push({ patchId: patch.id, file: patch.file, outcome: 'rolled_back', message: `${patch.file}: restored to the exact bytes it had before.` });
  }
  if (restored.length > 0) {
    await ctx.store.appendDecision({ kind: 'decision', schemaVersion: 1, runId: view.run.runId, createdAt: (ctx.clock ?? systemClock).now().toISOString(), decision: 'rollback', patchIds: restored, actor: ctx.actor });
  }
  return outcomes;
}

/**
 * The sha256 the last apply of this patch wrote, read from its apply decisions (`<file> sha256 <hex>`,
 * the form both the CLI and the editor record).
 * A patch applied hunk by hunk from the editor holds neither the proposal's bytes nor the
 * original's, so this, not the proposal's hash, is what must still be on disk for a rollback.
 */
export function lastWrittenSha(view: RunView, patch: Patch): string | null | undefined {
  let last: string | null | undefined;
  for (const d of view.decisions) {
    if (d.decision !== 'apply' || !d.patchIds.includes(patch.id) || !d.detail) continue;
    for (const part of d.detail.split('; ')) {
      const m = /^(.*) sha256 ([0-9a-f]{64}|deleted)$/.exec(part);
      if (m && m[1] === patch.file) last = m[2] === 'deleted' ? null : m[2]!;
    }
  }
  return last;
}
