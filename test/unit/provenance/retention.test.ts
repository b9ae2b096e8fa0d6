import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyRetention, prune } from '../../../src/core/provenance/retention';
import { PruneMarkerSchema, type RunRecord } from '../../../src/core/provenance/schema';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { makeDecision, makePatch, makeRun, tempDir, putFixtureBlobs } from './fixtures';
import { TEST_KEY } from '../../support/testKey';

describe('provenance retention', () => {
  let cleanup: () => void;
  let store: ProvenanceStore;
  beforeEach(async () => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    store = await ProvenanceStore.open(dir, { key: TEST_KEY });
    await putFixtureBlobs(store);
  });
  afterEach(() => cleanup());

  const records = () => readdirSync(join(store.dir, 'records')).sort();
  const file = (seq: number) => join(store.dir, 'records', `${String(seq).padStart(8, '0')}.json`);

  /** A run whose patch's before and after bytes are in the blob store, as the engine leaves them. */
  async function runWithBlobs(label: string): Promise<{ run: RunRecord; before: string; after: string }> {
    const before = await store.blobs.put(new TextEncoder().encode(`${label} before\n`));
    const after = await store.blobs.put(new TextEncoder().encode(`${label} after\n`));
    const run = await store.appendRun(makeRun({ instruction: label, patches: [makePatch({ beforeSha256: before, afterSha256: after })] }));
    return { run, before, after };
  }

  it('keeps the newest runs, removes older ones with their decisions, and verify still passes', async () => {
    const r1 = await runWithBlobs('one'); // seq 1
    const r2 = await runWithBlobs('two'); // seq 2
    await store.appendDecision(makeDecision(r1.run.runId, 'approve')); // seq 3
    const r3 = await runWithBlobs('three'); // seq 4
    await store.appendDecision(makeDecision(r3.run.runId, 'apply')); // seq 5: on disk, so kept for rollback
    const r4 = await runWithBlobs('four'); // seq 6
    const r5 = await runWithBlobs('five'); // seq 7
    const orphan = await store.blobs.put(new TextEncoder().encode('left by nobody'));

    const result = await prune(store, { keepRuns: 2, minBlobAgeMs: 0 });

    assert.deepEqual(result.prunedRunIds.sort(), [r1.run.runId, r2.run.runId].sort());
    assert.deepEqual(result.keptForRollback, [r3.run.runId]);
    assert.equal(result.removedRecords, 3);
    assert.deepEqual(
      result.markers.map((m) => [m.seq, m.fromSeq, m.toSeq]),
      [[8, 1, 3]],
    );
    assert.deepEqual(records(), ['00000004.json', '00000005.json', '00000006.json', '00000007.json', '00000008.json']);
    assert.deepEqual(await store.verify(), { ok: true, checked: 5, problems: [], unsigned: 0, blobsChecked: 6 });
    assert.deepEqual(
      (await store.listRuns()).map((r) => r.instruction),
      ['five', 'four', 'three'],
    );

    // Blobs: the pruned runs', the orphan and the two fixture blobs no run here names are gone;
    // the applied patch's original bytes stay.
    assert.equal(result.removedBlobs, 7);
    for (const sha of [r1.before, r1.after, r2.before, r2.after, orphan]) assert.equal(await store.blobs.has(sha), false);
    for (const sha of [r3.before, r3.after, r4.before, r5.after]) assert.equal(await store.blobs.has(sha), true);
    assert.equal(new TextDecoder().decode(await store.blobs.get(r3.before)), 'three before\n');
  });

  it('still catches a hand edit or a removal after pruning', async () => {
    for (const label of ['a', 'b', 'c', 'd']) await runWithBlobs(label);
    await prune(store, { keepRuns: 2, minBlobAgeMs: 0 });
    assert.equal((await store.verify()).ok, true);

    // The record right after the gap: one character changed.
    const text = readFileSync(file(3), 'utf8');
    writeFileSync(file(3), text.replace('"c"', '"C"'));
    assert.deepEqual(
      (await store.verify()).problems.map((p) => [p.file, p.kind]),
      [['records/00000003.json', 'edited']],
    );
    writeFileSync(file(3), text);

    // The marker itself: its range widened to hide a removal.
    const markerText = readFileSync(file(5), 'utf8');
    writeFileSync(file(5), markerText.replace('"toSeq": 2', '"toSeq": 3'));
    const widened = await store.verify();
    assert.ok(widened.problems.some((p) => p.file === 'records/00000005.json' && p.kind === 'edited'));
    writeFileSync(file(5), markerText);

    // A record outside the pruned range removed.
    rmSync(file(3));
    assert.deepEqual(
      (await store.verify()).problems.map((p) => [p.file, p.kind]),
      [['records/00000004.json', 'removed']],
    );
  });

  it('writes one marker per contiguous block when kept records sit between pruned ones', async () => {
    const r1 = await runWithBlobs('one'); // 1
    await runWithBlobs('two'); // 2
    const r3 = await runWithBlobs('three'); // 3
    await store.appendDecision(makeDecision(r3.run.runId, 'apply')); // 4: kept, run three is on disk
    await store.appendDecision(makeDecision(r1.run.runId, 'reject')); // 5
    await runWithBlobs('four'); // 6
    const result = await prune(store, { keepRuns: 1, minBlobAgeMs: 0 });
    assert.deepEqual(
      result.markers.map((m) => [m.fromSeq, m.toSeq]),
      [
        [1, 2],
        [5, 5],
      ],
    );
    assert.deepEqual(records(), ['00000003.json', '00000004.json', '00000006.json', '00000007.json', '00000008.json']);
    assert.deepEqual((await store.verify()).problems, []);
    const marker = PruneMarkerSchema.parse(JSON.parse(readFileSync(file(8), 'utf8')));
    assert.equal(marker.prevHash, JSON.parse(readFileSync(file(7), 'utf8')).hash);
  });

  it('prunes again later, across earlier markers, and keeps the chain whole', async () => {
    for (const label of ['a', 'b', 'c']) await runWithBlobs(label);
    await prune(store, { keepRuns: 2, minBlobAgeMs: 0 });
    for (const label of ['d', 'e']) await runWithBlobs(label);
    const second = await prune(store, { keepRuns: 1, minBlobAgeMs: 0 });
    assert.equal(second.prunedRunIds.length, 3);
    assert.deepEqual((await store.verify()).problems, []);
    assert.deepEqual(
      (await store.listRuns()).map((r) => r.instruction),
      ['e'],
    );
    // Appending after pruning links to the last marker.
    await runWithBlobs('f');
    assert.equal((await store.verify()).ok, true);
    const zero = await prune(store, { keepRuns: 0, minBlobAgeMs: 0 });
    assert.equal(zero.prunedRunIds.length, 2);
    assert.equal((await store.listRuns()).length, 0);
    assert.equal((await store.verify()).ok, true);
    assert.deepEqual(await store.blobs.list(), []);
  });

  it('a rolled back patch no longer protects its run', async () => {
    const old = await runWithBlobs('old');
    await store.appendDecision(makeDecision(old.run.runId, 'apply'));
    await store.appendDecision(makeDecision(old.run.runId, 'rollback'));
    await runWithBlobs('new');
    const result = await prune(store, { keepRuns: 1, minBlobAgeMs: 0 });
    assert.deepEqual(result.prunedRunIds, [old.run.runId]);
    assert.equal(await store.blobs.has(old.before), false);
    assert.equal((await store.verify()).ok, true);
  });

  it('finishes a prune that was interrupted after its marker was written', async () => {
    const a = await runWithBlobs('a');
    await runWithBlobs('b');
    // The marker is written first; the process dies before deleting record 1.
    await store.chain.withLock(() =>
      store.chain.appendLocked(PruneMarkerSchema, {
        kind: 'prune',
        schemaVersion: 1,
        createdAt: '2026-11-21T11:00:00.000Z',
        fromSeq: 1,
        toSeq: 1,
        lastPrunedHash: a.run.hash,
      }),
    );
    assert.equal((await store.verify()).ok, true);
    assert.deepEqual(
      (await store.listRuns()).map((r) => r.instruction),
      ['b'],
      'readers honour the marker',
    );
    await prune(store, { keepRuns: 5, minBlobAgeMs: 0 });
    assert.equal(existsSync(file(1)), false);
    assert.equal((await store.verify()).ok, true);
  });

  it('keeps every blob while a record is damaged, and young unreferenced blobs by default', async () => {
    const a = await runWithBlobs('a');
    await runWithBlobs('b');
    await runWithBlobs('c');
    writeFileSync(file(2), '{ broken');
    const damaged = await prune(store, { keepRuns: 1, minBlobAgeMs: 0 });
    assert.match(damaged.blobsSkipped!, /1 damaged record.*no blob was removed/);
    assert.deepEqual(damaged.prunedRunIds, [a.run.runId]);
    assert.equal(await store.blobs.has(a.before), true);

    rmSync(file(2));
    const fresh = await store.blobs.put(new TextEncoder().encode('a run in flight wrote this'));
    await prune(store, { keepRuns: 1 });
    assert.equal(await store.blobs.has(fresh), true, 'an unreferenced blob younger than the grace period stays');
  });

  it('spares a blob an old pruned run named when a run in flight stores the same bytes again', async () => {
    const old = await runWithBlobs('shared');
    await runWithBlobs('newer');
    const blobPath = store.blobs.pathOf(old.before);
    const anHourAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(blobPath, anHourAgo, anHourAgo);
    // A new run puts the same original bytes before it writes its record...
    await store.blobs.put(new TextEncoder().encode('shared before\n'));
    // ...and a prune in another window runs meanwhile.
    await prune(store, { keepRuns: 1 });
    assert.equal(await store.blobs.has(old.before), true);
  });

  it('refuses a nonsensical keepRuns', async () => {
    await assert.rejects(prune(store, { keepRuns: -1 }), /keepRuns must be a whole number/);
    await assert.rejects(prune(store, { keepRuns: 1.5 }), /keepRuns must be a whole number/);
  });

  it('applyRetention prunes in batches once the store is a tenth over the limit, and 0 keeps all', async () => {
    for (const label of ['a', 'b', 'c', 'd']) await runWithBlobs(label);
    assert.equal(await applyRetention(store, 3, { minBlobAgeMs: 0 }), undefined, '4 runs: within the slack of 1');
    await runWithBlobs('e');
    assert.equal(await applyRetention(store, 0, { minBlobAgeMs: 0 }), undefined);
    const result = await applyRetention(store, 3, { minBlobAgeMs: 0 });
    assert.equal(result?.prunedRunIds.length, 2);
    assert.equal(result?.markers.length, 1);
    assert.deepEqual(
      (await store.listRuns()).map((r) => r.instruction),
      ['e', 'd', 'c'],
    );
    assert.equal((await store.verify()).ok, true);
  });

  it('never prunes away a record that was edited: the evidence stays and verify still reports it', async () => {
    for (const label of ['a', 'b', 'c']) await runWithBlobs(label);
    const kept = (await store.listRuns()).find((r) => r.instruction === 'a')!;
    const keptBefore = (await store.getRun(kept.runId)).run.patches[0]!.beforeSha256!;
    writeFileSync(file(1), readFileSync(file(1), 'utf8').replace('"a"', '"A"'));
    const result = await prune(store, { keepRuns: 1, minBlobAgeMs: 0 });
    assert.deepEqual(
      result.markers.map((m) => [m.fromSeq, m.toSeq]),
      [[2, 2]],
    );
    assert.equal(result.prunedRunIds.length, 1, 'only run b is really gone');
    assert.equal(existsSync(file(1)), true);
    // Readers skip the edited record (its content no longer matches its hash) and say so.
    assert.deepEqual(
      (await store.listRuns()).map((r) => r.instruction),
      ['c'],
    );
    assert.equal(await store.blobs.has(keptBefore), true, 'with a damaged record in the store no blob is removed');
    assert.deepEqual(
      (await store.verify()).problems.map((p) => [p.file, p.kind]),
      [['records/00000001.json', 'edited']],
    );
  });
  it('prunes nothing while an operation is in the journal, and keeps what kept journals name', async () => {
    const a = await runWithBlobs('a');
    for (const label of ['b', 'c', 'd']) await runWithBlobs(label);
    await store.journal.write({
      txId: 'lzzzzzzz-0000000001',
      runId: a.run.runId,
      operation: 'apply',
      createdAt: new Date().toISOString(),
      actor: 'test',
      files: [{ path: 'src/a.ts', before: a.before, after: a.after, temp: 'src/.a.ts.x.rg-tmp' }],
    });
    const held = await prune(store, { keepRuns: 1, minBlobAgeMs: 0 });
    assert.match(held.skipped ?? '', /unfinished operation/);
    assert.equal((await store.listRuns()).length, 4, 'nothing pruned');
    // Recovery could not settle it (a file changed meanwhile): it is kept, and so are its blobs.
    await store.journal.keep('lzzzzzzz-0000000001');
    const result = await prune(store, { keepRuns: 1, minBlobAgeMs: 0 });
    assert.ok(result.prunedRunIds.includes(a.run.runId));
    assert.equal(await store.blobs.has(a.before), true);
    assert.equal(await store.blobs.has(a.after), true);
  });

  it('keeps an old run whose proposal is on disk though never recorded applied, with its originals', async () => {
    const a = await runWithBlobs('a');
    const b = await runWithBlobs('b');
    for (const label of ['c', 'd']) await runWithBlobs(label);
    // The workspace file of run a holds a's proposal (an apply by an earlier release, killed before its record).
    const holds = async (_path: string, sha: string) => sha === a.after;
    const result = await prune(store, { keepRuns: 1, minBlobAgeMs: 0, holds });
    assert.deepEqual(result.keptForRollback, [a.run.runId]);
    assert.ok(result.prunedRunIds.includes(b.run.runId));
    assert.equal(await store.blobs.has(a.before), true, 'the original a rollback needs is kept');
    assert.equal(await store.blobs.has(b.before), false);
  });
});
