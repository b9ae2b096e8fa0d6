import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { TEST_COMMANDS } from '../../src/vscode/commands/commandIds';
import type { ReviewNode } from '../../src/vscode/review/approvalTree';
import { api, EXTENSION_ID, keepFixture, propose, readBytes, screenshot, treeChildren, waitFor } from './helpers';

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

/** The `view/item/context` entries VS Code would draw inline on an item with `contextValue`. */
function inlineActions(contextValue: string): string[] {
  const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
    contributes: { menus: Record<string, MenuEntry[]>; commands: { command: string; icon?: string }[] };
  };
  const icons = new Map(pkg.contributes.commands.map((c) => [c.command, c.icon]));
  return pkg.contributes.menus['view/item/context']!.filter((m) => {
    if (!m.group?.startsWith('inline') || !m.when?.includes('view == refactorGuard.runs')) return false;
    const pattern = /viewItem =~ \/(.+)\/$/.exec(m.when)?.[1];
    return pattern !== undefined && new RegExp(pattern).test(contextValue) && !!icons.get(m.command);
  }).map((m) => m.command);
}

/**
 * The Runs view as a person reads it in a narrow side bar: what matters first, per-hunk Approve and
 * Reject as inline actions (no setting needed, unlike CodeLenses in a diff editor), and the run's
 * outcome in the status bar rather than a toast over the editor.
 */
export function registerRunsViewSuite(): void {
  suite('Runs view: status first, inline hunk actions, ready for review', () => {
    keepFixture('src/math.ts');

    test('a pending patch with hunks opens on them, each hunk with inline Approve and Reject that need no setting', async () => {
      // The diff editor's CodeLenses need diffEditor.codeLens (the harness turns it on); the tree's inline actions do not.
      const diffEditor = () => vscode.workspace.getConfiguration('diffEditor');
      const before = diffEditor().inspect('codeLens')?.workspaceValue;
      await diffEditor().update('codeLens', false, vscode.ConfigurationTarget.Workspace);
      try {
        const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
        const patch = record.patches[0]!;
        // The root is read again from the store each time, as after every change.
        const runRow = async () => (await treeChildren()).find((r) => r.node.kind === 'run' && r.node.runId === record.runId)!;
        const run = await runRow();
        assert.equal(run.item.description, `Proposed · risk ${patch.risk.score.toFixed(2)} ${patch.risk.level}`);
        assert.equal((run.item.iconPath as vscode.ThemeIcon).id, 'git-pull-request');
        const [patchItem] = await treeChildren(run.node);
        assert.equal(patchItem!.item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded, 'the hunks are in sight');
        const hunks = await treeChildren(patchItem!.node);
        assert.equal(hunks.length, 2);
        for (const h of hunks) {
          assert.equal(h.item.contextValue, 'hunk.pending.valid');
          assert.deepEqual(inlineActions(String(h.item.contextValue)), ['refactorGuard.approveHunk', 'refactorGuard.rejectHunk']);
        }
        const { treeView } = await api();
        await vscode.commands.executeCommand('workbench.view.extension.refactorGuard');
        await treeView.reveal(hunks[0]!.node, { select: true, focus: true });
        await vscode.commands.executeCommand('notifications.hideList');
        await new Promise((r) => setTimeout(r, 500));
        await screenshot('runs-tree-hunk-actions');

        // What a click on the inline Approve of the first hunk runs: that hunk lands, the other waits.
        await vscode.commands.executeCommand('refactorGuard.approveHunk', hunks[0]!.node);
        const disk = (await readBytes('src/math.ts')).toString('utf8');
        assert.ok(disk.includes('add: NaN input') && !disk.includes('scale: factor must be finite'));
        const after = await treeChildren((await treeChildren((await runRow()).node))[0]!.node as ReviewNode);
        assert.deepEqual(inlineActions(String(after[0]!.item.contextValue)), [], 'an applied hunk offers nothing inline');
        assert.match(String(after[0]!.item.description), /^applied · /);
        const runAfter = await runRow();
        assert.match(String(runAfter.item.description), /^Partly applied · /);
        assert.equal((runAfter.item.iconPath as vscode.ThemeIcon).id, 'pass');
        await vscode.commands.executeCommand('refactorGuard.rejectHunk', after[1]!.node);
        const settled = await runRow();
        assert.match(String(settled.item.description), /^Applied · /);
        await vscode.commands.executeCommand('refactorGuard.rollbackRun', { kind: 'run', runId: record.runId });
        const rolled = await runRow();
        assert.match(String(rolled.item.description), /^Rolled back · /);
        assert.equal((rolled.item.iconPath as vscode.ThemeIcon).id, 'discard');
      } finally {
        await diffEditor().update('codeLens', before, vscode.ConfigurationTarget.Workspace);
      }
    });

    test('the run tooltip names the model that answered: the replay’s recording, not a preset’s Claude model', async () => {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      assert.equal(record.provider.model, 'recorded-vscode-test');
      const run = (await treeChildren()).find((r) => r.node.kind === 'run' && r.node.runId === record.runId)!;
      const { tree } = await api();
      const tip = ((tree.resolveTreeItem(run.item, run.node) as vscode.TreeItem).tooltip as vscode.MarkdownString).value;
      assert.ok(tip.includes('Replay of validate-inputs.json'), tip);
      assert.ok(tip.includes('model recorded-vscode-test'), tip);
      assert.doesNotMatch(tip, /claude/i);
    });

    test('a finished run says "ready for review" in the status bar, not in a toast, until nothing is left to decide', async () => {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      type Ready = { runId: string; text: string; command: vscode.Command | undefined } | undefined;
      const ready = () => vscode.commands.executeCommand<Ready>(TEST_COMMANDS.readyForReview.id);
      const shown = await ready();
      assert.equal(shown?.runId, record.runId);
      assert.match(shown!.text, /1 patch to review · risk \d\.\d\d$/);
      // A click reviews the first open patch, as a click on it in the Runs view does.
      assert.equal(shown!.command?.command, 'refactorGuard.openPatchDiff');
      await vscode.commands.executeCommand(shown!.command!.command, ...(shown!.command!.arguments ?? []));
      await vscode.commands.executeCommand('notifications.hideList');
      await screenshot('ready-for-review-status-bar');
      await vscode.commands.executeCommand('refactorGuard.rejectPatch', {
        kind: 'patch',
        runId: record.runId,
        patchId: record.patches[0]!.id,
      });
      await waitFor('the entry to go once the patch is decided', async () => ((await ready()) === undefined ? true : undefined));
    });
  });
}
