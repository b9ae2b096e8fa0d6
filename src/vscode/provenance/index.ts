import * as vscode from 'vscode';
import type { ProvenanceStore } from '../../core/provenance/store';
import type { ProvenanceCommands } from './commands';
import { COMMAND_IDS, ProvenanceViewProvider } from './panel';
import { isPageToHost, type PanelVM } from './protocol';
import { reportError } from './report';

/**
 * What the provenance view and its commands need from the rest of the extension. The adapter
 * (src/vscode/extension.ts) builds one and calls `registerProvenance(context, deps)` once on
 * activation; nothing here reaches for module-level state.
 */
export interface ProvenanceDeps {
  /** The extension's store (in its workspace storage); opened lazily, the same instance each call. */
  getStore(): Promise<ProvenanceStore>;
  /** Fires after any run or decision record is written (a run finished, a patch approved...). */
  onDidChangeRuns: vscode.Event<void>;
  /** The run selected in the approval tree, if any. */
  selectedRunId(): string | undefined;
  /** Fires when the approval tree's selection moves to another run (undefined: nothing selected). */
  onDidSelectRun: vscode.Event<string | undefined>;
  /** Opens a patch's diff editor, as the approval tree does. */
  openPatchDiff(runId: string, patchId: string): Promise<void>;
  /** Optional: moves the approval tree's selection to a run picked from "List Runs". */
  revealRun?(runId: string): void;
  /** The "Refactor Guard" log channel. */
  log: Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error' | 'show'>;
}

/** Palette command ids, for the adapter and the tests. */
export const PROVENANCE_COMMANDS = {
  showRunStatus: 'refactorGuard.showRunStatus',
  listRuns: COMMAND_IDS.listRuns,
  showStatistics: COMMAND_IDS.showStatistics,
  exportProvenance: COMMAND_IDS.exportProvenance,
  verifyProvenance: COMMAND_IDS.verifyProvenance,
  refresh: COMMAND_IDS.refresh,
  /** Test-only (registered outside production mode, never in the palette). */
  testState: 'refactorGuard.provenance.testState',
  testMessage: 'refactorGuard.provenance.testMessage',
} as const;

/** What `refactorGuard.provenance.testState` returns. */
export interface ProvenanceTestState {
  /** The last view model posted to the page, and how many renders were delivered. */
  posted: PanelVM | undefined;
  postCount: number;
  runId: string | undefined;
}

export function registerProvenance(context: vscode.ExtensionContext, deps: ProvenanceDeps): void {
  const panel = new ProvenanceViewProvider(context.extensionUri, deps);
  // The commands' module (statistics, export, the record schemas and zod) loads on first use, not at activation.
  let loaded: Promise<ProvenanceCommands> | undefined;
  const commandsModule = (): Promise<ProvenanceCommands> =>
    (loaded ??= import('./commands.js').then(({ ProvenanceCommands }) => new ProvenanceCommands(deps, panel)));
  const commands = {
    showRunStatus: async (runId?: string) => (await commandsModule()).showRunStatus(runId),
    listRuns: async () => (await commandsModule()).listRuns(),
    showStatistics: async () => (await commandsModule()).showStatistics(),
    exportProvenance: async (scope?: string, target?: vscode.Uri) => (await commandsModule()).exportProvenance(scope, target),
    verifyProvenance: async () => (await commandsModule()).verifyProvenance(),
  };
  const c = PROVENANCE_COMMANDS;
  // Commands surface failures as one line; the detail goes to the log.
  const guarded =
    <A extends unknown[], R>(what: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R | undefined> => {
      try {
        return await fn(...args);
      } catch (err) {
        reportError(deps.log, what, err);
        return undefined;
      }
    };

  context.subscriptions.push(
    panel,
    vscode.window.registerWebviewViewProvider(ProvenanceViewProvider.viewId, panel, { webviewOptions: { retainContextWhenHidden: false } }),
    deps.onDidChangeRuns(() => void panel.refresh()),
    deps.onDidSelectRun((runId) => void panel.showRun(runId)),
    vscode.commands.registerCommand(
      c.showRunStatus,
      guarded('Show Run Status', (runId?: string) => commands.showRunStatus(runId)),
    ),
    vscode.commands.registerCommand(
      c.listRuns,
      guarded('List Runs', () => commands.listRuns()),
    ),
    vscode.commands.registerCommand(
      c.showStatistics,
      guarded('Show Statistics', () => commands.showStatistics()),
    ),
    vscode.commands.registerCommand(
      c.exportProvenance,
      guarded('Export Provenance', (scope?: string, target?: vscode.Uri) => commands.exportProvenance(scope, target)),
    ),
    vscode.commands.registerCommand(
      c.verifyProvenance,
      guarded('Verify Provenance', () => commands.verifyProvenance()),
    ),
    vscode.commands.registerCommand(
      c.refresh,
      guarded('Refresh Provenance', () => panel.refresh()),
    ),
  );

  if (context.extensionMode !== vscode.ExtensionMode.Production) {
    context.subscriptions.push(
      vscode.commands.registerCommand(c.testState, (): ProvenanceTestState => ({
        posted: panel.lastPosted,
        postCount: panel.postCount,
        runId: panel.runId,
      })),
      vscode.commands.registerCommand(c.testMessage, async (message: unknown) => {
        if (!isPageToHost(message)) throw new Error('Not a Provenance page message.');
        await panel.handleMessage(message);
      }),
    );
  }
}
