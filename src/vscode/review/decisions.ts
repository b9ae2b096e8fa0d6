import type { Patch } from '../../core/provenance/schema';
import type { PatchState } from '../../core/provenance/status';
import type { RunView } from '../../core/provenance/views';
import type { PatchOutcome, ReviewContext } from '../../core/review';
import * as vscode from 'vscode';
import type { RevisionOutcome } from '../../core/review/revise';
import { loadEngine, loadRunner } from '../loadEngine';
import { engineLogger, log } from '../log';
import { readVsCodeSettings } from '../settings';
import type { Session } from '../session';
import { editorWriter } from './editorWriter';
import { parseProposalUri } from './proposalDocuments';

/**
 * The editor's side of every review decision: it builds the context (the store, a writer that
 * goes through a WorkspaceEdit and a save, the user) and shows what the core decided. The
 * decisions themselves (checks, transaction, records) are src/core/review's, the same code the
 * CLI runs.
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

/** Settles what an interrupted operation left (a readdir when there is none) before each decision, as every CLI command does. */
async function context(session: Session, actor: string): Promise<ReviewContext> {
  const { review } = await loadEngine();
  const store = await session.store();
  for (const r of await review.recoverJournal(store, review.workspaceWriter(session.files))) log().warn(r.message);
  return { store, writer: editorWriter(session.files), actor };
}

/**
 * Approves and applies a whole patch (`hunkIds` undefined: every hunk not rejected) or some hunks.
 * The current text, unsaved editor changes included, must be what the proposal was made from.
 */
export function approveAndApply(
  session: Session,
  runId: string,
  patchId: string,
  hunkIds: string[] | undefined,
  actor = session.actor(),
): Promise<ApplyOutcome> {
  return session.exclusive(async () => {
    const { review } = await loadEngine();
    // An unsaved edit of the proposal is not what Approve would write: say so rather than drop it.
    const unsaved = vscode.workspace.textDocuments.find((d) => {
      const ref = d.isDirty ? parseProposalUri(d.uri) : undefined;
      return ref?.runId === runId && ref.patchId === patchId;
    });
    if (unsaved)
      return {
        kind: 'refused' as const,
        file: parseProposalUri(unsaved.uri)!.file,
        reason: 'the proposal has unsaved edits: save them (they are checked and recorded as yours) or revert them, then approve.',
      };
    try {
      const outcomes = await review.applyRun(await context(session, actor), {
        runId,
        patchIds: [patchId],
        ...(hunkIds ? { hunkIds } : {}),
        approve: true,
      });
      return toApplyOutcome(outcomes, patchId);
    } finally {
      session.changed();
    }
  });
}

function toApplyOutcome(outcomes: PatchOutcome[], patchId: string): ApplyOutcome {
  const o = outcomes.find((x) => x.patchId === patchId) ?? outcomes[0];
  if (!o) return { kind: 'refused', file: '', reason: 'Nothing to apply.' };
  if (o.outcome === 'applied') return { kind: 'applied', file: o.file, sha: o.sha256 ?? 'deleted', hunkIds: o.hunkIds };
  if (o.outcome === 'stale')
    return { kind: 'stale', file: o.file, reason: o.message.replace(/; not applied\. Run the refactor again\.$/, '') };
  return { kind: 'refused', file: o.file, reason: o.message };
}

/**
 * Inline review: the file under review changed (typed in, undone, rewritten on disk). The core makes
 * apply's check without writing and records the patch stale when the file no longer holds what the
 * proposal was made from (or what its applied hunks left). Returns the stale outcome, or undefined
 * when the file is as the review expects or the patch is decided already.
 */
export function markStaleIfChanged(
  session: Session,
  runId: string,
  patchId: string,
  actor = session.actor(),
): Promise<ApplyOutcome | undefined> {
  return session.exclusive(async () => {
    const { review } = await loadEngine();
    const outcomes = await review.recordStaleIfChanged(await context(session, actor), { runId, patchIds: [patchId] });
    if (!outcomes.some((o) => o.patchId === patchId && o.outcome === 'stale')) return undefined;
    session.changed();
    return toApplyOutcome(outcomes, patchId);
  });
}

/**
 * Approves and applies, as one transaction, every valid undecided patch of the run whose risk is at
 * most `maxRisk` (Approve All Under Max Risk, auto-apply): they land together or not at all.
 */
export function applyUnderMaxRisk(session: Session, runId: string, maxRisk: number, actor = session.actor()): Promise<PatchOutcome[]> {
  return session.exclusive(async () => {
    const { review } = await loadEngine();
    try {
      const view = await session.run(runId);
      const eligible = view.run.patches
        .filter((p, i) => p.valid && p.risk.score <= maxRisk && ['pending', 'approved'].includes(view.patches[i]!.status))
        .map((p) => p.id);
      if (eligible.length === 0) return [];
      return await review.applyRun(await context(session, actor), { runId, patchIds: eligible, approve: true, maxRisk });
    } finally {
      session.changed();
    }
  });
}

export function reject(
  session: Session,
  runId: string,
  patchId: string,
  hunkIds: string[] | undefined,
  actor = session.actor(),
): Promise<PatchOutcome[]> {
  return session.exclusive(async () => {
    const { review } = await loadEngine();
    try {
      return await review.rejectRun(await context(session, actor), { runId, patchIds: [patchId], ...(hunkIds ? { hunkIds } : {}) });
    } finally {
      session.changed();
    }
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
  return session.exclusive(async () => {
    const { review } = await loadEngine();
    try {
      const outcomes = await review.rollbackRun(await context(session, actor), runId);
      return {
        restored: outcomes.filter((o) => o.outcome === 'rolled_back').map((o) => o.file),
        refused: outcomes.filter((o) => o.outcome === 'refused').map((o) => ({ file: o.file, reason: o.message })),
      };
    } finally {
      session.changed();
    }
  });
}

/**
 * Edit before approve: the person's saved version of a proposal goes through the run's gates and is
 * recorded as their revision (core review/revise.ts). A refusal is a ReviewError whose one line the
 * caller shows.
 */
export function revise(
  session: Session,
  runId: string,
  patchId: string,
  bytes: Uint8Array,
  baseSha256: string | null | undefined,
  actor = session.actor(),
): Promise<RevisionOutcome> {
  return session.exclusive(async () => {
    const [{ reviseProposal, pipelineChecks, NodeProcessRunner }, settings, run] = await Promise.all([
      loadRunner(),
      readVsCodeSettings(session.folder.uri),
      session.run(runId),
    ]);
    try {
      const checks = pipelineChecks({
        settings,
        files: session.files,
        processes: new NodeProcessRunner(),
        // Workspace trust, as for a run: an untrusted folder's tests never run.
        trusted: vscode.workspace.isTrusted,
        logger: engineLogger(),
        instruction: run.run.instruction,
        runSettings: run.run.settings,
        graph: { files: session.files, cacheDir: session.cacheDir, logger: engineLogger() },
      });
      return await reviseProposal(
        await context(session, actor),
        { runId, patchId, bytes, ...(baseSha256 !== undefined ? { baseSha256 } : {}) },
        checks,
      );
    } finally {
      session.changed();
    }
  });
}
