import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/core/provenance/schema';
import { api, setWorkspaceSetting, typeIntoInput } from './helpers';

/** Must match TEST_API_KEY in scripts/vscode-test.mjs, which fails the run if it finds it on disk. */
const TEST_API_KEY = 'sk-ant-rg-integration-not-a-real-key-7f3a';

function runWithAnthropic(): Thenable<RunRecord | undefined> {
  return vscode.commands.executeCommand<RunRecord>('refactorGuard.proposeRefactor', {
    instruction: 'Validate inputs in add and scale',
    targets: [{ path: 'src/math.ts' }],
    preset: 'fast',
  });
}

/**
 * Set API Key / Clear API Key, typed as a person would. The machine is offline, so a run with a
 * stored key fails at the network, not for a missing key: that is how the test sees the key used.
 * After the run the harness searches every file it made for the key.
 */
export function registerSecretsSuite(): void {
  suite('API key in Secret Storage', () => {
    const restore: (() => Promise<void>)[] = [];

    suiteSetup(async function () {
      if (process.env.ANTHROPIC_API_KEY) this.skip(); // the environment's key would be used instead
      await api();
      restore.push(await setWorkspaceSetting('provider', 'anthropic'), await setWorkspaceSetting('anthropic.maxRetries', 0));
    });

    suiteTeardown(async () => {
      for (const undo of restore.reverse()) await undo();
      await vscode.commands.executeCommand('refactorGuard.clearApiKey');
    });

    test('Set API Key stores the key the Anthropic provider then uses; Clear API Key removes it', async function () {
      const pending = vscode.commands.executeCommand('refactorGuard.setApiKey');
      if (!(await typeIntoInput('api-key', TEST_API_KEY))) this.skip();
      await pending;

      const withKey = await runWithAnthropic();
      assert.equal(withKey?.status, 'provider_error', 'offline: the call itself fails');
      assert.notEqual(withKey!.error!.kind, 'key_missing', `the stored key was used (${withKey!.error!.message})`);
      assert.ok(!JSON.stringify(withKey).includes(TEST_API_KEY), 'the key is not in the run record');

      await vscode.commands.executeCommand('refactorGuard.clearApiKey');
      const without = await runWithAnthropic();
      assert.equal(without?.status, 'provider_error');
      assert.match(without!.error!.message, /Set API Key/);
    });
  });
}
