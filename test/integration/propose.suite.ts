import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, closeAllEditors, propose, readBytes, restoreFixture, sha, treeChildren } from './helpers';

export function registerProposeSuite(): void {
  suite('Propose Refactor', () => {
    let original: Buffer;

    suiteSetup(async () => {
      await api();
      original = await readBytes('src/math.ts');
    });

    teardown(async () => {
      await closeAllEditors();
      await restoreFixture('src/math.ts', original);
    });

    test('a replayed run is recorded, shown in the Runs view, and writes nothing', async () => {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      assert.equal(record.status, 'proposed');
      assert.equal(record.patches.length, 1);
      const patch = record.patches[0]!;
      assert.equal(patch.file, 'src/math.ts');
      assert.equal(patch.valid, true);
      assert.equal(patch.hunks.length, 2, 'the two edits are far apart: two hunks');
      assert.equal(sha(await readBytes('src/math.ts')), sha(original), 'proposing never writes the file');

      const runs = await treeChildren();
      const run = runs.find((r) => r.node.kind === 'run' && r.node.runId === record.runId);
      assert.ok(run, 'the new run is in the Runs view');
      assert.equal(run.item.label, 'Validate inputs in add and scale');
      assert.equal(runs[0]!.node.kind === 'run' && runs[0]!.node.runId, record.runId, 'newest run first');
      const patches = await treeChildren(run.node);
      assert.equal(patches.length, 1);
      assert.equal(patches[0]!.item.label, 'math.ts');
      assert.match(String(patches[0]!.item.description), /^\d\.\d\d (low|medium|high) · pending$/);
      assert.equal(patches[0]!.item.contextValue, 'patch.pending.valid');
      const hunks = await treeChildren(patches[0]!.node);
      assert.equal(hunks.length, 2);
      assert.match(String(hunks[0]!.item.label), /^Lines? \d+/);
      assert.match(String(hunks[0]!.item.description), /^\+1 -0 · /);
    });

    test('an invalid candidate can be opened to see why, but not approved', async () => {
      const record = await propose('Make clamp check its bounds', 'src/math.ts', 'broken-twice.json');
      assert.equal(record.status, 'no_valid_patch');
      const patch = record.patches[0];
      assert.ok(patch, 'the best invalid candidate is kept for inspection');
      assert.equal(patch.valid, false);
      await vscode.commands.executeCommand('refactorGuard.openPatchDiff', { kind: 'patch', runId: record.runId, patchId: patch.id });
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      assert.ok(tab?.input instanceof vscode.TabInputTextDiff, 'a diff editor is open');
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', tab.input.modified);
      const titles = lenses.map((l) => l.command?.title ?? '');
      assert.ok(titles.some((t) => t.includes('Did not pass the gates')), `lens titles: ${titles.join(' | ')}`);
      assert.ok(!titles.includes('Approve'), 'no Approve lens on an invalid candidate');

      await vscode.commands.executeCommand('refactorGuard.approvePatch', { kind: 'patch', runId: record.runId, patchId: patch.id });
      assert.equal(sha(await readBytes('src/math.ts')), sha(original), 'the file is untouched');
      const view = await (await api()).session!.run(record.runId);
      assert.equal(view.patches[0]!.status, 'pending');
      assert.equal(view.decisions.length, 0, 'nothing was recorded as approved');
    });
  });
}
