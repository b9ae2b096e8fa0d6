import * as vscode from 'vscode';
import { COMMANDS } from '../commands/commandIds';
import type { CommandManager } from '../commands/commandManager';
import { log } from '../log';
import { loadEngine } from '../loadEngine';
import type { Session } from '../session';
import { readVsCodeSettings } from '../settings';
import type { ApprovalTree, ReviewNode } from './approvalTree';
import { applyUnderMaxRisk, approveAndApply, findPatch, reject, rollbackRun, type ApplyOutcome } from './decisions';
import type { InlineReviews } from './inlineReview';
import { riskFactorsText } from './labels';
import { openPatchDiff, parseProposalUri, type ProposalRef } from './proposalDocuments';

type PatchTarget = { runId: string; patchId: string; hunkId?: string };

/**
 * The review commands, shared by the tree's inline actions, the editor title, the CodeLenses and
 * the palette. Each resolves its target from what it was given: a tree node, a proposal URI, a
 * file under inline review, or the active proposal or inline review editor.
 */
export function registerReviewCommands(
  context: vscode.ExtensionContext,
  commands: CommandManager,
  session: Session,
  tree: ApprovalTree,
  treeView: vscode.TreeView<ReviewNode>,
  inline?: InlineReviews,
): void {
  const resolve = (arg: unknown): PatchTarget | undefined => {
    if (arg && typeof arg === 'object' && 'kind' in arg) {
      const n = arg as ReviewNode;
      if (n.kind === 'patch') return { runId: n.runId, patchId: n.patchId };
      if (n.kind === 'hunk') return { runId: n.runId, patchId: n.patchId, hunkId: n.hunkId };
    }
    const ref =
      (arg instanceof vscode.Uri ? (patchRef(arg) ?? inline?.reviewOf(arg)) : undefined) ?? proposalInFront() ?? inline?.inFront();
    if (ref) return { runId: ref.runId, patchId: ref.patchId };
    const sel = treeView.selection[0];
    return sel && sel !== arg ? resolve(sel) : undefined;
  };

  const report = async (outcome: ApplyOutcome, runId: string): Promise<void> => {
    if (outcome.kind === 'applied') {
      log().info(`Applied ${outcome.file}${outcome.hunkIds ? ` (hunks ${outcome.hunkIds.join(', ')})` : ''}: sha256 ${outcome.sha}`);
      void vscode.window.setStatusBarMessage(`Refactor Guard: applied ${outcome.file}`, 4000);
    } else if (outcome.kind === 'stale') {
      log().warn(`Not applied, marked stale: ${outcome.reason}`);
      // Not awaited: the command is done; the offer stays until the user answers or dismisses it.
      void vscode.window
        .showWarningMessage(`Refactor Guard: not applied, ${outcome.reason}. The patch is marked stale.`, 'Re-run')
        .then((choice) => {
          if (choice === 'Re-run') void vscode.commands.executeCommand('refactorGuard.rerun', { kind: 'run', runId });
        });
    } else {
      void vscode.window.showWarningMessage(`Refactor Guard: ${outcome.reason}`);
    }
  };

  commands.register({ id: COMMANDS.refreshRuns.id, execute: () => tree.refresh() });

  commands.register({
    id: COMMANDS.openPatchDiff.id,
    execute: async (arg?: unknown) => {
      const t = resolve(arg);
      if (!t) return vscode.window.showInformationMessage('Refactor Guard: select a patch in the Runs view first.');
      // review.layout "inline": the proposal in the file's own editor, where it can be; Open Diff in
      // an inline review's title bar (given its file, or nothing with it in front) is the diff.
      const fromInline = arg instanceof vscode.Uri ? !!inline?.reviewOf(arg) : arg === undefined && !!inline?.inFront();
      if (inline && !fromInline && (await readVsCodeSettings(session.folder.uri))['review.layout'] === 'inline')
        if (await inline.open(t.runId, t.patchId, t.hunkId)) return;
      let line: number | undefined;
      if (t.hunkId) {
        const { patch } = findPatch(await session.run(t.runId), t.patchId);
        line = Math.max(0, (patch.hunks.find((h) => h.id === t.hunkId)?.newStart ?? 1) - 1);
      }
      await openPatchDiff(session, t.runId, t.patchId, line);
    },
  });

  const approve = async (arg: unknown, hunkOnly: boolean) => {
    const t = resolve(arg);
    if (!t) return vscode.window.showInformationMessage('Refactor Guard: select a patch to approve.');
    // A hunk command that found only a patch (no hunk node given) must not act on the whole patch.
    if (hunkOnly && !t.hunkId) {
      void vscode.window.showInformationMessage('Refactor Guard: pick the hunk to approve with its Approve CodeLens or in the Runs view.');
      return;
    }
    const outcome = await approveAndApply(session, t.runId, t.patchId, hunkOnly && t.hunkId ? [t.hunkId] : undefined);
    await report(outcome, t.runId);
  };
  const rejectIt = async (arg: unknown, hunkOnly: boolean) => {
    const t = resolve(arg);
    if (!t) return vscode.window.showInformationMessage('Refactor Guard: select a patch to reject.');
    if (hunkOnly && !t.hunkId) {
      void vscode.window.showInformationMessage('Refactor Guard: pick the hunk to reject with its Reject CodeLens or in the Runs view.');
      return;
    }
    await reject(session, t.runId, t.patchId, hunkOnly && t.hunkId ? [t.hunkId] : undefined);
  };
  commands.register({ id: COMMANDS.approvePatch.id, execute: (arg?: unknown) => approve(arg, false) });
  commands.register({ id: COMMANDS.approveHunk.id, execute: (arg?: unknown) => approve(arg, true) });
  commands.register({ id: COMMANDS.rejectPatch.id, execute: (arg?: unknown) => rejectIt(arg, false) });
  commands.register({ id: COMMANDS.rejectHunk.id, execute: (arg?: unknown) => rejectIt(arg, true) });

  const pickRun = async (arg: unknown, want: (runId: string) => boolean): Promise<string | undefined> => {
    if (arg && typeof arg === 'object' && 'runId' in arg) return (arg as { runId: string }).runId;
    const sel = treeView.selection[0];
    if (sel && sel.kind !== 'message') return sel.runId;
    await tree.getChildren();
    return tree.runIds().find(want);
  };

  commands.register({
    id: COMMANDS.approveAllUnderMaxRisk.id,
    execute: async (arg?: unknown) => {
      const settings = await readVsCodeSettings(session.folder.uri);
      const runId = await pickRun(arg, (id) => !!tree.view(id)?.patches.some((s) => s.status === 'pending' || s.status === 'approved'));
      if (!runId) return vscode.window.showInformationMessage('Refactor Guard: no run has patches waiting for review.');
      const outcomes = await applyUnderMaxRisk(session, runId, settings.maxRisk);
      if (outcomes.length === 0)
        return vscode.window.showInformationMessage(`Refactor Guard: no valid pending patch has risk at most ${settings.maxRisk}.`);
      const done = outcomes.filter((o) => o.outcome === 'applied').map((o) => o.file);
      const stale = outcomes.filter((o) => o.outcome === 'stale');
      for (const o of stale) log().warn(`Not applied, marked stale: ${o.message}`);
      if (stale.length > 0)
        void vscode.window.showWarningMessage(
          `Refactor Guard: nothing applied: ${stale.map((o) => o.file).join(', ')} changed since the proposal (marked stale), and a run's patches land together.`,
        );
      else
        void vscode.window.showInformationMessage(
          `Refactor Guard: applied ${done.length} patch(es) with risk at most ${settings.maxRisk}${done.length ? `: ${done.join(', ')}` : ''}.`,
        );
    },
  });

  commands.register({
    id: COMMANDS.rollbackRun.id,
    execute: async (arg?: unknown) => {
      const runId = await pickRun(
        arg,
        (id) => !!tree.view(id)?.patches.some((s) => s.status === 'applied' || (s.status !== 'rolled_back' && s.appliedHunkIds.length > 0)),
      );
      if (!runId) return vscode.window.showInformationMessage('Refactor Guard: no run has applied patches to roll back.');
      const r = await rollbackRun(session, runId);
      for (const f of r.refused) log().warn(`Rollback refused: ${f.reason}`);
      if (r.refused.length > 0) {
        void vscode.window.showWarningMessage(
          `Refactor Guard: rolled back ${r.restored.length} file(s); refused ${r.refused.length}: ${r.refused.map((f) => f.reason).join(' ')}`,
        );
      } else if (r.restored.length > 0) {
        void vscode.window.showInformationMessage(
          `Refactor Guard: rolled back ${r.restored.join(', ')} to the exact bytes before the run.`,
        );
      } else {
        void vscode.window.showInformationMessage('Refactor Guard: nothing of this run is applied.');
      }
    },
  });

  commands.register({
    id: COMMANDS.showFindings.id,
    execute: async (runId: string, patchId: string) => {
      const { patch } = findPatch(await session.run(runId), patchId);
      const { formatFinding } = await loadEngine();
      const items = patch.findings.map((f) => ({
        label: `${f.introduced && f.severity === 'error' ? '$(error)' : '$(info)'} ${f.message}`,
        detail: formatFinding(f),
      }));
      await vscode.window.showQuickPick(items.length ? items : [{ label: 'No findings recorded.', detail: '' }], {
        title: `Findings on ${patch.file}`,
        matchOnDetail: true,
      });
    },
  });

  commands.register({
    id: COMMANDS.showRiskFactors.id,
    execute: async (runId: string, patchId: string, hunkId?: string) => {
      const { patch } = findPatch(await session.run(runId), patchId);
      const risk = patch.hunks.find((h) => h.id === hunkId)?.risk ?? patch.risk;
      await vscode.window.showInformationMessage(`Risk ${risk.score.toFixed(2)} ${risk.level}`, {
        modal: true,
        detail: riskFactorsText(risk),
      });
    },
  });

  // Editor-title Approve appears only where it would be accepted: a valid, undecided proposal.
  const updateContext = async () => {
    const ref = proposalInFront();
    let approvable = false;
    if (ref) {
      try {
        const { patch, state } = findPatch(await session.run(ref.runId), ref.patchId);
        approvable = patch.valid && (state.status === 'pending' || state.status === 'approved');
      } catch {
        approvable = false;
      }
    }
    await vscode.commands.executeCommand('setContext', 'refactorGuard.activeProposalApprovable', approvable);
  };
  // The patch whose diff is in front is the one selected in the Runs view (when the view is open).
  const followEditor = async () => {
    const ref = vscode.window.activeTextEditor ? parseProposalUri(vscode.window.activeTextEditor.document.uri) : undefined;
    if (!ref || ref.patchId === '-' || !treeView.visible) return;
    const sel = treeView.selection[0];
    if (sel?.kind === 'patch' && sel.runId === ref.runId && sel.patchId === ref.patchId) return;
    await Promise.resolve(treeView.reveal({ kind: 'patch', runId: ref.runId, patchId: ref.patchId }, { select: true, focus: false })).catch(
      () => undefined,
    );
  };
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(() => {
      void updateContext();
      void followEditor();
    }),
    session.onDidChange(() => void updateContext()),
    vscode.window.tabGroups.onDidChangeTabs(() => void updateContext()),
  );
}

function patchRef(uri: vscode.Uri): ProposalRef | undefined {
  const ref = parseProposalUri(uri);
  return ref && ref.patchId !== '-' ? ref : undefined;
}

/**
 * The proposal the user is looking at: the active editor when it is one, else the proposed side
 * of the diff in the active tab. The cursor may sit in the diff's left side (the file as it is),
 * and then the active editor names the workspace file, not the patch.
 */
function proposalInFront(): ProposalRef | undefined {
  const editor = vscode.window.activeTextEditor;
  const fromEditor = editor ? patchRef(editor.document.uri) : undefined;
  if (fromEditor) return fromEditor;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputTextDiff ? patchRef(input.modified) : undefined;
}
