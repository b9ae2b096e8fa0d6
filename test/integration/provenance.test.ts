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
import {
  api,
  clickInWebview,
  closeAllEditors,
  probeWebview,
  propose,
  readBytes,
  restoreFixture,
  screenshot,
  uriOf,
  waitFor,
} from './helpers';

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
      assert.match(status, new RegExp(`^Run ${runId} \\(.+\\): Partly applied, 2 patches: 1 applied, 1 rejected; max risk 0\\.41\\.$`));
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

    test("the run's badge follows its patches' decisions (Rejected, Applied, Rolled back) and names the model that answered", async () => {
      const { session } = await api();
      const badge = (id: string, label: string) =>
        waitFor(`the badge of ${id} to say ${label}`, async () => {
          const s = await testState();
          return s.posted?.run?.runId === id && s.posted.run.statusLabel === label ? s.posted.run : undefined;
        });
      const rejected = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      await vscode.commands.executeCommand(COMMANDS.showRunStatus.id, rejected.runId);
      const run = await badge(rejected.runId, 'Proposed');
      // A replay is labelled as one, with the transcript's model, never the preset's Claude model.
      assert.equal(run.provider, 'Replay of validate-inputs.json (recorded, no model called) · recorded-vscode-test');
      assert.deepEqual(
        run.modelCalls.map((c) => c.model),
        ['recorded-vscode-test'],
      );
      assert.doesNotMatch(JSON.stringify(run), /claude/i);
      await vscode.commands.executeCommand('refactorGuard.rejectPatch', {
        kind: 'patch',
        runId: rejected.runId,
        patchId: rejected.patches[0]!.id,
      });
      assert.equal((await badge(rejected.runId, 'Rejected')).status, 'proposed', 'the record still says how the run ended');

      const applied = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      await vscode.commands.executeCommand(COMMANDS.showRunStatus.id, applied.runId);
      await vscode.commands.executeCommand('refactorGuard.approvePatch', {
        kind: 'patch',
        runId: applied.runId,
        patchId: applied.patches[0]!.id,
      });
      await badge(applied.runId, 'Applied');
      await vscode.commands.executeCommand('refactorGuard.rollbackRun', { kind: 'run', runId: applied.runId });
      await badge(applied.runId, 'Rolled back');
      assert.equal((await session!.run(applied.runId)).patches[0]!.status, 'rolled_back');
    });

    test("a finding of a failed attempt opens the file as that attempt left it, at the finding's line", async () => {
      const record = await propose('Make clamp check its bounds', 'src/math.ts', 'broken-twice.json');
      assert.equal(record.status, 'no_valid_patch');
      await vscode.commands.executeCommand(COMMANDS.showRunStatus.id, record.runId);
      const run = (await shown(record.runId)).run!;
      const findingOf = (attempt: number) =>
        run.attempts
          .find((a) => a.index === attempt)!
          .after.groups.flatMap((g) => g.findings)
          .find((f) => f.blocking)!;
      const kept = record.keptAttempt ?? record.attempts.length;
      const click = async (attempt: number) => {
        const f = findingOf(attempt);
        assert.equal(f.attempt, attempt, 'the page knows whose line it is');
        await closeAllEditors();
        await vscode.commands.executeCommand(TEST_COMMANDS.provenanceMessage.id, {
          type: 'openFinding',
          file: f.file,
          line: f.line,
          column: f.column,
          runId: record.runId,
          attempt,
        });
        const editor = await waitFor('the attempt’s document', () => {
          const e = vscode.window.activeTextEditor;
          return e?.document.uri.scheme === 'refactor-guard-attempt' ? e : undefined;
        });
        return { f, editor };
      };

      // The kept attempt: its candidate, exactly, with the cursor on the finding's line.
      const { f, editor } = await click(kept);
      const store = await (await api()).session!.store();
      const candidate = new TextDecoder().decode(await store.blobs.get(record.patches[0]!.afterSha256!));
      assert.equal(editor.document.getText(), candidate);
      assert.notEqual(editor.document.getText(), (await readBytes('src/math.ts')).toString('utf8'), 'not the file as it is now');
      assert.equal(editor.selection.active.line, f.line - 1);
      assert.equal(editor.document.languageId, 'typescript');
      assert.match(editor.document.uri.path, /math \(attempt \d\)\.ts$/);
      assert.equal((await testState()).lastFinding?.kind, 'blob');
      await vscode.commands.executeCommand('notifications.hideList');
      await screenshot('attempt-finding-kept-candidate');

      // The other attempt edited the same file too: its text is not in the record, and the note says so.
      const other = kept === 1 ? 2 : 1;
      const note = await click(other);
      const text = note.editor.document.getText().replace(/\s+/g, ' ');
      assert.match(text, new RegExp(`attempt ${other} left it is not kept`));
      assert.ok(text.includes(note.f.message), text);
      assert.equal((await testState()).lastFinding?.kind, 'unknown');
      await screenshot('attempt-finding-not-kept');
    });

    test('Open Provenance in Editor shows a run in a wide editor panel: the same page, the same messages', async () => {
      await closeAllEditors();
      await vscode.commands.executeCommand(COMMANDS.openProvenanceEditor.id, { kind: 'run', runId });
      const editor = await waitFor('the editor panel to show the run', async () => {
        const s = await testState();
        return s.editor?.posted?.run?.runId === runId ? s.editor : undefined;
      });
      assert.equal(editor.title, 'Provenance: Add caching to the user service');
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      assert.ok(
        tab?.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('refactorGuard.provenanceEditor'),
        String(tab?.label),
      );
      assert.equal(editor.posted!.run!.attempts.length, 2);
      await vscode.commands.executeCommand('notifications.hideList');
      await new Promise((r) => setTimeout(r, 1000));
      await screenshot('provenance-editor-panel');

      // Its own messages: "Refresh" redraws it, a patch click opens the diff.
      const before = editor.postCount;
      await vscode.commands.executeCommand(TEST_COMMANDS.provenanceMessage.id, { type: 'command', command: 'refresh' }, 'editor');
      await waitFor('a redraw of the editor panel', async () => ((await testState()).editor!.postCount > before ? true : undefined));
      // Opened from the view title (no argument): the run the side view shows.
      await vscode.commands.executeCommand(COMMANDS.showRunStatus.id, `${runId}-b`);
      await shown(`${runId}-b`);
      await vscode.commands.executeCommand(COMMANDS.openProvenanceEditor.id);
      await waitFor('the editor panel to follow', async () =>
        (await testState()).editor?.posted?.run?.runId === `${runId}-b` ? true : undefined,
      );
      assert.equal(
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview).length,
        1,
        'one panel',
      );
    });

    test('in the narrow side view a run reads whole: its badge, and count pills on one line (screenshot)', async function () {
      await closeAllEditors();
      await vscode.commands.executeCommand('notifications.hideList');
      const fold = ['run:timeline', 'run:patches'];
      try {
        // Show Run Status scrolls the run's section into sight; the timeline and patches folded, the attempts follow.
        await vscode.commands.executeCommand(COMMANDS.showRunStatus.id, runId);
        await shown(runId);
        for (const key of fold)
          if (!(await clickInWebview(`fold-${key.replace(':', '-')}`, `details[data-key="${key}"] > summary`))) this.skip();
        await clickInWebview('open-a1-syntax', 'details[data-key="a1:after:syntax"] > summary');
        const pill = await probeWebview('side-attempts-pill', 'details[data-key="run:attempts"] > summary .count', '2 attempts, 1 repair', {
          whiteSpace: 'nowrap',
        });
        assert.equal(pill, true);
        assert.equal(await probeWebview('side-run-badge', '.run-title .badge', 'Partly applied'), true);
        await new Promise((r) => setTimeout(r, 500));
        await screenshot('provenance-side-view');
      } finally {
        for (const key of fold) await clickInWebview(`unfold-${key.replace(':', '-')}`, `details[data-key="${key}"] > summary`);
      }
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
