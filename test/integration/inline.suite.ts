import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/core/provenance/schema';
import { TEST_COMMANDS } from '../../src/vscode/commands/commandIds';
import type { InlineTestState } from '../../src/vscode/review/inlineReview';
import { api, keepFixture, propose, readBytes, screenshot, setWorkspaceSetting, sha, uriOf, waitFor } from './helpers';

/**
 * Inline review (review.layout "inline", the default): the proposal drawn in src/math.ts's own
 * editor by test/fixtures/vscode/transcripts/inline-review.json, one patch with two hunks: line 4
 * (`return a + b;`) replaced by three lines, and one line inserted before line 23 (scale's body).
 */
const ADDED_ADD = ['  const sum = a + b;', "  if (Number.isNaN(sum)) throw new RangeError('add: NaN input');", '  return sum;'];
const ADDED_SCALE = "  if (!Number.isFinite(factor)) throw new RangeError('scale: factor must be finite');";

export function registerInlineSuite(): void {
  suite('Inline review', () => {
    const math = keepFixture('src/math.ts');

    const inlineState = async () => vscode.commands.executeCommand<InlineTestState | undefined>(TEST_COMMANDS.inlineState.id);

    async function openInline(): Promise<{ record: RunRecord; state: InlineTestState }> {
      const record = await propose('Check the inputs of add and scale', 'src/math.ts', 'inline-review.json');
      assert.equal(record.status, 'proposed');
      const patch = record.patches[0]!;
      assert.equal(patch.hunks.length, 2);
      // What a click on the patch in the Runs view runs.
      await vscode.commands.executeCommand('refactorGuard.openPatchDiff', { kind: 'patch', runId: record.runId, patchId: patch.id });
      const state = await waitFor('the inline review', inlineState);
      return { record, state };
    }

    /** The CodeLens of this title over the given line, as VS Code's CodeLens controller gets them. */
    async function lensAt(title: string, line: number): Promise<vscode.Command> {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uriOf('src/math.ts'));
      const lens = lenses.find((l) => l.command?.title === title && l.range.start.line === line - 1);
      assert.ok(
        lens?.command,
        `no ${title} lens on line ${line}: ${lenses.map((l) => `${l.range.start.line + 1} ${l.command?.title}`).join(' | ')}`,
      );
      return lens.command;
    }

    async function run(command: vscode.Command): Promise<void> {
      await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    }

    test('is the default: a patch opens in the file itself, the removed line struck, the added lines beside it, a CodeLens per hunk', async () => {
      assert.equal(vscode.workspace.getConfiguration('refactorGuard').get('review.layout'), 'inline');
      const { record, state } = await openInline();
      const patch = record.patches[0]!;
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      assert.ok(tab?.input instanceof vscode.TabInputText, 'a normal editor, not a diff');
      assert.equal(tab.input.uri.fsPath, uriOf('src/math.ts').fsPath);
      const doc = vscode.window.activeTextEditor!.document;
      assert.equal(doc.getText(), math().toString('utf8'), 'the document is not edited');
      assert.equal(doc.isDirty, false);

      assert.equal(state.patchId, patch.id);
      assert.deepEqual(state.removed, [4], 'only `return a + b;` is struck');
      assert.equal(doc.lineAt(3).text, '  return a + b;');
      assert.deepEqual(state.added, [
        { line: 4, text: ADDED_ADD[0] },
        { line: 5, text: ADDED_ADD[1] },
        { line: 6, text: ADDED_ADD[2] },
        { line: 23, text: ADDED_SCALE },
      ]);
      assert.deepEqual(state.insertions, [{ line: 23, edge: 'above' }], 'the inserted line goes above line 23');
      assert.equal(doc.lineAt(22).text, '  return values.map((v) => v * factor);');

      assert.deepEqual(
        state.hunks.map((h) => [h.hunkId, h.line]),
        [
          [patch.hunks[0]!.id, 4],
          [patch.hunks[1]!.id, 23],
        ],
      );
      for (const h of state.hunks) {
        assert.match(h.lenses[0]!, /^Risk \d\.\d\d (low|medium|high)/, h.lenses.join(' | '));
        assert.ok(h.lenses.includes('Approve') && h.lenses.includes('Reject'), h.lenses.join(' | '));
      }
      // VS Code draws the CodeLenses it cached for this file first (an earlier review's) and asks
      // again after its debounce: the picture waits for that.
      await new Promise((r) => setTimeout(r, 1500));
      await screenshot('inline-review');
    });

    test('Approve on one hunk writes only that hunk; its decorations go and the other hunk moves with the file; Reject on the other records it', async () => {
      const { record } = await openInline();
      const patch = record.patches[0]!;
      const [first, second] = patch.hunks;
      await run(await lensAt('Approve', 4));

      const expected = math()
        .toString('utf8')
        .replace('  return a + b;\n', ADDED_ADD.map((l) => `${l}\n`).join(''));
      assert.notEqual(expected, math().toString('utf8'));
      assert.equal((await readBytes('src/math.ts')).toString('utf8'), expected, 'exactly the first hunk is on disk');
      const { session } = await api();
      let view = await session!.run(record.runId);
      assert.deepEqual(view.patches[0]!.appliedHunkIds, [first!.id]);
      // No Approve for the applied hunk, at once.
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uriOf('src/math.ts'));
      assert.equal(lenses.filter((l) => l.command?.title === 'Approve').length, 1);

      const after = await waitFor('the applied hunk to leave the review', async () => {
        const s = await inlineState();
        return s && s.hunks.length === 1 ? s : undefined;
      });
      assert.deepEqual(after.removed, [], 'no struck line left');
      assert.deepEqual(after.added, [{ line: 25, text: ADDED_SCALE }], 'two lines further down, as the file now is');
      assert.deepEqual(after.insertions, [{ line: 25, edge: 'above' }]);
      assert.equal(vscode.window.activeTextEditor!.document.lineAt(24).text, '  return values.map((v) => v * factor);');
      assert.deepEqual(after.hunks[0]!.hunkId, second!.id);

      await run(await lensAt('Reject', 25));
      view = await session!.run(record.runId);
      assert.deepEqual(view.patches[0]!.rejectedHunkIds, [second!.id]);
      assert.equal(view.patches[0]!.status, 'applied', 'every hunk is decided, one applied');
      assert.equal((await readBytes('src/math.ts')).toString('utf8'), expected, 'a rejection writes nothing');
      await waitFor('the review to end', async () => ((await inlineState()) === undefined ? true : undefined));

      // Rollback restores the exact bytes.
      await vscode.commands.executeCommand('refactorGuard.rollbackRun', { kind: 'run', runId: record.runId });
      assert.equal(sha(await readBytes('src/math.ts')), sha(math()));
    });

    test('typing in the file under review ends the review and records the patch stale; nothing is written', async () => {
      const { record } = await openInline();
      const editor = vscode.window.activeTextEditor!;
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// my note\n'));
      const { session } = await api();
      const view = await waitFor('the patch to be recorded stale', async () => {
        const v = await session!.run(record.runId);
        return v.patches[0]!.status === 'stale' ? v : undefined;
      });
      assert.match(view.decisions.find((d) => d.decision === 'stale')?.detail ?? '', /src\/math\.ts changed since the proposal/);
      await waitFor('the decorations to go', async () => ((await inlineState()) === undefined ? true : undefined));
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uriOf('src/math.ts'));
      assert.deepEqual(
        lenses.filter((l) => l.command?.command.startsWith('refactorGuard.')),
        [],
        'no lens is left',
      );
      assert.equal(sha(await readBytes('src/math.ts')), sha(math()), 'nothing written');
      assert.ok(editor.document.getText().startsWith('// my note\n'), "the user's text stays");
    });

    test('the editor title: Open Diff opens the diff editor, Approve Patch applies every pending hunk and ends the review', async () => {
      const { record } = await openInline();
      const patch = record.patches[0]!;
      const file = uriOf('src/math.ts');
      // The editor title passes the file the editor shows.
      await vscode.commands.executeCommand('refactorGuard.openPatchDiff', file);
      const input = await waitFor('the diff tab', () => {
        const t = vscode.window.tabGroups.activeTabGroup.activeTab;
        return t?.input instanceof vscode.TabInputTextDiff ? t.input : undefined;
      });
      assert.equal(input.original.fsPath, file.fsPath);
      assert.equal(input.modified.scheme, 'refactor-guard-proposal');

      await vscode.window.showTextDocument(file, { preview: false });
      await vscode.commands.executeCommand('refactorGuard.approvePatch', file);
      assert.equal(sha(await readBytes('src/math.ts')), patch.afterSha256);
      const view = await (await api()).session!.run(record.runId);
      assert.equal(view.patches[0]!.status, 'applied');
      await waitFor('the review to end', async () => ((await inlineState()) === undefined ? true : undefined));
    });

    test('closing the editor ends the review', async () => {
      await openInline();
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.window.showTextDocument(uriOf('src/math.ts'));
      assert.equal(await inlineState(), undefined);
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uriOf('src/math.ts'));
      assert.equal(lenses.filter((l) => l.command?.title === 'Approve').length, 0);
    });

    test('with review.layout "diff", a patch opens in the diff editor as before', async () => {
      const undo = await setWorkspaceSetting('review.layout', 'diff');
      try {
        const record = await propose('Check the inputs of add and scale', 'src/math.ts', 'inline-review.json');
        await vscode.commands.executeCommand('refactorGuard.openPatchDiff', {
          kind: 'patch',
          runId: record.runId,
          patchId: record.patches[0]!.id,
        });
        const input = await waitFor('the diff tab', () => {
          const t = vscode.window.tabGroups.activeTabGroup.activeTab;
          return t?.input instanceof vscode.TabInputTextDiff ? t.input : undefined;
        });
        assert.equal(input.original.fsPath, uriOf('src/math.ts').fsPath);
        await vscode.window.showTextDocument(uriOf('src/math.ts'));
        assert.equal(await inlineState(), undefined, 'no inline review');
      } finally {
        await undo();
      }
    });
  });
}
