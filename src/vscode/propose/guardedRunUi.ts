import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../core/provenance/schema';
import type { PresetName, Settings } from '../../core/settings';
import type { ReviewNode } from '../review/approvalTree';
import { applyUnderMaxRisk } from '../review/decisions';
import { toAbortSignal } from '../host/cancellation';
import { loadedRunner, loadRunner } from '../loadEngine';
import { engineLogger, log, showLoggedError } from '../log';
import { createProvider } from '../providers';
import { getAnthropicKey } from '../secrets';
import type { Session } from '../session';
import { dirtyBuffers, editorEngine, vscodeLmModel } from '../engineHost/editorEngine';
import type { RunInput } from '../engineHost/engineHost';
import type { ProviderSpec, RunJob } from '../engineHost/protocol';
import { recordStoppedRun } from '../engineHost/stoppedRun';
import { VscodeLmProvider } from '../vscodeLmProvider';
import { clearReadyForReview, showReadyForReview } from './readyForReview';

/** What every guarded run takes from the editor, as data: the engine runs in its own thread. */
export interface EditorRunOptions {
  settings: Settings;
  preset: PresetName;
  trusted: boolean;
  promptsDir?: string;
  cacheDir?: string;
}

/** The engine's two runs as a command calls them, wherever the engine runs. */
export interface EngineCalls {
  runRefactor(options: EditorRunOptions & { instruction: string; targets: { path: string; function?: string }[] }): Promise<RunRecord>;
  runGenerate(options: EditorRunOptions & { instruction: string; paths: string[]; tests?: string }): Promise<RunRecord>;
}

/** One guarded run as a command starts it (Propose Refactor, Propose Code). */
export interface EditorRun {
  /** For the log: what is run on what. */
  describe: string;
  settings: Settings;
  preset: PresetName;
  /** Calls the engine (runRefactor, runGenerate) with the editor's options. */
  start(engine: EngineCalls, options: EditorRunOptions): Promise<RunRecord>;
}

/** Why a run's input was refused, as the engine says (RunInputError's `problem`). */
export type RunInputProblem = 'no-targets' | 'target' | 'test-command' | 'untrusted';

/** Input the engine refused, from either engine: no run is recorded. */
class RefusedInput extends Error {
  constructor(
    readonly problem: RunInputProblem,
    message: string,
  ) {
    super(message);
  }
}

/** What a run reports, where the notification shows it. */
type Report = (p: { stage: string; message: string }) => void;

/**
 * A guarded run under a cancellable notification that names each stage, then the Runs view
 * revealed at the run and the outcome announced (auto-apply first when it is on). The engine never
 * writes the user's files. Input the engine refuses (RunInputError) is one line with the editor's
 * advice, and no run is recorded: the result is undefined.
 *
 * The engine runs in a worker thread (engineHost/), so the extension host's event loop stays free
 * for the notification and every other extension; only a folder that is not on the local disk
 * (the worker reads with node:fs) runs it here, in-process.
 */
export async function runInEditor(
  session: Session,
  reveal: (node: ReviewNode) => Promise<void>,
  run: EditorRun,
): Promise<RunRecord | undefined> {
  const { files } = session;
  const { settings, preset } = run;
  // The last run's "ready for review" entry gives way to this run's outcome.
  clearReadyForReview();
  let record: RunRecord;
  try {
    record = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Refactor Guard', cancellable: true },
      async (progress, token) => {
        progress.report({ message: 'Starting' });
        log().info(`Run: ${run.describe}, preset ${preset}, provider ${settings.provider}, trusted ${vscode.workspace.isTrusted}`);
        const report: Report = (p) => {
          log().info(`[${p.stage}] ${p.message}`);
          progress.report({ message: p.message });
        };
        const options: EditorRunOptions = {
          settings,
          preset,
          // Workspace trust: an untrusted folder's test command never runs.
          trusted: vscode.workspace.isTrusted,
          cacheDir: session.cacheDir,
          ...(settings.promptsFolder ? { promptsDir: resolveFolder(files.root, settings.promptsFolder) } : {}),
        };
        const abort = toAbortSignal(token);
        try {
          const engine =
            session.folder.uri.scheme === 'file'
              ? workerCalls(session, abort.signal, report)
              : inProcessCalls(session, abort.signal, report);
          return await run.start(engine, options);
        } finally {
          abort.dispose();
        }
      },
    );
  } catch (err) {
    if (err instanceof RefusedInput) {
      showRunInputProblem(err.problem, err.message);
      return undefined;
    }
    throw err;
  }
  session.changed();
  await reveal({ kind: 'run', runId: record.runId }).catch(() => undefined);
  await announce(session, record, settings.autoApply ? settings.maxRisk : undefined);
  return record;
}

/** The engine in its worker thread: the run goes over as data, progress and the record come back. */
function workerCalls(session: Session, signal: AbortSignal, report: Report): EngineCalls {
  const go = async (job: RunJob, options: EditorRunOptions): Promise<RunRecord> => {
    const { settings } = options;
    // Opened first: it settles an interrupted apply before the engine writes a record beside it.
    const store = await session.store();
    const input: RunInput = {
      job,
      settings,
      preset: options.preset,
      trusted: options.trusted,
      ...(options.promptsDir ? { promptsDir: options.promptsDir } : {}),
      ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
      root: session.files.root,
      dirty: await dirtyBuffers(session.files),
      // The key file session.ts opens the store with: the worker signs with the same key.
      store: { dir: session.storeDir, keyFile: path.join(session.context.globalStorageUri.fsPath, 'store.key') },
      provider: await providerSpec(session, settings),
    };
    const outcome = await editorEngine().run(input, {
      signal,
      onProgress: report,
      ...(settings.provider === 'vscode-lm' ? { model: vscodeLmModel(settings['vscodeLm.family']) } : {}),
    });
    switch (outcome.kind) {
      case 'record':
        return outcome.record;
      case 'refused':
        if (outcome.failure.kind === 'input') throw new RefusedInput(outcome.failure.problem, outcome.failure.message);
        throw new Error(outcome.failure.message);
      case 'stopped':
        log().warn(`Run stopped: ${outcome.message}`);
        return recordStoppedRun(store, input, outcome);
    }
  };
  return {
    runRefactor: ({ instruction, targets, ...options }) => go({ mode: 'refactor', instruction, targets }, options),
    runGenerate: ({ instruction, paths, tests, ...options }) =>
      go({ mode: 'generate', instruction, paths, ...(tests !== undefined ? { tests } : {}) }, options),
  };
}

/**
 * The provider for the worker, as data. The Anthropic key from Secret Storage rides in the run
 * message to the Anthropic client there; it is never logged or recorded on either side.
 */
async function providerSpec(session: Session, settings: Settings): Promise<ProviderSpec> {
  switch (settings.provider) {
    case 'vscode-lm': {
      const family = settings['vscodeLm.family'];
      const lm = new VscodeLmProvider(family);
      return { kind: 'host', id: lm.id, label: lm.label, ...(lm.model ? { model: lm.model } : {}) };
    }
    case 'anthropic': {
      const apiKey = await getAnthropicKey(session.context);
      return { kind: 'engine', ...(apiKey ? { apiKey } : {}) };
    }
    case 'replay': {
      const transcript = settings['replay.transcript'];
      return { kind: 'engine', ...(transcript ? { replayTranscript: transcript } : {}) };
    }
    default:
      return { kind: 'engine' };
  }
}

/** The engine on this thread, for a folder the worker cannot read (not on the local disk). */
function inProcessCalls(session: Session, signal: AbortSignal, report: Report): EngineCalls {
  const { context, files } = session;
  const full = async (options: EditorRunOptions) => {
    const runner = await loadRunner();
    return {
      runner,
      options: {
        ...options,
        provider: await createProvider(context, options.settings, options.preset, files.root),
        files,
        store: await session.store(),
        processes: new runner.NodeProcessRunner(),
        signal,
        logger: engineLogger(),
        onProgress: report,
      },
    };
  };
  const refused = async (err: unknown): Promise<never> => {
    const runner = await loadedRunner();
    if (runner && err instanceof runner.RunInputError) throw new RefusedInput(err.problem, err.message);
    throw err;
  };
  return {
    runRefactor: async (o) => {
      const { runner, options } = await full(o);
      return runner.runRefactor({ ...options, instruction: o.instruction, targets: o.targets }).catch(refused);
    },
    runGenerate: async (o) => {
      const { runner, options } = await full(o);
      return runner
        .runGenerate({ ...options, instruction: o.instruction, paths: o.paths, ...(o.tests !== undefined ? { tests: o.tests } : {}) })
        .catch(refused);
    },
  };
}

/**
 * One error line for input a run cannot take, with what to do about it in the editor: the engine's
 * message names the problem, this adds the setting to set or the trust to give, and a button for it.
 */
export function showRunInputProblem(problem: RunInputProblem, message: string): void {
  log().warn(`Run refused (${problem}): ${message}`);
  const advice = ADVICE[problem];
  const line = `Refactor Guard: ${message}${advice ? ` ${advice.hint}` : ''}`;
  if (!advice?.button) {
    void vscode.window.showErrorMessage(line);
    return;
  }
  const { label, command, args } = advice.button;
  void vscode.window.showErrorMessage(line, label).then((choice) => {
    if (choice === label) void vscode.commands.executeCommand(command, ...args);
  });
}

const ADVICE: Partial<Record<RunInputProblem, { hint: string; button?: { label: string; command: string; args: unknown[] } }>> = {
  'test-command': {
    hint: 'Set refactorGuard.testCommand (for example "npm test").',
    button: { label: 'Open Setting', command: 'workbench.action.openSettings', args: ['refactorGuard.testCommand'] },
  },
  untrusted: {
    hint: 'Trust this workspace to run them.',
    button: { label: 'Manage Workspace Trust', command: 'workbench.trust.manage', args: [] },
  },
};

function resolveFolder(root: string, folder: string): string {
  return path.isAbsolute(folder) ? folder : path.join(root, folder);
}

async function announce(session: Session, record: RunRecord, autoApplyUnder: number | undefined): Promise<void> {
  const valid = record.patches.filter((p) => p.valid);
  if (record.status === 'proposed' && autoApplyUnder !== undefined) {
    const outcomes = await applyUnderMaxRisk(session, record.runId, autoApplyUnder, 'auto-apply');
    const applied = outcomes.filter((o) => o.outcome === 'applied').map((o) => o.file);
    for (const o of outcomes.filter((x) => x.outcome !== 'applied')) log().warn(`Auto-apply skipped ${o.file}: ${o.message}`);
    if (applied.length > 0) log().info(`Auto-applied (risk at most ${autoApplyUnder}): ${applied.join(', ')}`);
  }
  log().info(
    `Run ${record.runId}: ${record.status}${record.error ? ` (${record.error.kind}: ${record.error.message})` : ''}, ${record.patches.length} patch(es), ${record.attempts.length} attempt(s)`,
  );
  switch (record.status) {
    case 'proposed': {
      // A status-bar entry, not a toast: a toast with a button sits over the diff being reviewed
      // until dismissed (readyForReview.ts). Review is the Runs view's click on the first open patch.
      const { patches } = await session.run(record.runId);
      const open = valid.filter((p) => patches.some((s) => s.patchId === p.id && (s.status === 'pending' || s.status === 'approved')));
      if (open[0]) {
        const review = {
          command: 'refactorGuard.openPatchDiff',
          title: 'Review',
          arguments: [{ kind: 'patch', runId: record.runId, patchId: open[0].id }],
        };
        showReadyForReview(session, record, open.length, review);
      } else void vscode.window.setStatusBarMessage('Refactor Guard: auto-apply took every patch of the run; see the Runs view.', 6000);
      break;
    }
    case 'no_valid_patch':
      void vscode.window.showWarningMessage(
        `Refactor Guard: no candidate passed the gates after ${record.attempts.length} attempt(s); nothing was changed. See the run in the Runs view.`,
      );
      break;
    case 'no_changes':
      void vscode.window.showInformationMessage('Refactor Guard: the model proposed no changes.');
      break;
    case 'cancelled':
      void vscode.window.showInformationMessage('Refactor Guard: cancelled; nothing was written.');
      break;
    default:
      // The run's error is in the log already (above); the user gets its first line.
      showLoggedError(record.error?.message ?? record.status);
  }
}
