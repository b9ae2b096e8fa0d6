import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeWorkspaceFiles } from '../../../src/core/host/nodeWorkspaceFiles';
import { runRefactor, RunInputError } from '../../../src/core/loop/runRefactor';
import type { RunOptions } from '../../../src/core/loop/runOptions';
import { ReplayProvider, type Transcript } from '../../../src/core/models/replay';
import { ProviderError, type ModelProvider, type ModelRequest } from '../../../src/core/models/provider';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { readSettings } from '../../../src/core/settings';
import { copyFixture, snapshotFiles } from '../../support/tempWorkspace';
import { checkMessagesRequest } from '../../support/anthropicRequestRules';
import { toAnthropicParams } from '../../../src/core/models/anthropicMapping';
import { TEST_KEY } from '../../support/testKey';

const DEMO = join(__dirname, '..', '..', 'fixtures', 'demo');
const demoTranscript = (): Transcript => JSON.parse(readFileSync(join(DEMO, 'transcript.json'), 'utf8')) as Transcript;

/** Records every request it passes on, so tests can read what the engine sent. */
class Recording implements ModelProvider {
  readonly id: string;
  readonly label: string;
  readonly requests: ModelRequest[] = [];
  constructor(private readonly inner: ModelProvider) {
    this.id = inner.id;
    this.label = inner.label;
  }
  complete(request: ModelRequest) {
    this.requests.push(structuredClone({ ...request, signal: undefined, onProgress: undefined }));
    return this.inner.complete(request);
  }
}

async function setup(transcript: Transcript, settings: Record<string, unknown> = {}) {
  const ws = copyFixture(join(DEMO, 'workspace'));
  const store = await ProvenanceStore.open(join(ws.dir, '.refactor-guard'), { key: TEST_KEY });
  const provider = new Recording(new ReplayProvider(transcript));
  const before = snapshotFiles(ws.dir);
  const opts: RunOptions = {
    instruction: 'Add caching to the user service',
    targets: [{ path: 'src/userService.ts' }],
    settings: readSettings({ provider: 'replay', ...settings }),
    preset: (settings.preset as 'fast' | 'balanced' | 'quality') ?? 'balanced',
    provider,
    files: new NodeWorkspaceFiles(ws.dir),
    store,
    trusted: true,
  };
  return { ws, store, provider, before, opts };
}

const OLD = '  async getUser(id: string): Promise<User | undefined> {\n    return this.repo.findById(id);\n  }';

describe('runRefactor', function () {
  this.timeout(60000);

  it('repairs a broken first attempt with the syntax finding and proposes a valid patch, writing nothing', async () => {
    const { ws, store, provider, before, opts } = await setup(demoTranscript());
    try {
      const run = await runRefactor(opts);
      assert.equal(run.status, 'proposed');
      assert.equal(run.attempts.length, 2);
      assert.equal(run.attempts[0]!.success, false);
      assert.ok(run.attempts[0]!.gates.some((g) => g.gate === 'syntax' && g.findings.some((f) => f.introduced && f.category === 'syntax')));
      assert.equal(run.attempts[1]!.success, true);
      assert.equal(run.attempts[1]!.errorsIn, run.attempts[0]!.errorsOut);
      // The repair request answers the tool call and quotes the error's line.
      const repair = provider.requests[1]!;
      const last = repair.messages[repair.messages.length - 1]!;
      assert.equal(last.role, 'user');
      assert.equal(last.content[0]!.type, 'tool_result');
      const text = last.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      const syntax = run.attempts[0]!.gates.flatMap((g) => g.findings).find((f) => f.category === 'syntax')!;
      assert.match(text, new RegExp(`src/userService\\.ts:${syntax.line}:${syntax.column}`));
      assert.equal(run.patches.length, 1);
      const patch = run.patches[0]!;
      assert.equal(patch.valid, true);
      assert.deepEqual(patch.matchKinds, ['exact']);
      assert.ok(patch.diff.includes('+  private readonly cache'));
      assert.ok(patch.risk.score > 0 && patch.risk.score < 1);
      assert.equal(run.modelCalls.length, 2);
      assert.deepEqual(
        run.modelCalls.map((c) => c.phase),
        ['generate', 'repair'],
      );
      assert.deepEqual(snapshotFiles(ws.dir), before, 'a run never writes the workspace');
      // The proposal's bytes are in the store for a later apply.
      const proposed = Buffer.from(await store.blobs.get(patch.afterSha256!)).toString('utf8');
      assert.ok(proposed.includes('this.cache.set(id, user);'));
      assert.equal((await store.verify()).ok, true);
    } finally {
      ws.cleanup();
    }
  });

  it('keeps the best candidate, marked invalid, when the budget runs out', async () => {
    const t = demoTranscript();
    const { ws, before, opts } = await setup(
      {
        ...t,
        replies: [
          t.replies[0]!,
          {
            ...t.replies[0]!,
            phase: 'repair',
            expectRequestIncludes: [],
            toolCalls: [{ name: 'patch_file', input: { path: 'src/userService.ts', old_string: 'no such text', new_string: 'x' } }],
          },
        ],
      },
      { preset: 'fast' },
    );
    try {
      const run = await runRefactor(opts);
      assert.equal(run.status, 'no_valid_patch');
      assert.equal(run.attempts.length, 2, 'fast allows one repair round');
      assert.equal(run.patches.length, 1);
      assert.equal(run.patches[0]!.valid, false);
      assert.ok(run.patches[0]!.findings.some((f) => f.category === 'syntax'));
      assert.deepEqual(snapshotFiles(ws.dir), before);
    } finally {
      ws.cleanup();
    }
  });

  it('feeds a malformed tool input and an escaping path back to the model instead of failing', async () => {
    const fixed = demoTranscript().replies[0]!.toolCalls[0]!;
    const goodNew =
      '  async getUser(id: string): Promise<User | undefined> {\n    const user = await this.repo.findById(id);\n    return user;\n  }';
    const { ws, before, opts, provider } = await setup({
      replies: [
        {
          phase: 'generate',
          toolCalls: [
            { name: 'patch_file', input: { path: 'src/userService.ts', old_string: OLD } },
            { name: 'write_file', input: { path: '../outside.ts', content: 'x' } },
          ],
        },
        { phase: 'repair', toolCalls: [{ name: 'patch_file', input: { ...(fixed.input as object), new_string: goodNew } }] },
      ],
    } as Transcript);
    try {
      const run = await runRefactor(opts);
      assert.equal(run.status, 'proposed');
      const refused = run.attempts[0]!.edits.filter((e) => !e.ok);
      assert.equal(refused.length, 2);
      assert.match(refused[0]!.error!, /new_string/);
      assert.match(refused[1]!.error!, /outside the workspace/);
      const results = provider.requests[1]!.messages.at(-1)!.content.filter((b) => b.type === 'tool_result');
      assert.equal(results.length, 2);
      assert.ok(results.every((b) => b.type === 'tool_result' && b.isError));
      assert.deepEqual(snapshotFiles(ws.dir), before);
    } finally {
      ws.cleanup();
    }
  });

  it('sends only requests the Messages API accepts: a reply without tool calls, then a refused call beside a good one', async () => {
    const fixed = demoTranscript().replies[0]!.toolCalls[0]!;
    const goodNew =
      '  async getUser(id: string): Promise<User | undefined> {\n    const user = await this.repo.findById(id);\n    return user;\n  }';
    const { ws, opts, provider } = await setup({
      replies: [
        { phase: 'generate', text: 'Let me think about it.' },
        {
          phase: 'repair',
          text: '',
          toolCalls: [
            { name: 'write_file', input: { path: 'src/other.ts', content: 'x' } },
            { name: 'patch_file', input: { ...(fixed.input as object), new_string: goodNew.replace('return user;', 'return user') } },
          ],
        },
        {
          phase: 'repair',
          toolCalls: [
            { name: 'patch_file', input: { path: 'src/userService.ts', old_string: 'return user\n', new_string: 'return user;\n' } },
          ],
        },
      ],
    } as Transcript);
    try {
      const run = await runRefactor(opts);
      assert.equal(run.attempts.length, 3);
      assert.equal(provider.requests.length, 3);
      for (const [i, request] of provider.requests.entries()) {
        assert.equal(checkMessagesRequest(toAnthropicParams(request)), undefined, `request ${i + 1}`);
      }
    } finally {
      ws.cleanup();
    }
  });

  it('records a provider error as the run outcome and leaves the files untouched', async () => {
    const { ws, before, opts } = await setup(demoTranscript());
    const failing: ModelProvider = {
      id: 'anthropic',
      label: 'failing',
      complete: async () => {
        throw new ProviderError('key_rejected', 'The Anthropic API rejected the key (401).');
      },
    };
    try {
      const run = await runRefactor({ ...opts, provider: failing });
      assert.equal(run.status, 'provider_error');
      assert.equal(run.error?.kind, 'key_rejected');
      assert.equal(run.patches.length, 0);
      assert.equal(run.modelCalls[0]!.error, 'The Anthropic API rejected the key (401).');
      assert.deepEqual(snapshotFiles(ws.dir), before);
    } finally {
      ws.cleanup();
    }
  });

  it('stops on cancellation mid-run, records it and writes nothing', async () => {
    const { ws, before, opts } = await setup(demoTranscript());
    const controller = new AbortController();
    const replay = new ReplayProvider(demoTranscript());
    const cancelling: ModelProvider = {
      id: 'replay',
      label: 'cancelling',
      complete: async (req) => {
        const reply = await replay.complete(req);
        controller.abort(); // the user cancels while the first candidate is being validated
        return reply;
      },
    };
    try {
      const run = await runRefactor({ ...opts, provider: cancelling, signal: controller.signal });
      assert.equal(run.status, 'cancelled');
      assert.equal(run.patches.length, 0);
      assert.equal(replay.remaining, 1, 'no repair call after cancelling');
      assert.deepEqual(snapshotFiles(ws.dir), before);
    } finally {
      ws.cleanup();
    }
  });

  it('a cancel that arrives while the proposal is being scored still ends the run cancelled, with no patch to apply', async () => {
    const { ws, before, opts, store } = await setup(demoTranscript());
    const controller = new AbortController();
    const put = store.blobs.put.bind(store.blobs);
    store.blobs.put = async (bytes: Uint8Array) => {
      controller.abort(); // Ctrl-C while the patches are built and their risk scored
      return put(bytes);
    };
    try {
      const run = await runRefactor({ ...opts, signal: controller.signal });
      assert.equal(run.status, 'cancelled');
      assert.equal(run.patches.length, 0);
      assert.deepEqual(snapshotFiles(ws.dir), before);
    } finally {
      ws.cleanup();
    }
  });

  it('refuses targets outside the workspace or missing, before any model call', async () => {
    const { ws, opts, provider } = await setup(demoTranscript());
    try {
      await assert.rejects(runRefactor({ ...opts, targets: [{ path: '../etc/passwd' }] }), RunInputError);
      await assert.rejects(runRefactor({ ...opts, targets: [{ path: '/etc/passwd' }] }), RunInputError);
      await assert.rejects(runRefactor({ ...opts, targets: [{ path: 'src/missing.ts' }] }), /does not exist/);
      await assert.rejects(
        runRefactor({ ...opts, targets: [{ path: 'src/userService.ts', function: 'noSuchFunction' }] }),
        /has no function noSuchFunction/,
      );
      assert.equal(provider.requests.length, 0);
    } finally {
      ws.cleanup();
    }
  });

  it('preserves CRLF line endings and a BOM in the proposal', async () => {
    const { ws, store, opts } = await setup(demoTranscript());
    try {
      const file = join(ws.dir, 'src', 'userService.ts');
      const crlf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(readFileSync(file, 'utf8').replace(/\n/g, '\r\n'))]);
      writeFileSync(file, crlf);
      const run = await runRefactor(opts);
      assert.equal(run.status, 'proposed');
      const bytes = Buffer.from(await store.blobs.get(run.patches[0]!.afterSha256!));
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const text = bytes.subarray(3).toString('utf8');
      assert.equal(text.split('\r\n').length - 1, text.split('\n').length - 1, 'every line ends in CRLF');
      assert.ok(text.includes('this.cache.set(id, user);\r\n'));
    } finally {
      ws.cleanup();
    }
  });

  it('counts the files that use a changed public symbol in the risk score (blast radius from the symbol graph)', async () => {
    const { ws, opts } = await setup({
      replies: [
        {
          phase: 'generate',
          toolCalls: [
            {
              name: 'patch_file',
              input: {
                path: 'src/userService.ts',
                old_string: '  async getDisplayName(id: string): Promise<string> {',
                new_string: "  async getDisplayName(id: string, fallback = 'unknown'): Promise<string> {",
              },
            },
          ],
        },
        {
          phase: 'repair',
          toolCalls: [
            {
              name: 'patch_file',
              input: {
                path: 'src/userService.ts',
                old_string: "return user ? user.name : 'unknown';",
                new_string: 'return user ? user.name : fallback;',
              },
            },
          ],
        },
      ],
    } as Transcript);
    try {
      const run = await runRefactor({ ...opts, cacheDir: join(ws.dir, '.refactor-guard', 'cache') });
      const factor = run.patches[0]!.risk.factors.find((f) => f.id === 'public_symbols')!;
      // getDisplayName changed its signature and src/app.ts calls it: one symbol plus one file.
      assert.ok(factor.value >= 2, `public_symbols value ${factor.value}: ${factor.detail}`);
    } finally {
      ws.cleanup();
    }
  });

  it('quality: a plan call comes first, without tools, and the plan reaches the generate prompt and the record', async () => {
    const t = demoTranscript();
    const { ws, opts, provider } = await setup(
      {
        ...t,
        replies: [
          { phase: 'plan', text: 'Change getUser in src/userService.ts: memoise with a Map keyed by id.', toolCalls: [] },
          ...t.replies,
        ],
      } as Transcript,
      { preset: 'quality' },
    );
    try {
      const run = await runRefactor(opts);
      assert.equal(run.status, 'proposed');
      assert.equal(run.plan, 'Change getUser in src/userService.ts: memoise with a Map keyed by id.');
      assert.deepEqual(
        run.modelCalls.map((c) => c.phase),
        ['plan', 'generate', 'repair'],
      );
      assert.equal(provider.requests[0]!.tools.length, 0);
      const generate = provider.requests[1]!.messages[0]!.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      assert.match(generate, /memoise with a Map keyed by id/);
    } finally {
      ws.cleanup();
    }
  });
});
