import * as vscode from 'vscode';
import { createLog, guarded, log } from './log';
import { registerProvenance } from './provenance/index';
import { ApprovalTree, type ReviewNode } from './review/approvalTree';
import { HunkCodeLens } from './review/hunkCodeLens';
import { openPatchDiff, PROPOSAL_SCHEME, ProposalDocuments } from './review/proposalDocuments';
import { registerReviewCommands } from './review/reviewCommands';
import { clearApiKey, setApiKey } from './secrets';
import { Session } from './session';
import { flushEngineState, watchSymbolGraph } from './graphWatcher';

/** What activate() returns: enough for the integration tests to read the tree as a user sees it. */
export interface RefactorGuardApi {
  tree: ApprovalTree;
  treeView: vscode.TreeView<ReviewNode>;
  session: Session | undefined;
}

/**
 * Registers commands, the Runs view, the proposal documents and CodeLenses, and nothing heavier:
 * the store opens on first use, and the engine, tree-sitter and the model clients load when a run
 * starts (dynamic imports, kept lazy in the bundle).
 */
export function activate(context: vscode.ExtensionContext): RefactorGuardApi {
  createLog(context);
  const session = Session.create(context);
  activeSession = session;
  if (session) context.subscriptions.push(session, watchSymbolGraph(session));
  const tree = new ApprovalTree(session);
  const treeView = vscode.window.createTreeView('refactorGuard.runs', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(tree, treeView);
  const reveal = (node: ReviewNode) => Promise.resolve(treeView.reveal(node, { select: true, focus: false, expand: true }));

  const registered = new Set<string>();
  const reg = (id: string, fn: (...args: any[]) => unknown) => {
    registered.add(id);
    context.subscriptions.push(vscode.commands.registerCommand(id, guarded(id.replace('refactorGuard.', ''), fn)));
  };
  const needSession = (): Session => {
    if (!session) throw new Error('Open a folder first: Refactor Guard works on the files of a workspace folder.');
    return session;
  };

  reg('refactorGuard.proposeRefactor', async (first?: unknown, second?: unknown) => {
    const { proposeRefactor } = await import('./propose/proposeCommand.js');
    return proposeRefactor(needSession(), reveal, first, second);
  });
  reg('refactorGuard.rerun', async (node?: ReviewNode) => {
    const s = needSession();
    const runId =
      node && node.kind !== 'message'
        ? node.runId
        : treeView.selection[0]?.kind === 'run'
          ? (treeView.selection[0] as { runId: string }).runId
          : undefined;
    if (!runId) return vscode.window.showInformationMessage('Refactor Guard: select a run to re-run.');
    const { run } = await s.run(runId);
    const { proposeRefactor } = await import('./propose/proposeCommand.js');
    return proposeRefactor(s, reveal, { instruction: run.instruction, targets: run.targets, preset: run.preset });
  });
  reg('refactorGuard.setApiKey', () => setApiKey(context));
  reg('refactorGuard.clearApiKey', () => clearApiKey(context));
  reg('refactorGuard.showLogs', () => log().show());

  if (session) {
    const docs = new ProposalDocuments(session);
    const lenses = new HunkCodeLens(session);
    context.subscriptions.push(
      docs,
      lenses,
      vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, docs),
      vscode.languages.registerCodeLensProvider(HunkCodeLens.selector, lenses),
    );
    registerReviewCommands(context, session, tree, treeView);
    const selected = new vscode.EventEmitter<string | undefined>();
    context.subscriptions.push(
      selected,
      treeView.onDidChangeSelection((e) => selected.fire(runIdOf(e.selection[0]))),
    );
    registerProvenance(context, {
      getStore: () => session.store(),
      onDidChangeRuns: session.onDidChange,
      selectedRunId: () => runIdOf(treeView.selection[0]),
      onDidSelectRun: selected.event,
      openPatchDiff: (runId, patchId) => openPatchDiff(session, runId, patchId),
      revealRun: (runId) => void reveal({ kind: 'run', runId }).catch(() => undefined),
      log: log(),
    });
  }
  if (!session) {
    // Without a folder the review and provenance commands have nothing to work on, but the palette
    // still lists them: they answer with the one line that says why, not "command not found".
    const contributed =
      (context.extension.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? [];
    for (const { command } of contributed) if (!registered.has(command)) reg(command, () => needSession());
  }
  if (context.extensionMode !== vscode.ExtensionMode.Production) {
    // For the integration tests: the engine state deactivate writes out and frees, on demand.
    context.subscriptions.push(vscode.commands.registerCommand('refactorGuard.test.flushEngineState', () => flushEngineState(session)));
  }
  return { tree, treeView, session };
}

function runIdOf(node: ReviewNode | undefined): string | undefined {
  return node && node.kind !== 'message' ? node.runId : undefined;
}

let activeSession: Session | undefined;

/** Registrations are in context.subscriptions; what the engine holds warm is written out and freed here. */
export function deactivate(): Promise<void> {
  return flushEngineState(activeSession);
}
