import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/core/provenance/schema';
import {
  api,
  EXTENSION_ID,
  closeAllEditors,
  propose,
  readBytes,
  restoreFixture,
  setWorkspaceSetting,
  sha,
  treeChildren,
  typeIntoInput,
  uriOf,
  useTranscript,
} from './helpers';

export function registerProposeSuite(): void {
  suite('Propose Refactor', () => {
    let original: Buffer;

    suiteSetup(async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
      const wasActive = ext.isActive;
      const started = Date.now();
      await api();
      // A measurement for the log, not a test: activation loads the whole bundle.
      if (!wasActive) console.log(`    (activation took ${Date.now() - started} ms)`);
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
      // The time leads the label, so runs of one instruction are told apart.
      assert.match(String(run.item.label), /^(\d\d-\d\d )?\d\d:\d\d Validate inputs in add and scale$/);
      assert.equal(runs[0]!.node.kind === 'run' && runs[0]!.node.runId, record.runId, 'newest run first');
      const patches = await treeChildren(run.node);
      assert.equal(patches.length, 1);
      assert.equal(patches[0]!.item.label, 'math.ts');
      // Status first: a narrow view cuts the end of the description.
      assert.match(String(patches[0]!.item.description), /^pending · \d\.\d\d (low|medium|high)$/);
      assert.equal(patches[0]!.item.contextValue, 'patch.pending.valid');
      const { tree } = await api();
      const tooltip = (tree.resolveTreeItem(patches[0]!.item, patches[0]!.node) as vscode.TreeItem).tooltip as vscode.MarkdownString;
      assert.ok(patch.risk.factors.length > 0);
      for (const f of patch.risk.factors)
        assert.ok(tooltip.value.includes(f.label.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`)), `tooltip lists ${f.label}`);
      const hunks = await treeChildren(patches[0]!.node);
      assert.equal(hunks.length, 2);
      assert.match(String(hunks[0]!.item.label), /^Lines? \d+/);
      assert.match(String(hunks[0]!.item.description), /^pending · \d\.\d\d (low|medium|high) · \+1 -0$/);
    });

    test('from the palette with the cursor in a function: the recent instruction is offered and the function is the target', async () => {
      await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      await useTranscript('validate-inputs.json');
      const doc = await vscode.workspace.openTextDocument(uriOf('src/math.ts'));
      const editor = await vscode.window.showTextDocument(doc);
      const line = doc
        .getText()
        .split('\n')
        .findIndex((l) => l.includes('values.map'));
      editor.selection = new vscode.Selection(line, 4, line, 4);
      // No arguments: the command asks for the instruction; the recent one is the first item.
      const pending = vscode.commands.executeCommand<RunRecord>('refactorGuard.proposeRefactor');
      await new Promise((r) => setTimeout(r, 1500));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      const record = await pending;
      assert.ok(record, 'the run went ahead with the picked instruction');
      assert.equal(record.instruction, 'Validate inputs in add and scale');
      assert.deepEqual(record.targets, [{ path: 'src/math.ts', function: 'scale' }]);
    });

    test('with no preset chosen in settings, the preset is asked for, and the last one picked is offered first next time', async function () {
      await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      const undo = await setWorkspaceSetting('preset', undefined);
      const { session } = await api();
      const last = session!.context.workspaceState.get('refactorGuard.lastPreset');
      await session!.context.workspaceState.update('refactorGuard.lastPreset', undefined);
      try {
        const ask = async (preset: () => Promise<unknown>) => {
          const pending = vscode.commands.executeCommand<RunRecord>('refactorGuard.proposeRefactor', uriOf('src/math.ts'));
          await new Promise((r) => setTimeout(r, 1500));
          await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'); // the recent instruction
          await new Promise((r) => setTimeout(r, 1000));
          await preset();
          const record = await pending;
          assert.ok(record, 'the run went ahead');
          return record;
        };
        const accept = () => Promise.resolve(vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'));
        // Nothing remembered: the default (balanced) is first and preselected.
        assert.equal((await ask(accept)).preset, 'balanced');
        // Picked by typing its name (as a person filters the pick)...
        const typed = await ask(async () => {
          if (!(await typeIntoInput('preset-fast', 'fast'))) await accept();
        });
        if (typed.preset !== 'fast') this.skip(); // no harness to type (test-electron): the memory is not tested
        assert.equal(session!.context.workspaceState.get('refactorGuard.lastPreset'), 'fast');
        // ...it is first and preselected the next time: Enter repeats it.
        assert.equal((await ask(accept)).preset, 'fast');
      } finally {
        await session!.context.workspaceState.update('refactorGuard.lastPreset', last);
        await undo();
      }
    });

    test('from the explorer with several files selected: every selected file is a target', async () => {
      await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      const pending = vscode.commands.executeCommand<RunRecord>('refactorGuard.proposeRefactor', uriOf('src/math.ts'), [
        uriOf('src/math.ts'),
        uriOf('src/legacy.ts'),
      ]);
      await new Promise((r) => setTimeout(r, 1500));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      const record = await pending;
      assert.ok(record, 'the run went ahead');
      assert.deepEqual(
        record.targets.map((t) => t.path),
        ['src/math.ts', 'src/legacy.ts'],
      );
    });

    test('Re-run proposes the same instruction on the same targets again', async () => {
      const first = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      const again = await vscode.commands.executeCommand<RunRecord>('refactorGuard.rerun', { kind: 'run', runId: first.runId });
      assert.ok(again && again.runId !== first.runId);
      assert.equal(again.instruction, first.instruction);
      assert.deepEqual(again.targets, first.targets);
      assert.equal(again.preset, first.preset);
    });

    test('auto-apply writes valid patches under the risk limit, recorded as auto-apply', async () => {
      const restore = [await setWorkspaceSetting('autoApply', true), await setWorkspaceSetting('maxRisk', 0.9)];
      try {
        const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
        const patch = record.patches[0]!;
        assert.ok(patch.risk.score <= 0.9);
        assert.equal(sha(await readBytes('src/math.ts')), patch.afterSha256);
        const view = await (await api()).session!.run(record.runId);
        assert.equal(view.patches[0]!.status, 'applied');
        assert.ok(view.decisions.every((d) => d.actor === 'auto-apply'));
      } finally {
        for (const undo of restore) await undo();
      }
    });

    test('auto-apply leaves a patch above the risk limit pending', async () => {
      const restore = [await setWorkspaceSetting('autoApply', true), await setWorkspaceSetting('maxRisk', 0)];
      try {
        const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
        assert.ok(record.patches[0]!.risk.score > 0, 'the fixture patch has some risk');
        assert.equal(sha(await readBytes('src/math.ts')), sha(original));
        const view = await (await api()).session!.run(record.runId);
        assert.equal(view.patches[0]!.status, 'pending');
      } finally {
        for (const undo of restore) await undo();
      }
    });

    test('without an Anthropic key the run fails with one line that says how to set it', async function () {
      if (process.env.ANTHROPIC_API_KEY) this.skip(); // a machine with a real key would call the API
      const undo = await setWorkspaceSetting('provider', 'anthropic');
      try {
        const record = await vscode.commands.executeCommand<RunRecord>('refactorGuard.proposeRefactor', {
          instruction: 'Validate inputs in add and scale',
          targets: [{ path: 'src/math.ts' }],
          preset: 'fast',
        });
        assert.equal(record?.status, 'provider_error');
        assert.ok(!record!.error!.message.includes('\n'));
        assert.match(record!.error!.message, /Set API Key/);
        assert.equal(sha(await readBytes('src/math.ts')), sha(original));
      } finally {
        await undo();
      }
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
      assert.ok(
        titles.some((t) => t.includes('Did not pass the gates')),
        `lens titles: ${titles.join(' | ')}`,
      );
      assert.ok(!titles.includes('Approve'), 'no Approve lens on an invalid candidate');

      await vscode.commands.executeCommand('refactorGuard.approvePatch', { kind: 'patch', runId: record.runId, patchId: patch.id });
      assert.equal(sha(await readBytes('src/math.ts')), sha(original), 'the file is untouched');
      const view = await (await api()).session!.run(record.runId);
      assert.equal(view.patches[0]!.status, 'pending');
      assert.equal(view.decisions.length, 0, 'nothing was recorded as approved');
    });
  });
}
