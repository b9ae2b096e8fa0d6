import { RunInputError } from '../../core/loop/runRefactor';
import { NodeProcessRunner } from '../../core/host/nodeProcessRunner';
import type { RunProgress } from '../../core/loop/runOptions';
import type { ModelProvider } from '../../core/models/provider';
import { applyRun, rejectRun, workspaceWriter, type PatchOutcome } from '../../core/review';
import { resolvePreset, PRESET_NAMES, type PresetName, type Settings } from '../../core/settings';
import type { RunRecord } from '../../core/provenance/schema';
import type { ProvenanceStore } from '../../core/provenance/store';
import { EXIT, usage } from '../errors';
import type { CliIO } from '../io';
import { ProgressLine } from '../progress';
import { cliProvider } from '../provider';
import { patchDetail, patchTable, runJson, runSummary } from '../render';
import { cliSettings, openWorkspace, type CliWorkspace } from '../workspace';
import { actorName } from './actor';

/** The flags `refactor` and `generate` share: how to run, and what to do with the proposal. */
export interface RunFlags {
  config?: string;
  provider?: string;
  dryRun?: boolean;
  autoApply?: boolean;
  maxRisk?: string;
  json?: boolean;
  workspace?: string;
  testCommand?: string;
  /** false with --no-test-coverage (commander's default is true, which must not override a config file). */
  testCoverage?: boolean;
  transcript?: string;
}

/** What a command's run gets from the shared setup. */
export interface RunSetup {
  ws: CliWorkspace;
  settings: Settings;
  preset: PresetName;
  provider: ModelProvider;
  store: ProvenanceStore;
  signal: AbortSignal;
  onProgress: (p: RunProgress) => void;
}

/** What every CLI run hands the engine from its setup: the files, the store, the processes, progress. */
export function engineOptions(s: RunSetup) {
  return {
    settings: s.settings,
    preset: s.preset,
    provider: s.provider,
    files: s.ws.files,
    store: s.store,
    processes: new NodeProcessRunner(),
    // The CLI runs where the person typed it: the workspace is theirs to trust.
    trusted: true,
    cacheDir: `${s.ws.storeDir}/cache`,
    signal: s.signal,
    onProgress: s.onProgress,
  };
}

/**
 * One guarded run from the CLI, whatever it proposes (a refactor, generated code): checks the
 * shared flags, runs with progress and Ctrl-C, then applies under --auto-apply, asks per patch on
 * a terminal, or leaves the proposal pending, and prints the summary or the JSON document.
 */
export async function guardedCommand(
  flags: RunFlags,
  io: CliIO,
  /** How this command names its files ('-t FILE', '--file PATH'), for the advice on a run with none. */
  fileFlag: string,
  start: (setup: RunSetup) => Promise<RunRecord>,
): Promise<number> {
  if (flags.config !== undefined && !(PRESET_NAMES as readonly string[]).includes(flags.config))
    throw usage(`--config must be one of ${PRESET_NAMES.join(', ')}.`);
  let maxRisk: number | undefined;
  if (flags.maxRisk !== undefined) {
    maxRisk = Number(flags.maxRisk);
    if (!Number.isFinite(maxRisk) || maxRisk < 0 || maxRisk > 1) throw usage('--max-risk must be a number from 0 to 1.');
  }
  if (flags.maxRisk !== undefined && !flags.autoApply) throw usage('--max-risk is only used with --auto-apply.');
  if (flags.dryRun && flags.autoApply) throw usage('--dry-run proposes only and --auto-apply writes files: give one of them, not both.');

  const ws = openWorkspace(flags.workspace);
  const settings = cliSettings(
    ws,
    {
      preset: flags.config,
      provider: flags.provider,
      testCommand: flags.testCommand,
      ...(flags.testCoverage === false ? { testCoverage: false } : {}),
      ...(maxRisk !== undefined ? { maxRisk } : {}),
    },
    { env: io.env, warn: io.err },
  );
  const preset = resolvePreset(settings);
  const provider = cliProvider(settings, preset.model, io.env, flags.transcript);
  const store = await ws.openStore(io.err);

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const progress = new ProgressLine(io);
  let run: RunRecord;
  try {
    run = await start({
      ws,
      settings,
      preset: preset.name as PresetName,
      provider,
      store,
      signal: controller.signal,
      onProgress: (p) => progress.update(p),
    });
  } catch (err) {
    if (err instanceof RunInputError) throw usage(hostAdvice(err, fileFlag));
    throw err;
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }

  let exit: number = run.status === 'proposed' ? EXIT.ok : run.status === 'provider_error' ? EXIT.provider : EXIT.failed;
  // As `apply` does: a patch that was meant to land and did not (stale, refused) is a failure.
  const notApplied = (outcomes: readonly PatchOutcome[]) => {
    if (outcomes.some((o) => o.outcome === 'stale' || o.outcome === 'refused')) exit = EXIT.failed;
  };
  const ctx = { store, writer: workspaceWriter(ws.files), actor: flags.autoApply ? 'auto-apply' : actorName('cli') };
  const valid = run.patches.filter((p) => p.valid);

  if (run.status === 'proposed' && flags.autoApply) {
    const limit = maxRisk ?? settings.maxRisk;
    const under = valid.filter((p) => p.risk.score <= limit).map((p) => p.id);
    const outcomes = under.length > 0 ? await applyRun(ctx, { runId: run.runId, patchIds: under, maxRisk: limit }) : [];
    notApplied(outcomes);
    if (!flags.json) for (const o of outcomes) io.err(o.message);
    const over = valid.filter((p) => p.risk.score > limit);
    if (!flags.json && over.length > 0)
      io.err(
        `${over.length} patch${over.length === 1 ? '' : 'es'} above max risk ${limit} left pending: review with \`refactor-guard status --run-id ${run.runId}\`.`,
      );
  } else if (run.status === 'proposed' && !flags.dryRun && !flags.json && io.interactive) {
    io.out(runSummary(run));
    for (const p of valid) {
      io.out('\n' + patchDetail(p));
      const answer = (await io.ask(`Apply ${p.id} to ${p.file}? [y/N] `)).trim().toLowerCase();
      const outcomes =
        answer === 'y' || answer === 'yes'
          ? await applyRun(ctx, { runId: run.runId, patchIds: [p.id] })
          : await rejectRun(ctx, { runId: run.runId, patchIds: [p.id] });
      notApplied(outcomes);
      for (const o of outcomes) io.err(o.message);
    }
  }

  const view = await store.getRun(run.runId);
  if (flags.json) {
    io.out(JSON.stringify(runJson(run, view, ws.storeDir), null, 2));
  } else {
    if (!(run.status === 'proposed' && !flags.dryRun && io.interactive && !flags.autoApply)) io.out(runSummary(run));
    if (run.patches.length > 0) io.out('\n' + patchTable(run, view.patches));
    io.out(
      `\nProvenance: ${ws.storeDir} (run ${run.runId}). ${nextStep(
        run,
        view.patches.some((s) => s.status === 'pending'),
      )}`,
    );
  }
  if (run.error && exit !== EXIT.ok) io.err(`refactor-guard: ${run.error.message}`);
  return exit;
}

/** The engine's message plus how to fix it here, in the CLI's terms. */
function hostAdvice(err: RunInputError, fileFlag: string): string {
  switch (err.problem) {
    case 'no-targets':
      return `${err.message} Use ${fileFlag}.`;
    case 'test-command':
      return `${err.message} Use --test-command CMD.`;
    default:
      return err.message;
  }
}

function nextStep(run: RunRecord, pending: boolean): string {
  if (run.status !== 'proposed' || !pending) return '';
  return `Apply with \`refactor-guard apply ${run.runId}\`, or reject with \`refactor-guard reject ${run.runId}\`.`;
}
