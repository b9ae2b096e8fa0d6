import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunOptions } from '../../core/loop/runOptions';
import type { RunRecord } from '../../core/provenance/schema';
import type { PresetName, Settings } from '../../core/settings';
import type { Runner } from '../loadEngine';
import type { ReviewNode } from '../review/approvalTree';
import { applyUnderMaxRisk } from '../review/decisions';
import { toAbortSignal } from '../host/cancellation';
import { loadedRunner, loadRunner } from '../loadEngine';
import { engineLogger, log, showLoggedError } from '../log';
import { createProvider } from '../providers';
import type { Session } from '../session';
import { clearReadyForReview, showReadyForReview } from './readyForReview';

/** What every guarded run takes from the editor: all of RunOptions but what the command asked. */
export type EditorRunOptions = Omit<RunOptions, 'instruction' | 'targets'>;

/** One guarded run as a command starts it (Propose Refactor, Propose Code). */
export interface EditorRun {
  /** For the log: what is run on what. */
  describe: string;
  settings: Settings;
  preset: PresetName;
  /** Calls the engine (runRefactor, runGenerate) with the editor's options. */
  start(runner: Runner, options: EditorRunOptions): Promise<RunRecord>;
}

/** Why a run's input was refused, as the engine says (RunInputError's `problem`). */
export type RunInputProblem = 'no-targets' | 'target' | 'test-command' | 'untrusted';

/**
 * A guarded run under a cancellable notification that names each stage, then the Runs view
 * revealed at the run and the outcome announced (auto-apply first when it is on). The engine never
 * writes the user's files. Input the engine refuses (RunInputError) is one line with the editor's
 * advice, and no run is recorded: the result is undefined.
 */
export async function runInEditor(
  session: Session,
  reveal: (node: ReviewNode) => Promise<void>,
  run: EditorRun,
): Promise<RunRecord | undefined> {
  const { context, files } = session;
  const { settings, preset } = run;
  // The last run's "ready for review" entry gives way to this run's outcome.
  clearReadyForReview();
  let record: RunRecord;
  try {
    record = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Refactor Guard', cancellable: true },
      async (progress, token) => {
        // The notification shows at once; loading the engine the first time takes a moment.
        progress.report({ message: 'Starting' });
        const runner = await loadRunner();
        const provider = await createProvider(context, settings, preset, files.root);
        const store = await session.store();
        log().info(`Run: ${run.describe}, preset ${preset}, ${provider.label}, trusted ${vscode.workspace.isTrusted}`);
        const abort = toAbortSignal(token);
        try {
          return await run.start(runner, {
            settings,
            preset,
            provider,
            files,
            store,
            cacheDir: session.cacheDir,
            processes: new runner.NodeProcessRunner(),
            // Workspace trust: an untrusted folder's test command never runs.
            trusted: vscode.workspace.isTrusted,
            ...(settings.promptsFolder ? { promptsDir: resolveFolder(files.root, settings.promptsFolder) } : {}),
            signal: abort.signal,
            logger: engineLogger(),
            onProgress: (p) => {
              log().info(`[${p.stage}] ${p.message}`);
              progress.report({ message: p.message });
            },
          });
        } finally {
          abort.dispose();
        }
      },
    );
  } catch (err) {
    const runner = await loadedRunner();
    if (runner && err instanceof runner.RunInputError) {
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
