import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/vscode/commands/commandIds';
import { EXTENSION_ID, keepFixture, probeWebview, propose, readBytes, root, sha } from './helpers';

/**
 * What must work from the packaged extension as well as from this folder: the harness's vsix pass
 * installs the .vsix `npm run package` builds and runs this suite (with Rollback) against it, so a
 * file the .vscodeignore allowlist forgets (a grammar, the page script, a prompt) fails here. It
 * uses only what a user has: contributed commands, the extension's exports, and what the page draws
 * (the harness looks into the webview), never the test-only commands a packaged build lacks.
 */
export function registerPackagedSuite(): void {
  suite('Packaged: propose, approve, rollback and the Provenance page', () => {
    const math = keepFixture('src/math.ts');

    test('the extension under test is the one the pass means: installed from the .vsix, or this folder', () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
      // The harness lays out one folder per pass: workspace/, extensions/, user-data/...
      const installed = path.join(path.dirname(root()), 'extensions') + path.sep;
      if (process.env.RG_VSCODE_TEST_VSIX)
        assert.ok(ext.extensionPath.startsWith(installed), `${ext.extensionPath} is not under ${installed}`);
      else assert.ok(!ext.extensionPath.startsWith(installed), ext.extensionPath);
      assert.ok(existsSync(path.join(ext.extensionPath, 'dist', 'extension.js')));
    });

    test('a guarded run through every gate, approved, then rolled back to the exact bytes', async () => {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      assert.equal(record.status, 'proposed', record.error?.message);
      const gates = record.attempts[0]!.gates.map((g) => g.gate);
      assert.ok(gates.includes('syntax') && gates.includes('typescript'), gates.join(', '));
      assert.ok(record.attempts[0]!.gates.every((g) => !g.findings.some((f) => f.tool === 'internal')));
      const patch = record.patches[0]!;
      await vscode.commands.executeCommand('refactorGuard.approvePatch', { kind: 'patch', runId: record.runId, patchId: patch.id });
      assert.equal(sha(await readBytes('src/math.ts')), patch.afterSha256);
      await vscode.commands.executeCommand('refactorGuard.rollbackRun', { kind: 'run', runId: record.runId });
      assert.equal(sha(await readBytes('src/math.ts')), sha(math()));
    });

    test('the Provenance page draws the run, in the side view and in the editor panel', async function () {
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      await vscode.commands.executeCommand(COMMANDS.showRunStatus.id, record.runId);
      const side = await probeWebview('packaged-side-view', '.run-header code.wrap', record.runId);
      if (side === undefined) this.skip(); // no harness to look into webviews (test-electron)
      assert.equal(side, true, 'the side view drew the run (page script, styles and codicons shipped)');
      await vscode.commands.executeCommand(COMMANDS.openProvenanceEditor.id, { kind: 'run', runId: record.runId });
      // Drawn with the shipped styles: page.css's pill, codicon.css's font.
      const pill = { selector: 'details[data-key="run:attempts"] .count', text: '1 attempt, 0 repairs', style: { whiteSpace: 'nowrap' } };
      assert.equal(await probeWebview('packaged-editor-panel', pill.selector, pill.text, pill.style), true);
      assert.equal(await probeWebview('packaged-codicons', '.run-header .codicon-history', undefined, { fontFamily: 'codicon' }), true);
    });
  });
}
