import * as assert from 'node:assert/strict';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TEST_COMMANDS } from '../../src/vscode/commands/commandIds';
import { api, EXTENSION_ID, propose, root, waitFor } from './helpers';

/** Test-only command (registered outside production mode): what deactivate does to the engine's warm state. */
const FLUSH_ENGINE_STATE = TEST_COMMANDS.flushEngineState.id;

export function registerLifecycleSuite(): void {
  suite('Lifecycle: file watcher and engine state', () => {
    const probe = 'src/watcher-probe.ts';

    teardown(async () => {
      await fs.rm(path.join(root(), probe), { force: true });
    });

    test('every command the extension contributes is registered (none answers "command not found")', async () => {
      await api();
      const contributed = (
        vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string }[] } }
      ).contributes.commands.map((c) => c.command);
      const all = new Set(await vscode.commands.getCommands(true));
      assert.deepEqual(
        contributed.filter((id) => !all.has(id)),
        [],
      );
    });

    test('until a run has built the symbol graph in this session, file changes neither parse files nor rewrite its disk cache', async () => {
      const { session } = await api();
      // A run loads the whole engine and leaves a graph cache on disk; dropping the warm graph then
      // gives the state of a window that loaded the engine but has not built a graph in this session.
      await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      await vscode.commands.executeCommand(FLUSH_ENGINE_STATE);
      const cacheFile = path.join(session!.cacheDir, 'symbol-graph.json');
      const read = () => (existsSync(cacheFile) ? readFileSync(cacheFile, 'utf8') : undefined);
      const before = read();

      await fs.writeFile(path.join(root(), probe), 'export const probe = 1;\n');
      // A watcher update writes the cache 2 s after the last change; wait well past that. Absence
      // can only be checked by waiting: the buggy watcher rewrites the file within the wait.
      const rewritten = await waitFor('the symbol graph cache to be rewritten', () => (read() !== before ? true : undefined), 5000).catch(
        () => false,
      );
      assert.equal(rewritten, false, 'the cache from the last session must survive until a run loads it');
    });

    test('once a run has built the symbol graph, a new file is indexed and cached', async () => {
      const { session } = await api();
      await vscode.commands.executeCommand(FLUSH_ENGINE_STATE);
      const record = await propose('Validate inputs in add and scale', 'src/math.ts', 'validate-inputs.json');
      assert.equal(record.status, 'proposed');
      const cacheFile = path.join(session!.cacheDir, 'symbol-graph.json');
      await fs.writeFile(path.join(root(), probe), 'export const probe = 2;\n');
      await waitFor(
        'the cache to hold the new file',
        () => (existsSync(cacheFile) && readFileSync(cacheFile, 'utf8').includes(probe) ? true : undefined),
        15_000,
      );
    });
  });
}
