import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, keepFixture, propose, readBytes, sha, waitFor } from './helpers';

/**
 * Edit before approve, in the real VS Code: a pending proposal opens as a document the person can
 * change and save; the save is checked by the gates and recorded as the person's revision; Approve
 * then writes exactly their text, and rollback restores the exact original.
 */
export function registerEditProposalSuite(): void {
  suite('Edit a proposal before approving it', () => {
    const math = keepFixture('src/math.ts');

    async function editAndSave(editor: vscode.TextEditor, from: string, to: string): Promise<void> {
      const doc = editor.document;
      const at = doc.getText().indexOf(from);
      assert.ok(at >= 0, `the proposal contains ${from}`);
      const ok = await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + from.length)), to));
      assert.ok(ok);
      assert.ok(await doc.save(), 'the save went through');
    }

    test('edit, the gates rerun, Approve writes the edited text, the record shows the edit, rollback is exact', async () => {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      const patch = record.patches[0]!;
      const editor = await vscode.commands.executeCommand<vscode.TextEditor>('refactorGuard.editProposal', record.runId, patch.id);
      assert.equal(editor.document.uri.scheme, 'refactor-guard-proposal');
      const stat = await vscode.workspace.fs.stat(editor.document.uri);
      assert.equal(stat.permissions, undefined, 'a pending proposal is writable');

      await editAndSave(editor, "'add: NaN input'", "'add: an input is not a number'");
      const edited = editor.document.getText();
      const { session } = await api();
      const view = await session!.run(record.runId);
      const revision = view.decisions.at(-1)!;
      assert.equal(revision.decision, 'revise');
      assert.match(revision.actor, /^vscode:/);
      assert.match(revision.detail ?? '', /^edited by vscode:.*: \+1 -1 against the proposal; passed the gates; risk /);
      assert.match(revision.revision!.edit, /^\+.*an input is not a number/m);
      assert.ok(revision.revision!.gates.some((g) => g.gate === 'typescript' && !g.skipped && g.findings.length === 0));
      assert.equal(view.run.patches[0]!.afterSha256, sha(Buffer.from(edited)));
      assert.equal(view.record.patches[0]!.afterSha256, patch.afterSha256, "the model's patch stays in the run record");
      assert.equal(sha(await readBytes('src/math.ts')), sha(math()), 'saving the proposal wrote nothing to the file');

      await vscode.commands.executeCommand('refactorGuard.approvePatch', { kind: 'patch', runId: record.runId, patchId: patch.id });
      assert.equal((await readBytes('src/math.ts')).toString('utf8'), edited);
      // Applied: the proposal is read-only now.
      await waitFor('the proposal to turn read-only', async () =>
        (await vscode.workspace.fs.stat(editor.document.uri)).permissions === vscode.FilePermission.Readonly ? true : undefined,
      );

      await vscode.commands.executeCommand('refactorGuard.rollbackRun', { kind: 'run', runId: record.runId });
      assert.deepEqual(await readBytes('src/math.ts'), math());
    });

    test('an edit that breaks the types is recorded, cannot be approved, and a fix makes it approvable', async () => {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      const patch = record.patches[0]!;
      const editor = await vscode.commands.executeCommand<vscode.TextEditor>('refactorGuard.editProposal', record.runId, patch.id);
      await editAndSave(editor, 'return a + b;', 'return a + c;');
      const { session } = await api();
      let view = await session!.run(record.runId);
      assert.equal(view.run.patches[0]!.valid, false);
      assert.ok(view.run.patches[0]!.findings.some((f) => f.introduced && f.category === 'undefined_name'));
      await vscode.commands.executeCommand('refactorGuard.approvePatch', { kind: 'patch', runId: record.runId, patchId: patch.id });
      assert.deepEqual(await readBytes('src/math.ts'), math(), 'an invalid revision is not written');

      await editAndSave(editor, 'return a + c;', 'return b + a;');
      view = await session!.run(record.runId);
      assert.equal(view.run.patches[0]!.valid, true);
      assert.equal(view.patches[0]!.revisions, 2);
      await vscode.commands.executeCommand('refactorGuard.approvePatch', { kind: 'patch', runId: record.runId, patchId: patch.id });
      assert.match((await readBytes('src/math.ts')).toString('utf8'), /return b \+ a;/);
    });
  });
}
