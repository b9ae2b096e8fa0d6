import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { keepFixture, propose, root, setWorkspaceSetting } from './helpers';

/**
 * Workspace trust: the project's test command is workspace code, so the test gate runs it only in
 * a trusted folder. The harness runs this suite twice: trusted (the first test) and, in a second
 * pass with workspace trust on, untrusted (the second), where the command comes from the user's
 * settings because VS Code ignores a restricted setting's workspace value there.
 */
export function registerUntrustedSuite(): void {
  suite('Untrusted workspace', () => {
    keepFixture('src/math.ts');

    test("trusted: the test gate runs the project's test command", async function () {
      if (!vscode.workspace.isTrusted) this.skip();
      // The tests run sealed off (they cannot write outside their copy), so the command proves it
      // ran by what it says: it passes on the untouched copy and fails on the candidate.
      const undo = await setWorkspaceSetting(
        'testCommand',
        `node -e "process.exit(require('fs').readFileSync('src/math.ts', 'utf8').includes('RangeError') ? 1 : 0)"`,
      );
      try {
        const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
        const gate = record.attempts[0]!.gates.find((g) => g.gate === 'tests');
        assert.ok(gate, 'the test gate is part of the run');
        assert.equal(gate.skipped, undefined);
        assert.ok(
          gate.findings.some((f) => f.category === 'test_failure' && f.introduced),
          `the command ran on the baseline and on the candidate: ${JSON.stringify(gate.findings)}`,
        );
      } finally {
        await undo();
      }
    });

    test("untrusted: the test gate never runs the project's test command", async function () {
      if (vscode.workspace.isTrusted) this.skip();
      const configured = vscode.workspace.getConfiguration('refactorGuard').get<string>('testCommand');
      assert.ok(configured, 'the harness put a test command in the user settings');
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      assert.equal(record.status, 'proposed', 'the other gates and the review still work');
      const gate = record.attempts[0]!.gates.find((g) => g.gate === 'tests');
      assert.equal(gate?.skipped, 'workspace is not trusted');
      assert.ok(!existsSync(path.join(path.dirname(root()), 'test-command-ran')), 'the command did not run');
    });
  });
}
