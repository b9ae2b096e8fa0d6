import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NodeWorkspaceFiles } from '../../../src/core/host/nodeWorkspaceFiles';
import { runRefactor } from '../../../src/core/loop/runRefactor';
import type { RunOptions } from '../../../src/core/loop/runOptions';
import { AnthropicProvider } from '../../../src/core/models/anthropic';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { readSettings } from '../../../src/core/settings';
import { startFakeAnthropic, type FakeAnthropicServer, type FakeReply } from '../../support/fakeAnthropicServer';
import { copyFixture, snapshotFiles } from '../../support/tempWorkspace';
import { FAKE_KEY } from './helpers';
import { TEST_KEY } from '../../support/testKey';

/**
 * Whole runs through the engine with the real Anthropic SDK talking to the fake Messages API: the
 * engine's conversation must be one the real API accepts (the fake refuses anything it would
 * refuse), and a provider failure must leave the workspace as it was.
 */

const DEMO = join(__dirname, '..', '..', 'fixtures', 'demo');
const transcript = JSON.parse(readFileSync(join(DEMO, 'transcript.json'), 'utf8')) as {
  replies: { text: string; toolCalls: { name: string; input: unknown }[] }[];
};

/** The demo's two replies (a patch that drops a brace, then the fix) as Messages API replies. */
const demoReplies: FakeReply[] = transcript.replies.map((r, i) => ({
  kind: 'message',
  content: [{ type: 'text', text: r.text }, ...r.toolCalls.map((c) => ({ type: 'tool_use' as const, name: c.name, input: c.input }))],
  usage:
    i === 0
      ? { input_tokens: 900, output_tokens: 190, cache_creation_input_tokens: 640 }
      : { input_tokens: 350, output_tokens: 96, cache_read_input_tokens: 1540 },
}));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('a whole run through the engine with the Anthropic provider', function () {
  this.timeout(60_000);
  let server: FakeAnthropicServer | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    await server?.close();
    cleanup?.();
    server = undefined;
    cleanup = undefined;
  });

  async function setup(script: FakeReply[], apiKey: string) {
    server = await startFakeAnthropic(script, { acceptKeys: [FAKE_KEY] });
    const ws = copyFixture(join(DEMO, 'workspace'));
    cleanup = ws.cleanup;
    const settings = readSettings({ provider: 'anthropic', 'anthropic.maxRetries': 1 });
    const opts: RunOptions = {
      instruction: 'Add caching to the user service',
      targets: [{ path: 'src/userService.ts' }],
      settings,
      preset: 'balanced',
      provider: new AnthropicProvider({ apiKey, baseURL: server.url, maxRetries: 1, timeoutMs: 30_000, model: 'claude-sonnet-5-5' }),
      files: new NodeWorkspaceFiles(ws.dir),
      store: await ProvenanceStore.open(join(ws.dir, '.refactor-guard'), { key: TEST_KEY }),
      trusted: true,
    };
    return { server, ws, opts, before: snapshotFiles(ws.dir) };
  }

  it('repairs a syntax error: the repair request answers the tool call and quotes the broken line', async () => {
    const { server, ws, opts, before } = await setup(demoReplies, FAKE_KEY);
    const run = await runRefactor(opts);

    assert.equal(run.status, 'proposed', run.error?.message);
    assert.equal(run.attempts.length, 2);
    assert.equal(server.requests.length, 2, 'both requests passed the real API’s rules');
    assert.ok(!server.log.some((l) => l.includes(' 400 ')), server.log.join('\n'));

    const repair = server.bodies[1];
    const firstReplyToolId = repair.messages[1].content.find((b: any) => b.type === 'tool_use').id;
    const last = repair.messages[repair.messages.length - 1];
    assert.equal(last.role, 'user');
    assert.equal(last.content[0].type, 'tool_result');
    assert.equal(last.content[0].tool_use_id, firstReplyToolId);

    const syntax = run.attempts[0]!.gates.flatMap((g) => g.findings).find((f) => f.introduced && f.category === 'syntax');
    assert.ok(syntax, 'the first attempt had a syntax finding');
    const repairText = last.content
      .filter((b: any) => b.type === 'text')
      .map((b: any) => b.text)
      .join('\n');
    assert.match(repairText, new RegExp(`src/userService\\.ts:${syntax.line}:${syntax.column}`));
    // The file as the first reply left it, so the quoted line can be checked word for word.
    const patch = transcript.replies[0]!.toolCalls[0]!.input as { old_string: string; new_string: string };
    const broken = readFileSync(join(DEMO, 'workspace', 'src', 'userService.ts'), 'utf8')
      .replace(patch.old_string, patch.new_string)
      .split('\n');
    assert.ok(repairText.includes(`${syntax.line} | ${broken[syntax.line - 1]}`), 'the broken line is quoted with its number');

    assert.deepEqual(
      run.modelCalls.map((c) => [c.phase, c.provider, c.model, c.cacheReadTokens, c.cacheWriteTokens]),
      [
        ['generate', 'anthropic', 'claude-sonnet-5-5', 0, 640],
        ['repair', 'anthropic', 'claude-sonnet-5-5', 1540, 0],
      ],
    );
    assert.equal(run.patches.length, 1);
    assert.equal(run.patches[0]!.valid, true);
    assert.deepEqual(snapshotFiles(ws.dir), before, 'a proposal writes nothing');
  });

  it('a rejected key ends the run with provider_error, the files untouched and the key nowhere in the store', async () => {
    const wrongKey = `${FAKE_KEY}-revoked`;
    const { server, ws, opts, before } = await setup(demoReplies, wrongKey);
    const run = await runRefactor(opts);

    assert.equal(run.status, 'provider_error');
    assert.equal(run.error?.kind, 'key_rejected');
    assert.match(run.error!.message, /rejected the API key/);
    assert.equal(server.requests.length, 1, 'a 401 is not retried');
    assert.equal(run.patches.length, 0);
    assert.deepEqual(snapshotFiles(ws.dir), before);
    for (const file of filesUnder(join(ws.dir, '.refactor-guard'))) {
      assert.ok(!readFileSync(file, 'utf8').includes('FAKEKEY'), `the key leaked into ${file}`);
    }
  });
});
