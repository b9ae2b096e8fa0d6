import * as vscode from 'vscode';
import { COMMANDS, TEST_COMMANDS } from './commands/commandIds';
import { CommandManager } from './commands/commandManager';
import { createLog, log } from './log';
import { registerProvenance } from './provenance/index';
import { ApprovalTree, type ReviewNode } from './review/approvalTree';
import { HunkCodeLens } from './review/hunkCodeLens';
import { InlineReviews } from './review/inlineReview';
import { openPatchDiff, openProposalForEdit, PROPOSAL_SCHEME, ProposalDocuments } from './review/proposalDocuments';
import { registerReviewCommands } from './review/reviewCommands';
import { clearApiKey, setApiKey } from './secrets';
import { Session } from './session';
import { flushEngineState, watchSymbolGraph } from './graphWatcher';
import { disposeReadyForReview, readyForReviewState } from './propose/readyForReview';

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

  const commands = new CommandManager(context.extensionMode !== vscode.ExtensionMode.Production);
  context.subscriptions.push(commands);
  commands.register({ id: COMMANDS.setApiKey.id, execute: () => setApiKey(context) });
  commands.register({ id: COMMANDS.clearApiKey.id, execute: () => clearApiKey(context) });
  commands.register({ id: COMMANDS.showLogs.id, execute: () => log().show() });
  commands.register({ id: TEST_COMMANDS.flushEngineState.id, execute: () => flushEngineState(session) });
  commands.register({ id: TEST_COMMANDS.readyForReview.id, execute: () => readyForReviewState() });
  context.subscriptions.push({ dispose: disposeReadyForReview });

  if (session) {
    commands.register({
      id: COMMANDS.proposeRefactor.id,
      execute: async (first?: unknown, second?: unknown) => {
        const { proposeRefactor } = await import('./propose/proposeCommand.js');
        return proposeRefactor(session, reveal, first, second);
      },
    });
    commands.register({
      id: COMMANDS.proposeCode.id,
      execute: async (first?: unknown, second?: unknown) => {
        const { proposeCode } = await import('./propose/proposeCodeCommand.js');
        return proposeCode(session, reveal, first, second);
      },
    });
    commands.register({
      id: COMMANDS.rerun.id,
      execute: async (node?: ReviewNode) => {
        const runId =
          node && node.kind !== 'message'
            ? node.runId
            : treeView.selection[0]?.kind === 'run'
              ? (treeView.selection[0] as { runId: string }).runId
              : undefined;
        if (!runId) return vscode.window.showInformationMessage('Refactor Guard: select a run to re-run.');
        const { run } = await session.run(runId);
        if (run.mode === 'generate') {
          // A generate run's targets are the files it was to write: runGenerate again, not a refactor of them.
          const { proposeCode, proposeCodeArgsOf } = await import('./propose/proposeCodeCommand.js');
          return proposeCode(session, reveal, proposeCodeArgsOf(run));
        }
        const { proposeRefactor } = await import('./propose/proposeCommand.js');
        return proposeRefactor(session, reveal, { instruction: run.instruction, targets: run.targets, preset: run.preset });
      },
    });
    const docs = new ProposalDocuments(session);
    // Before the lenses: on a decision the inline review starts its refresh first, and the lenses wait for it.
    const inline = new InlineReviews(session);
    const lenses = new HunkCodeLens(session, inline);
    context.subscriptions.push(
      docs,
      inline,
      lenses,
      vscode.workspace.registerFileSystemProvider(PROPOSAL_SCHEME, docs, { isCaseSensitive: true }),
      vscode.languages.registerCodeLensProvider(HunkCodeLens.selector, lenses),
    );
    registerReviewCommands(context, commands, session, tree, treeView, inline);
    commands.register({ id: TEST_COMMANDS.inlineState.id, execute: () => inline.testState((doc) => lenses.provideCodeLenses(doc)) });
    commands.register({
      id: COMMANDS.editProposal.id,
      // From a patch in the Runs view, or (runId, patchId) from a test or another command.
      execute: (node?: ReviewNode | string, patchId?: string) => {
        const ref = typeof node === 'string' ? { runId: node, patchId } : node && node.kind === 'patch' ? node : undefined;
        if (!ref?.patchId) return vscode.window.showInformationMessage('Refactor Guard: choose a patch in the Runs view to edit.');
        return openProposalForEdit(session, ref.runId, ref.patchId);
      },
    });
    const selected = new vscode.EventEmitter<string | undefined>();
    context.subscriptions.push(
      selected,
      treeView.onDidChangeSelection((e) => selected.fire(runIdOf(e.selection[0]))),
    );
    registerProvenance(context, commands, {
      getStore: () => session.store(),
      onDidChangeRuns: session.onDidChange,
      selectedRunId: () => runIdOf(treeView.selection[0]),
      onDidSelectRun: selected.event,
      openPatchDiff: (runId, patchId) => openPatchDiff(session, runId, patchId),
      revealRun: (runId) => void reveal({ kind: 'run', runId }).catch(() => undefined),
      log: log(),
    });
  } else {
    // The palette still lists the commands that need a folder: each says so instead of "command not found".
    commands.registerNoFolderFallbacks();
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
