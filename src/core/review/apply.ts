import type { Patch } from '../provenance/schema';
import type { PatchState } from '../provenance/status';
import type { LockedStore } from '../provenance/store';
import type { RunView } from '../provenance/views';
import { sameBytes, sha256Hex } from '../sha256';
import { describeState, nowIso, requireIntactChain, requireSigned, selectPatches, type ReviewContext } from './context';
import { loadVersions } from './hunkBytes';
import { expectedBytes, recordStale, staleReason } from './stale';
import { ReviewError, type PatchOutcome } from './outcome';
import { writeRefusals } from './pathRules';
import { commit } from './transaction';

export interface ApplyRequest {
  runId: string;
  /** Only these patches (default: every pending or approved one). */
  patchIds?: readonly string[];
  /** Only these hunks (their patches are implied). */
  hunkIds?: readonly string[];
  /** Record an approval first: the editor's Approve approves and applies in one step. */
  approve?: boolean;
  /** Only valid patches whose risk is at most this (auto-apply, Approve All Under Max Risk). */
  maxRisk?: number;
}

interface Ready {
  patch: Patch;
  state: PatchState;
  /** The hunks this apply writes. */
  target: string[];
  /** Some hunks are named or already decided: the record must name the hunks. */
  partial: boolean;
  from: Uint8Array | undefined;
  to: Uint8Array | undefined;
}

/**
 * Applies a run's valid pending (or approved) patches, whole or some hunks, as one transaction:
 * under the store lock every file is checked to hold what the proposal was made from (or, for
 * a partly applied patch, what its applied hunks left); if any does not, that patch is recorded
 * stale and nothing is written, since the run's patches were validated together. Otherwise the
 * files are written and recorded together (transaction.ts). A file that already holds exactly
 * the result is recorded without a write.
 */
export async function applyRun(ctx: ReviewContext, req: ApplyRequest): Promise<PatchOutcome[]> {
  // An unknown run is answered before the lock, which would create the store folder.
  const runId = (await ctx.store.getRun(req.runId)).run.runId;
  return ctx.store.locked(async (tx) => {
    const view = await tx.getRun(runId);
    requireSigned(view);
    await requireIntactChain(tx);
    const refusal = await writeRefusals(view.run, view.run.patches, ctx.writer.realPath?.bind(ctx.writer));
    if (refusal) throw new ReviewError(`Refused to apply run ${view.run.runId}: ${refusal}; nothing was written.`, 'refused');
    const selected = selectPatches(view, req.patchIds, req.hunkIds);
    // A run's patches were validated together. Once a person's edit left one of them failing the
    // gates, applying "the run" would write the others without it (a test without the function it
    // imports): only patches named one by one may go ahead then.
    if (req.patchIds === undefined && req.hunkIds === undefined && req.maxRisk === undefined) {
      const open = selected.filter(({ state }) => state.status === 'pending' || state.status === 'approved');
      const failing = open.filter(({ patch }) => !patch.valid);
      if (failing.length > 0 && failing.length < open.length)
        throw new ReviewError(
          `Refused to apply run ${view.run.runId}: ${failing.map(({ patch }) => `${patch.file} (${patch.id})`).join(', ')} no longer passes the gates since it was edited, and the run's patches were checked together; edit it again, or apply the others by naming them. Nothing was written.`,
          'refused',
        );
    }
    const outcomes: PatchOutcome[] = [];
    const ready: Ready[] = [];
    const stale: { patch: Patch; reason: string }[] = [];
    for (const { patch, state } of selected) {
      const skip = (message: string, outcome: PatchOutcome['outcome'] = 'skipped') =>
        outcomes.push({ patchId: patch.id, file: patch.file, outcome, message });
      if (state.status !== 'pending' && state.status !== 'approved') {
        skip(`${patch.file}: already ${describeState(state)}.`);
        continue;
      }
      if (!patch.valid) {
        skip(`${patch.file}: the candidate did not pass the gates; it cannot be applied.`, 'refused');
        continue;
      }
      if (req.maxRisk !== undefined && patch.risk.score > req.maxRisk) {
        skip(`${patch.file}: risk ${patch.risk.score.toFixed(2)} is above the limit ${req.maxRisk}; left for review.`);
        continue;
      }

      const all = patch.hunks.map((h) => h.id);
      const named = req.hunkIds && req.hunkIds.length > 0 ? req.hunkIds.filter((h) => all.includes(h)) : undefined;
      const again = (named ?? []).filter((h) => state.appliedHunkIds.includes(h));
      if (again.length > 0) {
        skip(`${patch.file}: hunk ${again.join(', ')} is already applied.`);
        continue;
      }
      const target = named ?? all.filter((h) => !state.rejectedHunkIds.includes(h) && !state.appliedHunkIds.includes(h));
      if (all.length > 0 && target.length === 0) {
        skip(`${patch.file}: no hunk left to apply.`);
        continue;
      }
      const partial = named !== undefined || state.appliedHunkIds.length > 0 || state.rejectedHunkIds.length > 0;
      const bytes = expectedBytes(patch, await loadVersions(tx.store, patch), state, [...state.appliedHunkIds, ...target], partial);
      const current = await ctx.writer.read(patch.file);
      const reason = staleReason(patch.file, current, bytes);
      if (reason === undefined) ready.push({ patch, state, target, partial, from: current, to: bytes.to });
      else stale.push({ patch, reason });
    }

    if (stale.length > 0) {
      for (const s of stale) outcomes.push(await recordStale(tx, ctx, view.run.runId, s.patch, s.reason));
      // Validated together, landed together: half a refactor is one the gates never saw.
      const why = stale.map((s) => s.patch.file).join(', ');
      for (const r of ready)
        outcomes.push({
          patchId: r.patch.id,
          file: r.patch.file,
          outcome: 'skipped',
          message: `${r.patch.file}: not applied, since ${why} changed and this run's patches land together; apply ${r.patch.id} on its own if you want it.`,
        });
      return outcomes;
    }
    if (ready.length === 0) return outcomes;
    await record(ctx, tx, view, ready, req.approve === true);
    for (const r of ready) {
      const hunks = r.partial ? { hunkIds: r.target } : {};
      const what = r.partial
        ? `hunk${r.target.length === 1 ? '' : 's'} ${r.target.join(', ')}`
        : `+${r.patch.linesAdded} -${r.patch.linesRemoved}`;
      outcomes.push({
        patchId: r.patch.id,
        file: r.patch.file,
        outcome: 'applied',
        message: `${r.patch.file}: applied (${what}).`,
        sha256: r.to === undefined ? null : sha256Hex(r.to),
        ...hunks,
      });
    }
    return outcomes;
  });
}

async function record(ctx: ReviewContext, tx: LockedStore, view: RunView, ready: Ready[], approve: boolean): Promise<void> {
  const partial = ready.some((r) => r.partial);
  if (partial && ready.some((r) => r.patch.hunks.length === 0)) {
    const whole = ready.filter((r) => r.patch.hunks.length === 0).map((r) => r.patch.id);
    throw new ReviewError(
      `Patch ${whole.join(', ')} has no hunks and cannot be applied with hunks of other patches; apply it on its own.`,
      'usage',
    );
  }
  const patchIds = ready.map((r) => r.patch.id);
  const hunkIds = partial ? { hunkIds: ready.flatMap((r) => r.target) } : {};
  const runId = view.run.runId;
  if (approve)
    await tx.appendDecision({
      kind: 'decision',
      runId,
      createdAt: nowIso(ctx),
      decision: 'approve',
      patchIds,
      actor: ctx.actor,
      ...hunkIds,
    });
  const writes = ready.map((r) => ({ path: r.patch.file, sha256: r.to === undefined ? null : sha256Hex(r.to) }));
  await commit(
    tx,
    ctx.writer,
    {
      runId,
      operation: 'apply',
      actor: ctx.actor,
      changes: ready.filter((r) => !sameBytes(r.from, r.to)).map((r) => ({ path: r.patch.file, from: r.from, to: r.to })),
      decision: (txId) => ({
        kind: 'decision',
        runId,
        createdAt: nowIso(ctx),
        decision: 'apply',
        patchIds,
        actor: ctx.actor,
        ...hunkIds,
        writes,
        detail: writes.map((w) => `${w.path} sha256 ${w.sha256 ?? 'deleted'}`).join('; '),
        ...(txId ? { txId } : {}),
      }),
    },
    ctx.logger,
  );
}
