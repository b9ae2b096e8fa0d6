import { formatFinding } from '../../core/findings';
import { StoreError } from '../../core/provenance/errors';
import { foreignStoreMessage } from '../../core/provenance/records';
import { findingsElsewhere } from '../../core/provenance/runFindings';
import type { RunView } from '../../core/provenance/views';
import { applyRun, rejectRun, rollbackRun, workspaceWriter, type PatchOutcome } from '../../core/review';
import { EXIT, usage } from '../errors';
import type { CliIO } from '../io';
import { patchDetail, patchTable, runJson, runSummary } from '../render';
import { table } from '../table';
import { openWorkspace } from '../workspace';
import { actorName } from './actor';

interface StoreFlags {
  workspace?: string;
  json?: boolean;
}

export async function statusCommand(flags: StoreFlags & { runId?: string; latest?: boolean; diff?: boolean }, io: CliIO): Promise<number> {
  if (flags.runId && flags.latest) throw usage('Give --run-id ID or --latest, not both.');
  const ws = openWorkspace(flags.workspace);
  const store = await ws.openStore(io.err);
  let view: RunView | undefined;
  if (flags.runId) view = await store.getRun(flags.runId);
  else view = await store.latestRun();
  if (!view) throw usage(`No runs yet in ${ws.storeDir}.`);
  if (flags.json) {
    io.out(
      JSON.stringify(
        {
          ...runJson(view.run, view, ws.storeDir),
          decisions: view.decisions.map((d) => ({
            decision: d.decision,
            patchIds: d.patchIds,
            hunkIds: d.hunkIds,
            actor: d.actor,
            at: d.createdAt,
            detail: d.detail,
            // A person's edit: what they changed, from which proposal, and how the gates judged it.
            ...(d.revision
              ? {
                  revision: {
                    baseSha256: d.revision.baseSha256,
                    afterSha256: d.revision.patch.afterSha256,
                    valid: d.revision.patch.valid,
                    risk: d.revision.patch.risk.score,
                    edit: d.revision.edit,
                    gates: d.revision.gates,
                  },
                }
              : {}),
          })),
          storeProblems: view.storeProblems,
        },
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  io.out(runSummary(view.run));
  if (view.run.patches.length > 0) io.out('\n' + patchTable(view.run, view.patches));
  for (const d of view.decisions)
    io.out(
      `  ${d.createdAt} ${d.decision} ${d.patchIds.join(', ')}${d.hunkIds ? ` (hunks ${d.hunkIds.join(', ')})` : ''} by ${d.actor}${d.decision === 'revise' && d.detail ? ` (${d.detail})` : ''}`,
    );
  if (flags.diff) for (const p of view.run.patches) io.out('\n' + patchDetail(p));
  else for (const p of view.run.patches) for (const f of p.findings.filter((x) => x.introduced)) io.out(`  ${formatFinding(f)}`);
  // What the gates found beyond the patched files (a caller, a test) judged the patches too.
  const elsewhere = findingsElsewhere(view.run).filter((f) => f.introduced);
  if (elsewhere.length > 0) io.out(`  on files the run did not change:\n${elsewhere.map((f) => `  ${formatFinding(f)}`).join('\n')}`);
  for (const problem of view.storeProblems) io.err(`warning: ${problem.message}`);
  return EXIT.ok;
}

export async function listRunsCommand(flags: StoreFlags & { limit?: string }, io: CliIO): Promise<number> {
  const limit = flags.limit === undefined ? 20 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1) throw usage('--limit must be a positive whole number.');
  const ws = openWorkspace(flags.workspace);
  const store = await ws.openStore(io.err);
  const list = await store.listRuns({ limit });
  if (flags.json) {
    io.out(JSON.stringify({ runs: [...list], problems: list.problems }, null, 2));
    return EXIT.ok;
  }
  if (list.length === 0) io.out(`No runs yet in ${ws.storeDir}.`);
  else
    io.out(
      table(
        ['run', 'when', 'status', 'patches', 'files', 'instruction'],
        list.map((r) => [
          r.runId,
          r.createdAt.replace('T', ' ').slice(0, 19),
          r.status.replace(/_/g, ' '),
          patchCounts(r.patchCounts),
          r.files.join(', '),
          r.instruction.slice(0, 60),
        ]),
      ),
    );
  for (const problem of list.problems) io.err(`warning: ${problem.message}`);
  return EXIT.ok;
}

function patchCounts(counts: Record<string, number>): string {
  return (
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s.replace('_', ' ')}`)
      .join(', ') || '0'
  );
}

type DecisionKind = 'apply' | 'reject' | 'rollback';

export async function decisionCommand(
  kind: DecisionKind,
  runId: string,
  flags: StoreFlags & { patch?: string[]; hunk?: string[] },
  io: CliIO,
): Promise<number> {
  const ws = openWorkspace(flags.workspace);
  const store = await ws.openStore(io.err);
  const ctx = { store, writer: workspaceWriter(ws.files), actor: actorName('cli') };
  if (runId === 'latest') {
    const latest = await store.latestRun();
    if (!latest) {
      // With nothing readable, say why: a foreign or damaged store is not an empty one.
      const { problems } = await store.allViews();
      const foreign = problems.find((p) => p.kind === 'foreign');
      if (foreign) throw new StoreError(foreignStoreMessage(ws.storeDir, foreign.file));
      if (problems.length > 0) throw new StoreError(`No readable run in ${ws.storeDir}: ${problems[0]!.message} Run verify.`);
      throw usage(`No runs yet in ${ws.storeDir}.`);
    }
    runId = latest.run.runId;
  }
  if (kind === 'rollback' && ((flags.patch?.length ?? 0) > 0 || (flags.hunk?.length ?? 0) > 0))
    throw usage('rollback restores a whole run; it takes no --patch or --hunk.');
  const patchIds = flags.patch ?? [];
  const hunkIds = flags.hunk ?? [];
  const outcomes: PatchOutcome[] =
    kind === 'apply'
      ? await applyRun(ctx, { runId, patchIds, hunkIds })
      : kind === 'reject'
        ? await rejectRun(ctx, { runId, patchIds, hunkIds })
        : await rollbackRun(ctx, runId);
  if (flags.json) io.out(JSON.stringify({ runId, decision: kind, outcomes }, null, 2));
  else if (outcomes.length === 0)
    io.out(
      kind === 'rollback' ? 'Nothing to roll back: no patch of this run is applied.' : 'Nothing to do: no patch of this run is pending.',
    );
  else for (const o of outcomes) io.out(o.message);
  const bad = outcomes.some((o) => o.outcome === 'stale' || o.outcome === 'refused');
  return bad ? EXIT.failed : EXIT.ok;
}

/** Signs, with this user's key, the unsigned records an earlier release wrote, once they verify. */
export async function adoptCommand(flags: StoreFlags, io: CliIO): Promise<number> {
  const ws = openWorkspace(flags.workspace);
  const store = await ws.openStore(io.err);
  const before = await store.verify();
  const adopted = await store.adopt(actorName('cli'));
  if (flags.json)
    io.out(JSON.stringify({ adopted: adopted ? { throughSeq: adopted.throughSeq, records: before.unsigned } : null }, null, 2));
  else if (!adopted) io.out('Nothing to adopt: every record in this store is signed by you.');
  else
    io.out(
      `Adopted ${before.unsigned} unsigned record${before.unsigned === 1 ? '' : 's'} (through record ${adopted.throughSeq}): Refactor Guard will act on them now.`,
    );
  return EXIT.ok;
}

export async function verifyCommand(flags: StoreFlags, io: CliIO): Promise<number> {
  const ws = openWorkspace(flags.workspace);
  const store = await ws.openStore(io.err);
  const result = await store.verify();
  // Operations recovery could not settle keep both versions of the files they name: say where.
  const kept = (await store.journal.listKept()).map((j) =>
    j.ok
      ? `${j.name}: an interrupted ${j.entry.operation} of run ${j.entry.runId} found ${j.entry.files.map((f) => f.path).join(', ')} changed meanwhile and left ${j.entry.files.length === 1 ? 'it' : 'them'} alone; the old and new bytes are kept in the store's blobs, named in that entry.`
      : j.message,
  );
  if (flags.json) io.out(JSON.stringify({ ...result, keptJournal: kept }, null, 2));
  else if (result.ok) {
    const blobs = result.blobsChecked ?? 0;
    io.out(
      `Provenance verified: ${result.checked} record${result.checked === 1 ? '' : 's'}, chain intact; ${blobs} blob${blobs === 1 ? '' : 's'} read back by hash.`,
    );
    for (const k of kept) io.out(`  note: ${k}`);
    if (result.unsigned > 0)
      io.out(
        `  ${result.unsigned} record${result.unsigned === 1 ? ' was' : 's were'} written before records were signed; if this store is yours, \`refactor-guard adopt\` signs ${result.unsigned === 1 ? 'it' : 'them'} so that apply and rollback act on ${result.unsigned === 1 ? 'it' : 'them'}.`,
      );
  } else {
    io.out(
      `Provenance store damaged (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${result.checked} records and ${result.blobsChecked ?? 0} blobs):`,
    );
    for (const p of result.problems) io.out(`  ${p.message}`);
  }
  return result.ok ? EXIT.ok : EXIT.failed;
}
