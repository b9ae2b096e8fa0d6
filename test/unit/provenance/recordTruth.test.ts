import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { NodeWorkspaceFiles } from '../../../src/core/host/nodeWorkspaceFiles';
import { runRefactor } from '../../../src/core/loop/runRefactor';
import { OpenAICompatibleProvider } from '../../../src/core/models/openaiCompatible';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { readSettings } from '../../../src/core/settings';
import { captureIO } from '../../support/captureIO';
import { startFakeOpenAI } from '../../support/fakeOpenAIServer';
import { tempDir } from '../../support/tempWorkspace';
import { TEST_KEY } from '../../support/testKey';

/** The record, `--json` and `verify` say exactly what happened, no less and nothing else. */
describe('the record says exactly what happened', function () {
  this.timeout(60_000);
  let ws: { dir: string; cleanup: () => void };
  beforeEach(() => (ws = tempDir('rg-truth-')));
  afterEach(() => ws.cleanup());
  const cli = async (args: string[], env: Record<string, string | undefined> = {}) => {
    const io = captureIO({ env });
    const code = await main([...args, '--workspace', ws.dir], io);
    return { code, ...io };
  };

  it('a candidate blocked only by a finding on a caller shows that finding, with its file, in --json, status --json and status', async () => {
    mkdirSync(join(ws.dir, 'src'));
    writeFileSync(
      join(ws.dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, target: 'es2022', module: 'commonjs' }, include: ['src'] }),
    );
    writeFileSync(
      join(ws.dir, 'src', 'a.ts'),
      'export function total(xs: number[]): number {\n  return xs.reduce((s, x) => s + x, 0);\n}\n',
    );
    writeFileSync(join(ws.dir, 'src', 'b.ts'), "import { total } from './a';\n\nexport const sum = total([1, 2, 3]);\n");
    const rename = {
      name: 'patch_file',
      input: { path: 'src/a.ts', old_string: 'export function total(', new_string: 'export function sumAll(' },
    };
    const transcript = join(ws.dir, 'transcript.json');
    // The model renames the export, then has nothing better to offer in its repairs.
    writeFileSync(
      transcript,
      JSON.stringify({
        replies: [
          { phase: 'generate', toolCalls: [rename] },
          { phase: 'repair', text: 'No change.' },
          { phase: 'repair', text: 'No change.' },
        ],
      }),
    );
    const run = await cli([
      'refactor',
      'Rename total to sumAll',
      '-t',
      'src/a.ts',
      '--provider',
      'replay',
      '--transcript',
      transcript,
      '--dry-run',
      '--json',
    ]);
    assert.equal(run.code, 1, run.stderr);
    const doc = JSON.parse(run.stdout) as {
      runId: string;
      patches: { file: string; valid: boolean; findings: { file: string }[] }[];
      findings: { file: string; code: string; category: string; introduced: boolean }[];
    };
    assert.equal(doc.patches[0]!.valid, false);
    assert.ok(
      doc.patches[0]!.findings.every((f) => f.file === 'src/a.ts' || f.file === ''),
      "a patch's own findings are its file's",
    );
    const caller = doc.findings.find((f) => f.file === 'src/b.ts');
    assert.ok(caller, `the caller's finding is in the run's findings: ${JSON.stringify(doc.findings)}`);
    assert.equal(caller.category, 'missing_import');
    assert.equal(caller.introduced, true);
    const status = await cli(['status', '--run-id', doc.runId, '--json']);
    assert.ok((JSON.parse(status.stdout) as typeof doc).findings.some((f) => f.file === 'src/b.ts' && f.code === caller.code));
    const text = await cli(['status', '--run-id', doc.runId]);
    assert.match(text.stdout, /on files the run did not change:\n\s+src\/b\.ts:1:\d+ missing_import/);
  });

  it("an OpenAI-compatible run records the model the server ran, not the preset's", async () => {
    writeFileSync(join(ws.dir, 'notes.md'), '# Notes\n\nfirst\n');
    const server = await startFakeOpenAI([
      {
        kind: 'message',
        content: 'Done.',
        toolCalls: [{ name: 'patch_file', arguments: { path: 'notes.md', old_string: 'first', new_string: 'First' } }],
      },
    ]);
    try {
      const store = await ProvenanceStore.open(join(ws.dir, '.refactor-guard'), { key: TEST_KEY });
      const provider = new OpenAICompatibleProvider({
        baseURL: `${server.url}/v1`,
        model: 'local-coder',
        maxRetries: 0,
        timeoutMs: 10_000,
      });
      const run = await runRefactor({
        instruction: 'Capitalise',
        targets: [{ path: 'notes.md' }],
        settings: readSettings({ provider: 'openai' }),
        preset: 'balanced',
        provider,
        files: new NodeWorkspaceFiles(ws.dir),
        store,
        trusted: true,
      });
      assert.equal(run.status, 'proposed');
      assert.equal(run.modelCalls[0]!.model, 'local-coder');
      assert.equal(run.provider.model, 'local-coder');
      assert.equal((await store.getRun(run.runId)).run.provider.model, 'local-coder');
    } finally {
      await server.close();
    }
  });

  it('verify reads back every blob: a damaged and a missing one are named with what they are for, and counted', async () => {
    writeFileSync(join(ws.dir, 'notes.md'), '# Notes\n\nfirst\n');
    const transcript = join(ws.dir, 'transcript.json');
    writeFileSync(
      transcript,
      JSON.stringify({
        replies: [
          { phase: 'generate', toolCalls: [{ name: 'patch_file', input: { path: 'notes.md', old_string: 'first', new_string: 'First' } }] },
        ],
      }),
    );
    const made = await cli(['refactor', 'Capitalise', '-t', 'notes.md', '--provider', 'replay', '--transcript', transcript, '--json']);
    const { runId } = JSON.parse(made.stdout) as { runId: string };
    assert.equal((await cli(['apply', runId])).code, 0);
    const ok = await cli(['verify']);
    assert.match(ok.stdout, /chain intact; 2 blobs read back by hash/);
    const record = JSON.parse(readFileSync(join(ws.dir, '.refactor-guard', 'records', '00000001.json'), 'utf8')) as {
      patches: { beforeSha256: string; afterSha256: string }[];
    };
    const blob = (sha: string) => join(ws.dir, '.refactor-guard', 'blobs', sha.slice(0, 2), sha);
    writeFileSync(blob(record.patches[0]!.beforeSha256), 'not the original\n');
    rmSync(blob(record.patches[0]!.afterSha256));
    const bad = await cli(['verify', '--json']);
    assert.equal(bad.code, 1);
    const result = JSON.parse(bad.stdout) as { ok: boolean; blobsChecked: number; problems: { kind: string; message: string }[] };
    assert.equal(result.blobsChecked, 2);
    assert.deepEqual(result.problems.map((p) => p.kind).sort(), ['blob_corrupt', 'blob_missing']);
    assert.match(
      result.problems.find((p) => p.kind === 'blob_corrupt')!.message,
      /the original of notes\.md in run .*, which its rollback needs/,
    );
  });

  it('read-only commands on a folder without a store leave it without one; bad run ids are usage errors', async () => {
    for (const args of [
      ['status'],
      ['list-runs'],
      ['verify'],
      ['stats'],
      ['apply', 'nosuch'],
      ['reject', 'nosuch'],
      ['rollback', 'nosuch'],
      ['adopt'],
    ]) {
      const r = await cli(args);
      assert.ok(r.code === 0 || r.code === 2, `${args.join(' ')}: exit ${r.code} ${r.stderr}`);
      assert.equal(existsSync(join(ws.dir, '.refactor-guard')), false, `${args.join(' ')} created the store`);
    }
    for (const args of [
      ['apply', 'nosuch'],
      ['status', '--run-id', 'nosuch'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /No run 'nosuch'/);
    }
    assert.deepEqual(readdirSync(ws.dir), []);
  });

  it('the warning for a setting a workspace may not set names only flags that exist', async () => {
    mkdirSync(join(ws.dir, '.refactor-guard'));
    writeFileSync(
      join(ws.dir, '.refactor-guard', 'config.json'),
      JSON.stringify({ promptsFolder: 'x', pyrightPath: 'y', 'openai.baseUrl': 'http://z', testCommand: 'true' }),
    );
    writeFileSync(join(ws.dir, 'notes.md'), 'first\n');
    const r = await cli([
      'refactor',
      'x',
      '-t',
      'notes.md',
      '--provider',
      'replay',
      '--transcript',
      join(ws.dir, 'missing.json'),
      '--dry-run',
    ]);
    const lines = r.stderr.split('\n').filter((l) => l.includes('a workspace may not set'));
    assert.equal(lines.length, 4, r.stderr);
    for (const key of ['promptsFolder', 'pyrightPath', 'openai.baseUrl'])
      assert.doesNotMatch(
        lines.find((l) => l.includes(`ignored ${key} `))!,
        /flag|--/,
      );
    assert.match(
      lines.find((l) => l.includes('ignored testCommand '))!,
      /or pass --test-command CMD/,
    );
  });
});
