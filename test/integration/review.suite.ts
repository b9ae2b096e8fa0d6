import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  api,
  closeAllEditors,
  propose,
  readBytes,
  restoreFixture,
  root,
  screenshot,
  setWorkspaceSetting,
  sha,
  treeChildren,
  uriOf,
  waitFor,
} from './helpers';

export function registerReviewSuite(): void {
  suite('Review: diff, per-hunk approval, stale, line endings', () => {
    let math: Buffer;
    let legacy: Buffer;
    let restoreLayout: () => Promise<void>;

    suiteSetup(async () => {
      await api();
      math = await readBytes('src/math.ts');
      legacy = await readBytes('src/legacy.ts');
      // This suite reviews in the diff editor; inline review (the default) has its own suite.
      restoreLayout = await setWorkspaceSetting('review.layout', 'diff');
    });

    suiteTeardown(async () => {
      await restoreLayout();
    });

    teardown(async () => {
      await closeAllEditors();
      await restoreFixture('src/math.ts', math);
      await restoreFixture('src/legacy.ts', legacy);
    });

    test('opening a patch shows the current file against the proposal, with CodeLenses per hunk', async () => {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      const patch = record.patches[0]!;
      await vscode.commands.executeCommand('workbench.view.extension.refactorGuard');
      await vscode.commands.executeCommand('refactorGuard.openPatchDiff', { kind: 'patch', runId: record.runId, patchId: patch.id });
      const tab = await waitFor('the diff tab', () => {
        const t = vscode.window.tabGroups.activeTabGroup.activeTab;
        return t?.input instanceof vscode.TabInputTextDiff ? t : undefined;
      });
      const input = tab.input as vscode.TabInputTextDiff;
      assert.equal(input.original.fsPath, uriOf('src/math.ts').fsPath);
      assert.equal(input.modified.scheme, 'refactor-guard-proposal');
      assert.match(tab.label, /math\.ts: proposal \(risk \d\.\d\d (low|medium|high)\)$/);
      const { treeView } = await api();
      await waitFor('the Runs view to select the patch in front', () => {
        const sel = treeView.selection[0];
        return sel?.kind === 'patch' && sel.patchId === patch.id ? true : undefined;
      });
      const proposed = await vscode.workspace.openTextDocument(input.modified);
      assert.ok(proposed.getText().includes('add: NaN input') && proposed.getText().includes('scale: factor must be finite'));

      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', input.modified);
      const approve = lenses.filter((l) => l.command?.title === 'Approve');
      assert.equal(approve.length, 2, 'one Approve per hunk');
      assert.ok(lenses.some((l) => l.command?.title.startsWith('Risk ')));
      // Each Approve sits on its hunk's first changed line of the proposed text.
      const lines = approve.map((l) => proposed.lineAt(l.range.start.line).text);
      assert.match(lines[0]!, /add: NaN input/);
      assert.match(lines[1]!, /scale: factor must be finite/);
      await screenshot('workbench-tree-diff');
    });

    test('the editor-title Approve works on the proposal in the active diff editor', async () => {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      const patch = record.patches[0]!;
      await vscode.commands.executeCommand('refactorGuard.openPatchDiff', { kind: 'patch', runId: record.runId, patchId: patch.id });
      await waitFor('the proposal to be the active editor', () =>
        vscode.window.activeTextEditor?.document.uri.scheme === 'refactor-guard-proposal' ? true : undefined,
      );
      // No argument, as from the editor title bar: the active proposal is the target.
      await vscode.commands.executeCommand('refactorGuard.approvePatch');
      assert.equal(sha(await readBytes('src/math.ts')), patch.afterSha256);
      const view = await (await api()).session!.run(record.runId);
      assert.equal(view.patches[0]!.status, 'applied');
    });

    test('Approve from the palette with the cursor in the left side of a diff applies the patch of that diff, not the one selected in the Runs view', async () => {
      const other = await propose('Use a template literal in greet', 'src/legacy.ts', 'legacy-greet.json');
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      const patch = record.patches[0]!;
      const { treeView } = await api();
      await vscode.commands.executeCommand('workbench.view.extension.refactorGuard');
      await treeView.reveal({ kind: 'patch', runId: other.runId, patchId: other.patches[0]!.id }, { select: true });
      // The Runs view is closed, so it does not follow the diff that opens next.
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      await vscode.commands.executeCommand('refactorGuard.openPatchDiff', { kind: 'patch', runId: record.runId, patchId: patch.id });
      await waitFor('the diff tab', () =>
        vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff ? true : undefined,
      );
      await vscode.commands.executeCommand('workbench.action.compareEditor.focusSecondarySide');
      await waitFor('the current file side to have focus', () =>
        vscode.window.activeTextEditor?.document.uri.scheme === 'file' ? true : undefined,
      );

      await vscode.commands.executeCommand('refactorGuard.approvePatch');
      assert.equal(sha(await readBytes('src/legacy.ts')), sha(legacy), 'the patch selected in the hidden Runs view is not applied');
      assert.equal(sha(await readBytes('src/math.ts')), patch.afterSha256, 'the patch of the diff in front is applied');
    });

    test('Approve Hunk without a hunk (a keybinding, with a diff in front) applies nothing rather than the whole patch', async () => {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      const patch = record.patches[0]!;
      await vscode.commands.executeCommand('refactorGuard.openPatchDiff', { kind: 'patch', runId: record.runId, patchId: patch.id });
      await waitFor('the proposal to be the active editor', () =>
        vscode.window.activeTextEditor?.document.uri.scheme === 'refactor-guard-proposal' ? true : undefined,
      );
      await vscode.commands.executeCommand('refactorGuard.approveHunk');
      await vscode.commands.executeCommand('refactorGuard.rejectHunk');
      assert.equal(sha(await readBytes('src/math.ts')), sha(math), 'nothing written');
      const view = await (await api()).session!.run(record.runId);
      assert.equal(view.patches[0]!.status, 'pending');
      assert.deepEqual(view.decisions, []);
    });

    test('two quick Approve clicks apply the patch once and do not mark it stale', async () => {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      const node = { kind: 'patch', runId: record.runId, patchId: record.patches[0]!.id };
      await Promise.all([
        vscode.commands.executeCommand('refactorGuard.approvePatch', node),
        vscode.commands.executeCommand('refactorGuard.approvePatch', node),
      ]);
      assert.equal(sha(await readBytes('src/math.ts')), record.patches[0]!.afterSha256);
      const view = await (await api()).session!.run(record.runId);
      assert.equal(view.patches[0]!.status, 'applied');
      assert.deepEqual(
        view.decisions.map((d) => d.decision),
        ['approve', 'apply'],
      );
    });

    test('approving one hunk applies only that hunk, undo takes it back, and the rest applies later', async () => {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      const patch = record.patches[0]!;
      const [first, second] = patch.hunks;
      await vscode.commands.executeCommand('refactorGuard.approveHunk', {
        kind: 'hunk',
        runId: record.runId,
        patchId: patch.id,
        hunkId: first!.id,
      });
      const disk = (await readBytes('src/math.ts')).toString('utf8');
      assert.ok(disk.includes('add: NaN input'), 'the approved hunk is in the file');
      assert.ok(!disk.includes('scale: factor must be finite'), 'the other hunk is not');

      const { session } = await api();
      let view = await session!.run(record.runId);
      assert.deepEqual(view.patches[0]!.appliedHunkIds, [first!.id]);
      assert.equal(view.patches[0]!.partlyApplied, true);
      const applyDecision = view.decisions.find((d) => d.decision === 'apply');
      assert.deepEqual(applyDecision?.hunkIds, [first!.id]);
      assert.match(applyDecision!.actor, /^vscode:/);
      const runNode = (await treeChildren()).find((r) => r.node.kind === 'run' && r.node.runId === record.runId)!;
      const patchNode = (await treeChildren(runNode.node))[0]!;
      assert.match(String(patchNode.item.description), /partly applied/);
      const hunkItems = await treeChildren(patchNode.node);
      assert.match(String(hunkItems[0]!.item.description), /^applied · /);
      assert.match(String(hunkItems[1]!.item.description), /^pending · /);

      // The edit went through the editor, so Undo there takes it back and Redo restores it.
      const doc = await vscode.workspace.openTextDocument(uriOf('src/math.ts'));
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('undo');
      await waitFor('undo', () => (!doc.getText().includes('add: NaN input') ? true : undefined));
      assert.equal(doc.getText(), math.toString('utf8'));
      await vscode.commands.executeCommand('redo');
      await waitFor('redo', () => (doc.getText().includes('add: NaN input') ? true : undefined));
      await doc.save();

      await vscode.commands.executeCommand('refactorGuard.approveHunk', {
        kind: 'hunk',
        runId: record.runId,
        patchId: patch.id,
        hunkId: second!.id,
      });
      const full = await readBytes('src/math.ts');
      assert.equal(sha(full), patch.afterSha256, 'both hunks give exactly the proposed bytes');
      view = await session!.run(record.runId);
      assert.equal(view.patches[0]!.status, 'applied');
    });

    test('after rejecting one hunk, the proposal shows only the rest, its lenses move with it, and Approve applies only that', async () => {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      const patch = record.patches[0]!;
      const [first, second] = patch.hunks;
      await vscode.commands.executeCommand('refactorGuard.rejectHunk', {
        kind: 'hunk',
        runId: record.runId,
        patchId: patch.id,
        hunkId: first!.id,
      });
      await vscode.commands.executeCommand('refactorGuard.openPatchDiff', { kind: 'patch', runId: record.runId, patchId: patch.id });
      const input = await waitFor('the diff tab', () => {
        const t = vscode.window.tabGroups.activeTabGroup.activeTab;
        return t?.input instanceof vscode.TabInputTextDiff ? t.input : undefined;
      });
      const proposed = await vscode.workspace.openTextDocument(input.modified);
      assert.ok(!proposed.getText().includes('add: NaN input'), 'the rejected hunk is not proposed any more');
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', input.modified);
      const approve = lenses.filter((l) => l.command?.title === 'Approve');
      assert.equal(approve.length, 1);
      assert.match(proposed.lineAt(approve[0]!.range.start.line).text, /scale: factor must be finite/);

      await vscode.commands.executeCommand('refactorGuard.approvePatch', { kind: 'patch', runId: record.runId, patchId: patch.id });
      const disk = (await readBytes('src/math.ts')).toString('utf8');
      assert.ok(disk.includes('scale: factor must be finite') && !disk.includes('add: NaN input'));
      const view = await (await api()).session!.run(record.runId);
      assert.equal(view.patches[0]!.status, 'applied', 'every hunk is decided');
      assert.deepEqual(view.patches[0]!.appliedHunkIds, [second!.id]);
    });

    test('a patch over a file changed since the proposal (unsaved edits count) is marked stale and the file is untouched', async () => {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      const patch = record.patches[0]!;
      const doc = await vscode.workspace.openTextDocument(uriOf('src/math.ts'));
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// my unsaved note\n'));
      assert.equal(doc.isDirty, true);

      await vscode.commands.executeCommand('refactorGuard.approvePatch', { kind: 'patch', runId: record.runId, patchId: patch.id });
      assert.equal(sha(await readBytes('src/math.ts')), sha(math), 'nothing written to disk');
      assert.ok(
        doc.getText().startsWith('// my unsaved note\n') && !doc.getText().includes('add: NaN input'),
        "the editor keeps only the user's change",
      );
      const view = await (await api()).session!.run(record.runId);
      assert.equal(view.patches[0]!.status, 'stale');
      const stale = view.decisions.find((d) => d.decision === 'stale');
      assert.ok(stale?.detail?.includes('changed since the proposal'));
      const runNode = (await treeChildren()).find((r) => r.node.kind === 'run' && r.node.runId === record.runId)!;
      assert.match(String((await treeChildren(runNode.node))[0]!.item.description), /stale/);
    });

    test('applying keeps the byte order mark and CRLF line endings, and rollback restores the exact bytes', async () => {
      const record = await propose('Use a template literal in greet', 'src/legacy.ts', 'legacy-greet.json');
      assert.equal(record.status, 'proposed');
      const patch = record.patches[0]!;
      await vscode.commands.executeCommand('refactorGuard.approvePatch', { kind: 'patch', runId: record.runId, patchId: patch.id });
      const after = await readBytes('src/legacy.ts');
      assert.equal(sha(after), patch.afterSha256);
      assert.deepEqual([...after.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM kept');
      const text = after.toString('utf8');
      assert.ok(text.includes('`Hello, ${trimmed}`'));
      assert.equal(text.split('\n').length - 1, text.split('\r\n').length - 1, 'every line ends in CRLF');

      await vscode.commands.executeCommand('refactorGuard.rollbackRun', { kind: 'run', runId: record.runId });
      assert.equal(sha(await readBytes('src/legacy.ts')), sha(legacy), 'exact original bytes');
      assert.ok(root());
    });
  });
}
