import * as vscode from 'vscode';
import type { ProvenanceStore } from '../../core/provenance/store';
import { COMMANDS, TEST_COMMANDS } from '../commands/commandIds';
import type { CommandManager } from '../commands/commandManager';
import type { ProvenanceCommands } from './commands';
import { ATTEMPT_SCHEME, AttemptDocuments, openFinding } from './attemptDocuments';
import { ProvenanceEditorPanel } from './editorPanel';
import { ProvenanceViewProvider } from './panel';
import { isPageToHost, type PageCommand, type PanelVM } from './protocol';
import type { SurfaceActions } from './surface';

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
  /** The last view model posted to the side view's page, and how many renders were delivered. */
  posted: PanelVM | undefined;
  postCount: number;
  runId: string | undefined;
  /** The editor panel ("Open Provenance in Editor"), when open. */
  editor?: { posted: PanelVM | undefined; postCount: number; runId: string | undefined; title: string | undefined };
  /** What the last finding click opened. */
  lastFinding?: { uri: string; kind: string };
}

/** The palette command each of the page's toolbar buttons runs. */
const PAGE_COMMAND_IDS: Record<PageCommand, string> = {
  listRuns: COMMANDS.listRuns.id,
  showStatistics: COMMANDS.showStatistics.id,
  exportProvenance: COMMANDS.exportProvenance.id,
  verifyProvenance: COMMANDS.verifyProvenance.id,
  refresh: COMMANDS.refreshProvenance.id,
};

export function registerProvenance(context: vscode.ExtensionContext, commands: CommandManager, deps: ProvenanceDeps): void {
  // The commands' module (statistics, export, the record schemas and zod) loads on first use, not at activation.
  let loaded: Promise<ProvenanceCommands> | undefined;
  const commandsModule = (): Promise<ProvenanceCommands> =>
    (loaded ??= import('./commands.js').then(({ ProvenanceCommands }) => new ProvenanceCommands(deps, panel)));
  let lastFinding: ProvenanceTestState['lastFinding'];
  const findings: SurfaceActions['openFinding'] = async (m) => {
    const opened = await openFinding(deps.getStore, m);
    lastFinding = { uri: opened.uri.toString(), kind: opened.kind };
  };
  const panel = new ProvenanceViewProvider(context.extensionUri, deps, {
    command: async (c) => void (await vscode.commands.executeCommand(PAGE_COMMAND_IDS[c])),
    openFinding: findings,
  });
  // The same page in the editor area; its "Other run…" and "Refresh" act on it, not on the side view.
  const editor: ProvenanceEditorPanel = new ProvenanceEditorPanel(context.extensionUri, deps, {
    command: async (c): Promise<void> => {
      if (c === 'refresh') return editor.refresh();
      if (c !== 'listRuns') return void (await vscode.commands.executeCommand(PAGE_COMMAND_IDS[c]));
      const picked = await (await commandsModule()).pickRun();
      if (picked) await editor.showRun(picked);
    },
    openFinding: findings,
  });

  context.subscriptions.push(
    panel,
    editor,
    vscode.window.registerWebviewViewProvider(ProvenanceViewProvider.viewId, panel, { webviewOptions: { retainContextWhenHidden: false } }),
    vscode.workspace.registerTextDocumentContentProvider(ATTEMPT_SCHEME, new AttemptDocuments(deps.getStore)),
    deps.onDidChangeRuns(() => {
      void panel.refresh();
      void editor.refresh();
    }),
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
  commands.register({
    id: COMMANDS.openProvenanceEditor.id,
    // From a run in the Runs tree, a run id, or the view title and palette: the run the side view shows.
    execute: async (arg?: unknown) => {
      const runId =
        typeof arg === 'string'
          ? arg
          : arg && typeof arg === 'object' && 'runId' in arg && typeof arg.runId === 'string'
            ? arg.runId
            : (panel.shownRunId ?? deps.selectedRunId());
      await editor.open(runId);
    },
  });

  // For the integration tests; the manager registers these outside production mode only.
  commands.register({
    id: TEST_COMMANDS.provenanceState.id,
    execute: (): ProvenanceTestState => ({
      posted: panel.lastPosted,
      postCount: panel.postCount,
      runId: panel.runId,
      ...(editor.isOpen
        ? { editor: { posted: editor.lastPosted, postCount: editor.postCount, runId: editor.runId, title: editor.title } }
        : {}),
      ...(lastFinding ? { lastFinding } : {}),
    }),
  });
  commands.register({
    id: TEST_COMMANDS.provenanceMessage.id,
    execute: async (message: unknown, where?: 'view' | 'editor') => {
      if (!isPageToHost(message)) throw new Error('Not a Provenance page message.');
      await (where === 'editor' ? editor.handleMessage(message) : panel.handleMessage(message));
    },
  });
}
