import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { recordFileName } from '../../src/core/provenance/records';
import { StoreRecordSchema } from '../../src/core/provenance/schema';
import type { VerifyResult } from '../../src/core/provenance/verify';
import type { ProvenanceExport } from '../../src/vscode/provenance/exportDocument';
import { COMMANDS, TEST_COMMANDS } from '../../src/vscode/commands/commandIds';
import type { ProvenanceTestState } from '../../src/vscode/provenance/index';
import type { PanelVM } from '../../src/vscode/provenance/protocol';
import { SAMPLE_BLOBS, SHA_A, sampleDecisions, sampleRun } from '../unit/provenance-view/sampleRun';
import { api, closeAllEditors, propose, readBytes, restoreFixture, screenshot, uriOf, waitFor } from './helpers';

/**
 * The Provenance view and its palette commands inside a real VS Code. What the page draws is
 * asserted on the view model the extension posted to it (a test-only command returns it), and
 * clicks are the same messages the page sends.
 */
export function registerProvenanceSuite(): void {
  suite('Provenance: view and palette commands', () => {
    let math: Buffer;
    /** A large synthetic run: two attempts, 300 extra findings, three decisions. */
    const runId = `prov-it-${Date.now()}`;

    suiteSetup(async () => {
      const { session } = await api();
      math = await readBytes('src/math.ts');
      const store = await session!.store();
      for (const bytes of SAMPLE_BLOBS) await store.blobs.put(bytes);
      await store.appendRun(sampleRun({ runId, extraFindings: 300 }));
      for (const d of sampleDecisions(runId)) await store.appendDecision(d);
    });

    suiteTeardown(async () => {
      await closeAllEditors();
      await restoreFixture('src/math.ts', math);
    });

    const testState = () => vscode.commands.executeCommand<ProvenanceTestState>(TEST_COMMANDS.provenanceState.id);
    const shown = (id: string) =>
      waitFor<PanelVM>(`the panel to show ${id}`, async () => {
        const s = await testState();
        return s.posted?.run?.runId === id ? s.posted : undefined;
      });

    test('the panel renders the picked run: statistics, timeline, model calls, findings by category, patches, decisions', async () => {
      const status = await vscode.commands.executeCommand<string>(COMMANDS.showRunStatus.id, runId);
      assert.match(status, new RegExp(`^Run ${runId} \\(.+\\): Proposed, 2 patches: 1 applied, 1 rejected; max risk 0\\.41\\.$`));
      const model = await shown(runId);
      const run = model.run!;
      assert.equal(run.pinned, true);
      assert.equal(run.instruction, 'Add caching to the user service');
      assert.deepEqual(run.targets, ['src/user.ts (getUser)', 'src/cache.ts']);
      assert.ok(model.stats!.totalRuns >= 1);
      assert.deepEqual(
        run.timeline.filter((e) => e.depth === 0 && e.kind === 'phase').map((e) => e.label),
        ['context', 'generate 1', 'gates 1', 'repair 2', 'gates 2', 'risk'],
      );
      assert.deepEqual(
        run.modelCalls.map((c) => [c.phase, c.retries]),
        [
          ['generate', 0],
          ['repair', 1],
        ],
      );
      assert.deepEqual(
        run.attempts[0]!.after.groups.map((g) => [g.category, g.count]),
        [
          ['syntax', 1],
          ['undefined_name', 150],
          ['type_mismatch', 1],
          ['rule', 150],
        ],
      );
      assert.equal(run.attempts[1]!.beforeAttempt, 1);
      assert.deepEqual(
        run.patches.map((p) => [p.file, p.status, p.beforeSha.short]),
        [
          ['src/user.ts', 'Applied', SHA_A.slice(0, 8)],
          ['src/cache.ts', 'Rejected', 'new file'],
        ],
      );
      assert.deepEqual(
        run.decisions.map((d) => [d.decision, d.actor]),
        [
          ['approve', 'vscode:ana'],
          ['apply', 'vscode:ana'],
          ['reject', 'vscode:ana'],
        ],
      );
      await new Promise((r) => setTimeout(r, 1000));
      await screenshot('provenance-panel');
    });

    test('the page is rebuilt after being hidden and asks for the same run again', async () => {
      await vscode.commands.executeCommand(COMMANDS.showRunStatus.id, runId);
      await shown(runId);
      const before = (await testState()).postCount;
      await vscode.commands.executeCommand('workbench.view.explorer');
      await vscode.commands.executeCommand('refactorGuard.provenance.focus');
      const after = await waitFor('a render after showing the view again', async () => {
        const s = await testState();
        return s.postCount > before ? s : undefined;
      });
      assert.equal(after.posted?.run?.runId, runId);
    });

    test('List Runs picks a run into the panel; Show Statistics counts every run', async () => {
      const { session } = await api();
      const store = await session!.store();
      await store.appendRun(sampleRun({ runId: `${runId}-b`, instruction: 'Rename getUser to fetchUser' }));
      const [newest] = await store.listRuns({ limit: 1 });
      assert.equal(newest!.runId, `${runId}-b`);
      await vscode.commands.executeCommand(COMMANDS.showRunStatus.id, runId);
      await shown(runId);
      const picking = vscode.commands.executeCommand<string | undefined>(COMMANDS.listRuns.id);
      // The quick pick lists runs newest first; accept the first row as a person pressing Enter
      // would, again until it takes (the pick may not be open yet on a slow machine).
      let settled = false;
      void picking.then(() => (settled = true));
      await waitFor('the quick pick to accept', async () => {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        await new Promise((r) => setTimeout(r, 250));
        return settled ? true : undefined;
      });
      assert.equal(await picking, newest!.runId);
      const model = await shown(newest!.runId);
      assert.equal(model.run!.pinned, true);

      const stats = await vscode.commands.executeCommand<{ totalRuns: number }>(COMMANDS.showStatistics.id);
      assert.equal(stats.totalRuns, (await store.listRuns()).length);
    });

    test('clicking a patch opens its diff, clicking a finding opens the file at its line', async () => {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      await vscode.commands.executeCommand(COMMANDS.showRunStatus.id, record.runId);
      const model = await shown(record.runId);
      const patch = model.run!.patches[0]!;
      await vscode.commands.executeCommand(TEST_COMMANDS.provenanceMessage.id, {
        type: 'openPatch',
        runId: record.runId,
        patchId: patch.id,
      });
      const tab = await waitFor('the diff tab', () => {
        const t = vscode.window.tabGroups.activeTabGroup.activeTab;
        return t?.input instanceof vscode.TabInputTextDiff ? t : undefined;
      });
      const input = tab.input as vscode.TabInputTextDiff;
      assert.equal(input.original.fsPath, uriOf('src/math.ts').fsPath);
      assert.equal(input.modified.scheme, 'refactor-guard-proposal');

      await closeAllEditors();
      await vscode.commands.executeCommand(TEST_COMMANDS.provenanceMessage.id, {
        type: 'openFinding',
        file: 'src/math.ts',
        line: 3,
        column: 5,
      });
      const editor = await waitFor('the finding’s file', () => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.fsPath === uriOf('src/math.ts').fsPath ? e : undefined;
      });
      assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [2, 4]);

      // A path from the page that leaves the workspace is refused, not opened.
      await vscode.commands.executeCommand(TEST_COMMANDS.provenanceMessage.id, {
        type: 'openFinding',
        file: '../outside.ts',
        line: 1,
        column: 1,
      });
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, uriOf('src/math.ts').fsPath);
    });

    test('Export Provenance writes schema-valid JSON for one run and for all runs', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rg-export-'));
      try {
        const one = vscode.Uri.file(path.join(dir, 'one.json'));
        const written = await vscode.commands.executeCommand<vscode.Uri>(COMMANDS.exportProvenance.id, runId, one);
        assert.equal(written?.fsPath, one.fsPath);
        const doc = JSON.parse(await fs.readFile(one.fsPath, 'utf8')) as ProvenanceExport;
        assert.equal(doc.format, 'refactor-guard-provenance');
        assert.equal(doc.scope, runId);
        const records = doc.records.map((r) => StoreRecordSchema.parse(r));
        assert.deepEqual(
          records.map((r) => r.kind),
          ['run', 'decision', 'decision', 'decision'],
        );
        assert.ok(records.every((r) => (r.kind === 'run' || r.kind === 'decision') && r.runId === runId));

        const all = vscode.Uri.file(path.join(dir, 'all.json'));
        await vscode.commands.executeCommand(COMMANDS.exportProvenance.id, 'all', all);
        const everything = (JSON.parse(await fs.readFile(all.fsPath, 'utf8')) as ProvenanceExport).records.map((r) =>
          StoreRecordSchema.parse(r),
        );
        assert.ok(everything.length >= records.length);
        assert.ok(everything.some((r) => r.kind === 'run' && r.runId === runId));
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });

    test('Verify Provenance names the record file that was edited by hand', async () => {
      const { session } = await api();
      const store = await session!.store();
      const intact = await vscode.commands.executeCommand<VerifyResult>(COMMANDS.verifyProvenance.id);
      assert.equal(intact.ok, true, JSON.stringify(intact.problems));

      const { run } = await store.getRun(runId);
      const rel = `records/${recordFileName(run.seq)}`;
      const file = path.join(store.dir, rel);
      const original = await fs.readFile(file, 'utf8');
      await fs.writeFile(file, original.replace('Add caching to the user service', 'Add caching to the admin service'));
      try {
        const broken = await vscode.commands.executeCommand<VerifyResult>(COMMANDS.verifyProvenance.id);
        assert.equal(broken.ok, false);
        assert.equal(broken.problems.length, 1, JSON.stringify(broken.problems));
        assert.equal(broken.problems[0]!.file, rel);
        assert.equal(broken.problems[0]!.kind, 'edited');
        assert.ok(broken.problems[0]!.message.includes(rel), broken.problems[0]!.message);
      } finally {
        await fs.writeFile(file, original);
      }
      const again = await vscode.commands.executeCommand<VerifyResult>(COMMANDS.verifyProvenance.id);
      assert.equal(again.ok, true);
    });
  });
}
