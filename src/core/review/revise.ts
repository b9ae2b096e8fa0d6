import { blockingCount } from '../findings';
import { diffFiles } from '../edits/diff';
import { decode, TextFormatError } from '../edits/textFormat';
import { languageOf } from '../languages';
import { buildPatch, type GraphSource } from '../loop/patches';
import type { Logger, ProcessRunner, WorkspaceFiles } from '../ports';
import type { GateRun, Patch } from '../provenance/schema';
import type { Settings } from '../settings';
import { sameBytes } from '../sha256';
import type { CandidateFile, GateResult } from '../validate/gate';
import { gateSettingsOf } from '../validate/gateSettings';
import { createGates, runGates } from '../validate/pipeline';
import { describeState, findPatch, nowIso, requireIntactChain, requireSigned, type ReviewContext } from './context';
import { loadVersions } from './hunkBytes';
import type { RunView } from '../provenance/views';
import { testsNotRun } from '../loop/guardedRun';
import { ReviewError } from './outcome';

export interface ReviseRequest {
  runId: string;
  patchId: string;
  /** The person's version of the file, as their editor saved it (line endings and BOM as written). */
  bytes: Uint8Array;
  /**
   * sha256 of the proposal the person opened and edited (null: the file's deletion). When given, the
   * edit is refused if the proposal changed since, so a revision recorded meanwhile by another
   * window or process is never silently built upon.
   */
  baseSha256?: string | null;
}

/** How the person's text is checked: the same gates a run's candidates pass. */
export interface ReviseChecks {
  /** The whole candidate: the edited file, with the run's other open proposals, which were validated together. */
  check(candidates: readonly CandidateFile[]): Promise<GateResult[]>;
  /** For the blast radius of changed public symbols, as a run scores it. */
  graph?: GraphSource;
}

export interface RevisionOutcome {
  outcome: 'revised' | 'unchanged';
  /** The patch as it now stands. */
  patch: Patch;
  /** One line for a person: what was recorded, whether it passed the gates, its risk. */
  message: string;
}

/**
 * Edit before approve: a person's version of a pending proposal is checked by the same gates,
 * scored the same way, and recorded as a `revise` decision (who, when, what they changed) beside
 * the model's patch, which the run record keeps. Readers then see the revision: approving applies
 * the person's text, and rollback still restores the original bytes, which a revision never
 * changes. A revision that does not pass the gates is recorded too (it is what the person wrote)
 * but cannot be applied until edited again. The gates run before the store lock is taken, since
 * they can take seconds; under the lock the proposal must still be the one that was edited.
 */
export async function reviseProposal(ctx: ReviewContext, req: ReviseRequest, checks: ReviseChecks): Promise<RevisionOutcome> {
  const view = await ctx.store.getRun(req.runId);
  requireSigned(view);
  const { patch, state } = findPatch(view, req.patchId);
  const refuse = (why: string) => new ReviewError(`Cannot edit ${patch.file} (${patch.id}): ${why}; nothing was recorded.`, 'refused');
  if (state.status !== 'pending' && state.status !== 'approved') throw refuse(`the proposal is ${describeState(state)}`);
  if (state.appliedHunkIds.length > 0 || state.rejectedHunkIds.length > 0) throw refuse('some of its hunks are already decided');
  if (patch.afterSha256 === null) throw refuse('the proposal deletes the file');
  let text: string;
  try {
    text = decode(req.bytes).text;
  } catch (err) {
    if (err instanceof TextFormatError) throw refuse(`the edited text is not UTF-8 (${err.message})`);
    throw err;
  }
  if (req.baseSha256 !== undefined && req.baseSha256 !== patch.afterSha256)
    throw refuse('the proposal changed since you opened it (another edit was recorded); reopen it to see the current one');
  const versions = await loadVersions(ctx.store, patch);
  if (sameBytes(versions.after, req.bytes)) return { outcome: 'unchanged', patch, message: `${patch.file}: the proposal is unchanged.` };
  // The proposal was made from these bytes; a file changed since cannot take it, edited or not.
  const onDisk = await ctx.writer.read(patch.file);
  if (!sameBytes(onDisk, versions.before)) throw refuse('the file changed since the proposal was made');

  const before = versions.before === undefined ? undefined : decode(versions.before).text;
  const proposal = decode(versions.after!).text;
  const candidate: CandidateFile = { path: patch.file, language: languageOf(patch.file), before, after: text, wholeFileWrite: false };
  const others = await otherProposals(ctx, view, patch.id);
  const results = await checks.check([candidate, ...others]);
  const gates: GateRun[] = results.map(({ coverage: _coverage, ...run }) => run);
  const all = gates.flatMap((g) => g.findings);
  // Generated code is only as good as its tests: an edit of it must still have them run.
  if (view.run.mode === 'generate' && blockingCount(all) === 0) {
    const notRun = testsNotRun(gates, patch.file);
    if (notRun) all.push(notRun);
  }
  // Anything the edit breaks blocks it, wherever it shows (a test file, a caller); the patch lists its own file's.
  const blocking = blockingCount(all);
  const findings = all.filter((f) => f.file === patch.file || f.file === '');
  const measured = results.find((r) => r.coverage)?.coverage?.files.get(patch.file);
  const revised = await buildPatch(
    {
      id: patch.id,
      file: candidate,
      beforeBytes: versions.before,
      afterBytes: req.bytes,
      wholeFileWrite: patch.matchKinds.includes('whole_file'),
      matchKinds: patch.matchKinds,
      findings,
      valid: blocking === 0,
      filesInRun: view.run.patches.length,
      ...(measured ? { coverage: measured } : {}),
    },
    ctx.store,
    checks.graph,
  );
  const edit = diffFiles(patch.file, proposal, text);
  const verdict =
    blocking === 0
      ? 'passed the gates'
      : `${blocking} blocking finding${blocking === 1 ? '' : 's'}, so it cannot be applied until edited again`;
  const detail = `edited by ${ctx.actor}: +${edit.added} -${edit.removed} against the proposal; ${verdict}; risk ${revised.risk.score.toFixed(2)} ${revised.risk.level}`;

  await ctx.store.locked(async (tx) => {
    const now = await tx.getRun(view.run.runId);
    await requireIntactChain(tx);
    const current = findPatch(now, patch.id);
    if (current.patch.afterSha256 !== patch.afterSha256) throw refuse('the proposal changed while the edit was checked');
    await tx.appendDecision({
      kind: 'decision',
      runId: now.run.runId,
      createdAt: nowIso(ctx),
      decision: 'revise',
      patchIds: [patch.id],
      actor: ctx.actor,
      detail,
      revision: { patch: revised, gates, baseSha256: patch.afterSha256, edit: edit.unified },
    });
  });
  return {
    outcome: 'revised',
    patch: revised,
    message: `${patch.file}: your edit is recorded, ${detail.slice(detail.indexOf(': ') + 2)}.`,
  };
}

/** The run's other proposals that are still open, as the candidate files they were validated with. */
async function otherProposals(ctx: ReviewContext, view: RunView, editedId: string): Promise<CandidateFile[]> {
  const out: CandidateFile[] = [];
  for (const [i, p] of view.run.patches.entries()) {
    const s = view.patches[i]!;
    if (p.id === editedId || (s.status !== 'pending' && s.status !== 'approved') || s.appliedHunkIds.length > 0) continue;
    const v = await loadVersions(ctx.store, p);
    out.push({
      path: p.file,
      language: languageOf(p.file),
      before: v.before === undefined ? undefined : decode(v.before).text,
      after: v.after === undefined ? undefined : decode(v.after).text,
    });
  }
  return out;
}

/**
 * The gates of a run, for a revision: the pipeline the host's settings make, with the run's own
 * test command (a generate run's detected `npm test`, a CLI `--test-command`), freed after use.
 */
export function pipelineChecks(opts: {
  settings: Settings;
  /** The settings the run recorded: its test command is the one an edit of it must pass. */
  runSettings?: Record<string, unknown>;
  files: WorkspaceFiles;
  processes?: ProcessRunner;
  trusted: boolean;
  logger: Logger;
  instruction: string;
  signal?: AbortSignal;
  graph?: GraphSource;
}): ReviseChecks {
  return {
    ...(opts.graph ? { graph: opts.graph } : {}),
    async check(candidates) {
      const recorded = opts.runSettings?.testCommand;
      const settings = typeof recorded === 'string' && recorded.trim() ? { ...opts.settings, testCommand: recorded } : opts.settings;
      const gates = createGates(settings, { trusted: opts.trusted });
      try {
        return await runGates([...gates], candidates, {
          files: opts.files,
          ...(opts.processes ? { processes: opts.processes } : {}),
          logger: opts.logger,
          ...(opts.signal ? { signal: opts.signal } : {}),
          instruction: opts.instruction,
          trusted: opts.trusted,
          settings: gateSettingsOf(settings),
        });
      } finally {
        for (const g of gates) g.dispose?.();
      }
    },
  };
}
