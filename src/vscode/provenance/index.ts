import * as vscode from 'vscode';
import type { ProvenanceStore } from '../../core/provenance/store';
import { COMMANDS, TEST_COMMANDS } from '../commands/commandIds';
import type { CommandManager } from '../commands/commandManager';
import type { ProvenanceCommands } from './commands';
import { ProvenanceViewProvider } from './panel';
import { isPageToHost, type PanelVM } from './protocol';

/**
 * What the provenance view and its commands need from the rest of the extension. The adapter
 * (src/vscode/extension.ts) builds one and calls `registerProvenance(context, commands, deps)` once
 * on activation; nothing here reaches for module-level state but the adapter's one error reporter
 * (src/vscode/log.ts), through which every command and the view report failures.
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

/** What `refactorGuard.test.provenanceState` returns. */
export interface ProvenanceTestState {
  /** The last view model posted to the page, and how many renders were delivered. */
  posted: PanelVM | undefined;
  postCount: number;
  runId: string | undefined;
}

export function registerProvenance(context: vscode.ExtensionContext, commands: CommandManager, deps: ProvenanceDeps): void {
  const panel = new ProvenanceViewProvider(context.extensionUri, deps);
  // The commands' module (statistics, export, the record schemas and zod) loads on first use, not at activation.
  let loaded: Promise<ProvenanceCommands> | undefined;
  const commandsModule = (): Promise<ProvenanceCommands> =>
    (loaded ??= import('./commands.js').then(({ ProvenanceCommands }) => new ProvenanceCommands(deps, panel)));

  context.subscriptions.push(
    panel,
    vscode.window.registerWebviewViewProvider(ProvenanceViewProvider.viewId, panel, { webviewOptions: { retainContextWhenHidden: false } }),
    deps.onDidChangeRuns(() => void panel.refresh()),
    deps.onDidSelectRun((runId) => void panel.showRun(runId)),
  );

  commands.register({
    id: COMMANDS.showRunStatus.id,
    execute: async (runId?: string) => (await commandsModule()).showRunStatus(runId),
  });
  commands.register({ id: COMMANDS.listRuns.id, execute: async () => (await commandsModule()).listRuns() });
  commands.register({ id: COMMANDS.showStatistics.id, execute: async () => (await commandsModule()).showStatistics() });
  commands.register({
    id: COMMANDS.exportProvenance.id,
    execute: async (scope?: string, target?: vscode.Uri) => (await commandsModule()).exportProvenance(scope, target),
  });
  commands.register({ id: COMMANDS.verifyProvenance.id, execute: async () => (await commandsModule()).verifyProvenance() });
  commands.register({ id: COMMANDS.refreshProvenance.id, execute: () => panel.refresh() });

  // For the integration tests; the manager registers these outside production mode only.
  commands.register({
    id: TEST_COMMANDS.provenanceState.id,
    execute: (): ProvenanceTestState => ({ posted: panel.lastPosted, postCount: panel.postCount, runId: panel.runId }),
  });
  commands.register({
    id: TEST_COMMANDS.provenanceMessage.id,
    execute: async (message: unknown) => {
      if (!isPageToHost(message)) throw new Error('Not a Provenance page message.');
      await panel.handleMessage(message);
    },
  });
}
