import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  api,
  clickButton,
  closeAllEditors,
  propose,
  readBytes,
  restoreFixture,
  screenshot,
  setWorkspaceSetting,
  sha,
  waitFor,
} from './helpers';

const LM_EXTENSION_ID = 'refactor-guard-test.rg-test-language-model';

interface SeenRequest {
  turns: { role: 'user' | 'assistant'; parts: { type: string; value?: string; callId?: string; name?: string; content?: string }[] }[];
  tools: { name: string; inputSchema: { properties?: Record<string, unknown> } }[];
}

/**
 * The vscode-lm provider against VS Code's real Language Model API: a second development
 * extension (test/fixtures/vscode/lm-extension) registers a chat model that replays a transcript.
 * Needs VS Code 1.104+ (registerLanguageModelChatProvider); skipped on older engines.
 */
export function registerVscodeLmSuite(): void {
  suite('vscode-lm provider', () => {
    let math: Buffer;
    let requests: SeenRequest[];
    const restore: (() => Promise<void>)[] = [];

    suiteSetup(async function () {
      const lm = vscode.extensions.getExtension<{ requests: SeenRequest[] }>(LM_EXTENSION_ID);
      if (!lm || typeof (vscode.lm as { registerLanguageModelChatProvider?: unknown }).registerLanguageModelChatProvider !== 'function')
        this.skip();
      requests = (await lm!.activate()).requests;
      await api();
      math = await readBytes('src/math.ts');
      restore.push(await setWorkspaceSetting('provider', 'vscode-lm'), await setWorkspaceSetting('vscodeLm.family', 'rg-test'));
    });

    suiteTeardown(async () => {
      for (const undo of restore.reverse()) await undo();
    });

    teardown(async () => {
      await closeAllEditors();
      await restoreFixture('src/math.ts', math);
    });

    test('a run through the Language Model API: tools offered, calls applied, results paired with their calls', async () => {
      requests.length = 0;
      const record = await propose('Make clamp check its bounds', 'src/math.ts', 'repair-clamp.json');
      assert.equal(record.status, 'proposed', record.error?.message);
      assert.equal(record.attempts.length, 2, 'generate, then a repair after the syntax gate');
      assert.equal(record.patches[0]!.valid, true);
      assert.equal(record.modelCalls[0]!.provider, 'vscode-lm');
      assert.match(record.modelCalls[0]!.model, /rg-test/);
      assert.ok(record.modelCalls[0]!.inputTokens > 0, "tokens counted with the model's tokenizer");

      assert.equal(requests.length, 2);
      const [first, second] = requests;
      assert.deepEqual(first!.tools.map((t) => t.name).sort(), ['patch_file', 'write_file']);
      assert.ok(
        first!.tools.every((t) => t.inputSchema.properties && 'path' in t.inputSchema.properties),
        'input schemas from the zod tool schemas',
      );
      assert.equal(first!.turns[0]!.role, 'user', 'the system prompt goes first, as a user message');
      assert.ok(first!.turns.some((t) => t.parts.some((p) => p.value?.includes('Make clamp check its bounds'))));
      // The repair request carries the first call and its result under the same id.
      const call = second!.turns.flatMap((t) => (t.role === 'assistant' ? t.parts : [])).find((p) => p.type === 'toolCall');
      const result = second!.turns.flatMap((t) => (t.role === 'user' ? t.parts : [])).find((p) => p.type === 'toolResult');
      assert.equal(call?.callId, 'toolu_generate_1');
      assert.equal(call?.name, 'patch_file');
      assert.equal(result?.callId, 'toolu_generate_1');
    });

    test('Cancel on the progress notification stops the run, and nothing is written', async function () {
      requests.length = 0;
      const pending = propose('Make clamp check its bounds', 'src/math.ts', 'wait-for-cancel.json');
      await waitFor('the model to be asked', () => (requests.length > 0 ? true : undefined), 30_000);
      // Toasts stay hidden while extension tests run; the notification center shows the same item.
      await vscode.commands.executeCommand('notifications.showList');
      await screenshot('progress-notification');
      if (!(await clickButton('cancel-run', '.notifications-center', 'Cancel'))) this.skip();
      const record = await pending;
      assert.equal(record.status, 'cancelled');
      assert.equal(record.patches.length, 0);
      assert.equal(sha(await readBytes('src/math.ts')), sha(math), 'the file is untouched');
    });

    test('a refusal from the model (LanguageModelError Blocked) is one line saying what to do', async () => {
      const record = await propose('Make clamp check its bounds', 'src/math.ts', 'blocked.json');
      assert.equal(record.status, 'provider_error');
      assert.equal(record.error?.kind, 'rate_limited', record.error?.message);
      assert.ok(!record.error!.message.includes('\n'));
      assert.match(record.error!.message, /blocked the request/);
      assert.equal(sha(await readBytes('src/math.ts')), sha(math));
    });

    test('a model family that is not installed fails the run with one line naming the setting', async () => {
      const undo = await setWorkspaceSetting('vscodeLm.family', 'no-such-family');
      const record = await propose('Make clamp check its bounds', 'src/math.ts', 'repair-clamp.json').finally(undo);
      assert.equal(record.status, 'provider_error');
      assert.ok(record.error, 'the failure is recorded');
      assert.ok(!record.error.message.includes('\n'), 'one line');
      assert.match(record.error.message, /refactorGuard\.vscodeLm\.family/);
    });
  });
}
