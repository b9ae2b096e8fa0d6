import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, keepFixture, propose, readBytes, root, setWorkspaceSetting, sha, waitFor } from './helpers';

export function registerRollbackSuite(): void {
  suite('Rollback', () => {
    const math = keepFixture('src/math.ts');

    test('restores the exact bytes a patch replaced', async () => {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      const patch = record.patches[0]!;
      await vscode.commands.executeCommand('refactorGuard.approvePatch', { kind: 'patch', runId: record.runId, patchId: patch.id });
      assert.equal(sha(await readBytes('src/math.ts')), patch.afterSha256);
      await vscode.commands.executeCommand('refactorGuard.rollbackRun', { kind: 'run', runId: record.runId });
      assert.equal(sha(await readBytes('src/math.ts')), sha(math()));
      const view = await (await api()).session!.run(record.runId);
      assert.equal(view.patches[0]!.status, 'rolled_back');
      assert.ok(view.decisions.some((d) => d.decision === 'rollback'));
    });

    test("Approve All Under Max Risk applies the run's eligible patches, and Rollback Run from the view title takes them back", async () => {
      // The limit is set, not the default: the engine's risk scoring may change.
      const undo = await setWorkspaceSetting('maxRisk', 0.9);
      try {
        const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
        const patch = record.patches[0]!;
        assert.ok(patch.risk.score <= 0.9);
        const { treeView } = await api();
        await vscode.commands.executeCommand('workbench.view.extension.refactorGuard');
        await treeView.reveal({ kind: 'run', runId: record.runId }, { select: true });
        // View-title actions get no argument: they work on the selected run.
        await vscode.commands.executeCommand('refactorGuard.approveAllUnderMaxRisk');
        assert.equal(sha(await readBytes('src/math.ts')), patch.afterSha256);
        await vscode.commands.executeCommand('refactorGuard.rollbackRun');
        assert.equal(sha(await readBytes('src/math.ts')), sha(math()));
      } finally {
        await undo();
      }
    });

    test('refuses, and leaves the file alone, when the user changed it after the patch was applied', async () => {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      const patch = record.patches[0]!;
      await vscode.commands.executeCommand('refactorGuard.approvePatch', { kind: 'patch', runId: record.runId, patchId: patch.id });
      const file = path.join(root(), 'src/math.ts');
      const mine = Buffer.concat([await fs.readFile(file), Buffer.from('// the user kept working\n')]);
      await fs.writeFile(file, mine);
      // Let the open editor (if any) pick up the change from disk before rolling back.
      await waitFor('the editor to see the change', () => {
        const d = vscode.workspace.textDocuments.find((x) => x.uri.fsPath === file);
        return !d || d.getText().endsWith('// the user kept working\n') ? true : undefined;
      });
      await vscode.commands.executeCommand('refactorGuard.rollbackRun', { kind: 'run', runId: record.runId });
      assert.equal(sha(await readBytes('src/math.ts')), sha(mine), "the user's file is untouched");
      const view = await (await api()).session!.run(record.runId);
      assert.equal(view.patches[0]!.status, 'applied');
      assert.ok(!view.decisions.some((d) => d.decision === 'rollback'));
    });
  });
}
