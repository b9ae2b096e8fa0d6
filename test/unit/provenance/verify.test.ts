import { strict as assert } from 'node:assert';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashRecord } from '../../../src/core/provenance/hash';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { makeDecision, makeRun, tempDir, putFixtureBlobs } from './fixtures';
import { TEST_KEY } from '../../support/testKey';

describe('provenance verify', () => {
  let cleanup: () => void;
  let store: ProvenanceStore;
  const file = (seq: number) => join(store.dir, 'records', `${String(seq).padStart(8, '0')}.json`);

  beforeEach(async () => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    store = await ProvenanceStore.open(dir, { key: TEST_KEY });
    await putFixtureBlobs(store);
    // Five records: run, decision, run, run, decision.
    const a = await store.appendRun(makeRun({ instruction: 'Add caching to the user service' }));
    await store.appendDecision(makeDecision(a.runId, 'approve'));
    await store.appendRun(makeRun());
    const c = await store.appendRun(makeRun());
    await store.appendDecision(makeDecision(c.runId, 'reject'));
  });
  afterEach(() => cleanup());

  it('passes an untouched chain', async () => {
    assert.deepEqual(await store.verify(), { ok: true, checked: 5, problems: [], unsigned: 0, blobsChecked: 2 });
  });

  it('catches one character changed in a record', async () => {
    const text = readFileSync(file(1), 'utf8');
    writeFileSync(file(1), text.replace('Add caching', 'Add cacHing'));
    const result = await store.verify();
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.kind]),
      [['records/00000001.json', 'edited']],
    );
    assert.match(result.problems[0]!.message, /records\/00000001\.json was edited/);
  });

  it('is not fooled by re-indenting a record (the hash covers canonical JSON)', async () => {
    writeFileSync(file(3), JSON.stringify(JSON.parse(readFileSync(file(3), 'utf8'))));
    assert.equal((await store.verify()).ok, true);
  });

  it('catches an edit whose hash was recomputed, at the link of the next record', async () => {
    const record = JSON.parse(readFileSync(file(2), 'utf8'));
    record.actor = 'cli:someone-else';
    record.hash = hashRecord(record);
    writeFileSync(file(2), JSON.stringify(record));
    const result = await store.verify();
    // The signature no longer matches the new hash, and the next record no longer links to it.
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.kind]),
      [
        ['records/00000002.json', 'foreign'],
        ['records/00000003.json', 'edited'],
      ],
    );
    assert.match(result.problems[1]!.message, /does not link to records\/00000002\.json/);
  });

  it('catches a removed record', async () => {
    rmSync(file(3));
    const result = await store.verify();
    assert.equal(result.ok, false);
    assert.equal(result.checked, 4);
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.kind]),
      [['records/00000004.json', 'removed']],
    );
    assert.match(result.problems[0]!.message, /record 3 \(records\/00000003\.json\) is missing before records\/00000004\.json/);
  });

  it('catches removed first records', async () => {
    rmSync(file(1));
    rmSync(file(2));
    const result = await store.verify();
    assert.deepEqual(
      result.problems.map((p) => [p.kind, p.seq]),
      [['removed', 1]],
    );
    assert.match(result.problems[0]!.message, /records 1-2 are missing/);
  });

  it('catches a reordered pair of records', async () => {
    renameSync(file(2), join(store.dir, 'swap'));
    renameSync(file(3), file(2));
    renameSync(join(store.dir, 'swap'), file(3));
    const result = await store.verify();
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.kind]),
      [
        ['records/00000002.json', 'reordered'],
        ['records/00000003.json', 'reordered'],
      ],
    );
  });

  it('catches records renumbered to hide the swap, by their links', async () => {
    // Swap records 3 and 4 and rewrite their seq and hash fields so each looks at home.
    const three = JSON.parse(readFileSync(file(3), 'utf8'));
    const four = JSON.parse(readFileSync(file(4), 'utf8'));
    [three.seq, four.seq] = [4, 3];
    three.hash = hashRecord(three);
    four.hash = hashRecord(four);
    writeFileSync(file(3), JSON.stringify(four));
    writeFileSync(file(4), JSON.stringify(three));
    const result = await store.verify();
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.kind]),
      [
        ['records/00000003.json', 'foreign'],
        ['records/00000003.json', 'edited'],
        ['records/00000004.json', 'foreign'],
        ['records/00000004.json', 'reordered'],
        ['records/00000005.json', 'edited'],
      ],
    );
    assert.match(result.problems[3]!.message, /links to records\/00000002\.json, not to the record before it/);
  });

  it('reports an unreadable record and a stray file by name, and checks the rest', async () => {
    writeFileSync(file(4), '{ nope');
    writeFileSync(join(store.dir, 'records', '00000002.json.bak'), 'x');
    const result = await store.verify();
    assert.deepEqual(result.problems.map((p) => [p.file, p.kind]).sort(), [
      ['records/00000002.json.bak', 'unexpected_file'],
      ['records/00000004.json', 'invalid_json'],
    ]);
  });
});
