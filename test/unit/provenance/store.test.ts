import { spawnSync } from 'node:child_process';
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from '../../../src/core/provenance/errors';
import { hashRecord } from '../../../src/core/provenance/hash';
import { RUN_ID_PATTERN, newRunId } from '../../../src/core/provenance/runId';
import { RunRecordSchema, type NewRunRecord } from '../../../src/core/provenance/schema';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { makeDecision, makeHunk, makePatch, makeRun, tempDir, putFixtureBlobs } from './fixtures';
import { TEST_KEY } from '../../support/testKey';

async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<StoreError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StoreError, `expected a StoreError, got ${String(err)}`);
    assert.match(err.message, pattern);
    assert.ok(!err.message.includes('\n'), 'a StoreError is one line');
    return err;
  }
  assert.fail(`expected a rejection matching ${pattern}`);
}

describe('provenance store', () => {
  let dir: string;
  let cleanup: () => void;
  let store: ProvenanceStore;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    store = await ProvenanceStore.open(join(dir, '.refactor-guard'), { key: TEST_KEY });
    await putFixtureBlobs(store);
  });
  afterEach(() => cleanup());

  const recordFiles = () => (existsSync(join(store.dir, 'records')) ? readdirSync(join(store.dir, 'records')).sort() : []);

  it('round-trips a run and its decisions through files on disk', async () => {
    const input = makeRun({ patches: [makePatch({ hunks: [makeHunk('h1'), makeHunk('h2')] })] });
    const run = await store.appendRun(input);
    assert.equal(run.seq, 1);
    assert.equal(run.prevHash, null);
    assert.equal(run.hash, hashRecord(run));
    const approve = await store.appendDecision(makeDecision(run.runId, 'approve'));
    const apply = await store.appendDecision(
      makeDecision(run.runId, 'apply', ['p1'], { hunkIds: ['h2'], detail: 'wrote b'.padEnd(10, '.') }),
    );
    assert.deepEqual([approve.seq, approve.prevHash, apply.prevHash], [2, run.hash, approve.hash]);
    assert.deepEqual(recordFiles(), ['00000001.json', '00000002.json', '00000003.json']);

    // A second store object reads the files, not any memory of the first.
    const reopened = await ProvenanceStore.open(store.dir, { key: TEST_KEY });
    const view = await reopened.getRun(run.runId);
    assert.deepEqual(view.run, RunRecordSchema.parse(JSON.parse(readFileSync(join(store.dir, 'records', '00000001.json'), 'utf8'))));
    assert.deepEqual(view.run.patches, input.patches);
    assert.equal(view.run.instruction, input.instruction);
    assert.deepEqual(
      view.decisions.map((d) => d.decision),
      ['approve', 'apply'],
    );
    assert.deepEqual(
      view.patches.map((p) => [p.status, p.appliedHunkIds, p.partlyApplied]),
      [['approved', ['h2'], true]],
    );
    assert.deepEqual(view.storeProblems, []);
    assert.deepEqual(await reopened.verify(), { ok: true, checked: 3, problems: [], unsigned: 0, blobsChecked: 2 });
  });

  it('lists runs newest first with patch counts, honours limit, and finds the latest', async () => {
    const a = await store.appendRun(makeRun({ instruction: 'first' }));
    const b = await store.appendRun(
      makeRun({
        instruction: 'second',
        patches: [makePatch(), makePatch({ id: 'p2', file: 'src/b.ts', risk: { score: 0.7, level: 'high', factors: [] } })],
      }),
    );
    await store.appendDecision(makeDecision(b.runId, 'apply', ['p2']));
    const c = await store.appendRun(
      makeRun({ instruction: 'third', status: 'no_valid_patch', patches: [], targets: [{ path: 'src/c.ts' }] }),
    );
    const list = await store.listRuns();
    assert.deepEqual(
      list.map((r) => r.runId),
      [c.runId, b.runId, a.runId],
    );
    assert.deepEqual(list.problems, []);
    const second = list[1]!;
    assert.deepEqual(second.files, ['src/a.ts', 'src/b.ts']);
    assert.equal(second.patchCounts.pending, 1);
    assert.equal(second.patchCounts.applied, 1);
    assert.equal(second.maxRisk, 0.7);
    assert.deepEqual(list[0]!.files, ['src/c.ts'], 'a run without patches lists its targets');
    assert.equal(list[0]!.status, 'no_valid_patch');
    assert.deepEqual(
      (await store.listRuns({ limit: 2 })).map((r) => r.instruction),
      ['third', 'second'],
    );
    assert.equal((await store.latestRun())!.run.runId, c.runId);
  });

  it('has no latest run and an empty list when new', async () => {
    assert.equal(await store.latestRun(), undefined);
    assert.equal((await store.listRuns()).length, 0);
    assert.deepEqual(await store.verify(), { ok: true, checked: 0, problems: [], unsigned: 0, blobsChecked: 0 });
  });

  it('finds a run by an unambiguous prefix of its id, and says when a prefix is ambiguous', async () => {
    const a = await store.appendRun(makeRun({ runId: '20261121-103355-aaaaaa' }));
    await store.appendRun(makeRun({ runId: '20261121-103355-abbbbb' }));
    assert.equal((await store.getRun('20261121-103355-aa')).run.runId, a.runId);
    await rejects(store.getRun('20261121-103355-a'), /ambiguous: it starts 2 runs/);
    await rejects(store.getRun('2027'), /No run '2027'/);
    await rejects(store.getRun('  '), /No run id given/);
  });

  it('makes sortable, well-formed run ids', () => {
    const id = newRunId(new Date('2026-11-21T10:33:55.123Z'), () => 'c0ffee');
    assert.equal(id, '20261121-103355-c0ffee');
    assert.match(newRunId(), RUN_ID_PATTERN);
    assert.notEqual(newRunId(), newRunId());
  });

  it('refuses a record that fails the schema, and writes nothing', async () => {
    const bad = makeRun({ patches: [makePatch({ beforeSha256: 'not-a-hash' })] });
    await rejects(store.appendRun(bad), /Refused to write a run record: patches\.0\.beforeSha256/);
    await rejects(store.appendRun({ ...makeRun(), createdAt: 'yesterday' }), /createdAt/);
    assert.deepEqual(recordFiles(), []);
    const tmp = join(store.dir, 'tmp');
    assert.deepEqual(existsSync(tmp) ? readdirSync(tmp) : [], [], 'no temp file is left behind');
  });

  it('writes only what the schema knows, so a stray secret in the input is not stored', async () => {
    const sneaky = { ...makeRun(), apiKey: 'sk-secret-123' } as NewRunRecord;
    const run = await store.appendRun(sneaky);
    const text = readFileSync(join(store.dir, 'records', '00000001.json'), 'utf8');
    assert.ok(!text.includes('sk-secret-123'));
    assert.equal((await store.verify()).ok, true);
    assert.equal(run.seq, 1);
  });

  it('refuses a duplicate run id, and decisions the status rules do not allow', async () => {
    const run = await store.appendRun(makeRun());
    await rejects(store.appendRun(makeRun({ runId: run.runId })), /already has a run with that id/);
    await rejects(store.appendDecision(makeDecision('20990101-000000-000000', 'apply')), /no run 20990101/);
    await rejects(store.appendDecision(makeDecision(run.runId, 'rollback')), /Cannot roll back patch p1: it is pending/);
    await rejects(store.appendDecision(makeDecision(run.runId, 'apply', ['p7'])), /has no patch p7/);
    await rejects(store.appendDecision({ ...makeDecision(run.runId, 'apply'), actor: 42 as unknown as string }), /actor/);
    assert.deepEqual(recordFiles(), ['00000001.json']);
  });

  it('reports a schema-invalid record on read and keeps serving the others', async () => {
    const a = await store.appendRun(makeRun());
    const b = await store.appendRun(makeRun());
    const path = join(store.dir, 'records', '00000001.json');
    const record = JSON.parse(readFileSync(path, 'utf8'));
    record.status = 'exploded';
    writeFileSync(path, JSON.stringify(record));
    const list = await store.listRuns();
    assert.deepEqual(
      list.map((r) => r.runId),
      [b.runId],
    );
    assert.equal(list.problems.length, 1);
    assert.equal(list.problems[0]!.kind, 'schema_invalid');
    assert.match(list.problems[0]!.message, /^records\/00000001\.json does not match the record schema: status/);
    await rejects(store.getRun(a.runId), /No run .* \(1 damaged record skipped, first records\/00000001\.json; run verify\)/);
  });

  it('survives corrupt JSON in one record: a clear error naming the file, other runs still work', async () => {
    const a = await store.appendRun(makeRun());
    const b = await store.appendRun(makeRun());
    await store.appendDecision(makeDecision(b.runId, 'apply'));
    const c = await store.appendRun(makeRun());
    writeFileSync(join(store.dir, 'records', '00000002.json'), '{"kind": "run", "seq": 2,');

    const list = await store.listRuns();
    assert.deepEqual(
      list.map((r) => r.runId),
      [c.runId, a.runId],
    );
    assert.deepEqual(
      list.problems.map((p) => [p.file, p.kind]),
      [['records/00000002.json', 'invalid_json']],
    );
    assert.match(list.problems[0]!.message, /^records\/00000002\.json is not valid JSON: /);
    assert.equal((await store.getRun(a.runId)).run.runId, a.runId);
    assert.equal((await store.getRun(c.runId)).storeProblems.length, 1);
    const verdict = await store.verify();
    assert.equal(verdict.ok, false);
    assert.ok(verdict.problems.some((p) => p.file === 'records/00000002.json' && p.kind === 'invalid_json'));
    assert.ok((await store.stats()).runs === 2);
    // Appending does not need the damaged record, and links to the last good one.
    const d = await store.appendRun(makeRun());
    assert.equal(d.seq, 5);
  });

  it('refuses to append onto a damaged last record, naming it', async () => {
    await store.appendRun(makeRun());
    writeFileSync(join(store.dir, 'records', '00000001.json'), 'garbage');
    const err = await rejects(store.appendRun(makeRun()), /last record is damaged \(records\/00000001\.json is not valid JSON/);
    assert.equal(err.file, 'records/00000001.json');
    assert.deepEqual(recordFiles(), ['00000001.json']);
  });

  it('refuses to overwrite a record that appeared behind its back, so the chain cannot fork', async () => {
    await store.appendRun(makeRun());
    // Another writer that lost the lock linked record 2 between our read of the head and our write:
    // simulate by planting it, then appending through a store whose head read is stale.
    const other = await ProvenanceStore.open(store.dir, { key: TEST_KEY });
    await other.appendRun(makeRun());
    const files = recordFiles();
    assert.deepEqual(files, ['00000001.json', '00000002.json']);
    const before = readFileSync(join(store.dir, 'records', '00000002.json'), 'utf8');
    // A raw append at a taken seq must fail rather than replace the record.
    const chain = store.chain as unknown as { writeNew(seq: number, text: string): Promise<void> };
    await rejects(chain.writeNew(2, '{}'), /Record 2 was written by another process/);
    assert.equal(readFileSync(join(store.dir, 'records', '00000002.json'), 'utf8'), before);
    assert.equal((await store.verify()).ok, true);
  });

  it('sweeps temporary files a crashed writer left: at once when their process is gone, else once old', async () => {
    await store.appendRun(makeRun());
    const tmp = join(store.dir, 'tmp');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!; // a pid that ran and exited
    const alive = process.pid;
    writeFileSync(join(tmp, `old.json.${alive}.abcd`), '{}');
    writeFileSync(join(tmp, `young.json.${alive}.abcd`), '{}');
    writeFileSync(join(tmp, `dead.json.${gone}.abcd`), '{}');
    const old = new Date(Date.now() - 3 * 60 * 60 * 1000);
    utimesSync(join(tmp, `old.json.${alive}.abcd`), old, old);
    // Another process's view: sweepTemp keeps its own process's young files.
    const other = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `require('./src/core/provenance/store').ProvenanceStore.open(${JSON.stringify(store.dir)}, { key: require('./test/support/testKey').TEST_KEY })`,
      ],
      { cwd: join(__dirname, '..', '..', '..'), encoding: 'utf8' },
    );
    assert.equal(other.status, 0, other.stderr);
    assert.deepEqual(readdirSync(tmp), [`young.json.${alive}.abcd`]);
  });

  it('opens a store in a folder that does not exist yet', async () => {
    const nested = join(dir, 'deep', 'er', 'store');
    const s = await ProvenanceStore.open(nested, { key: TEST_KEY });
    await s.appendRun(makeRun());
    assert.ok(existsSync(join(nested, 'records', '00000001.json')));
  });
});
