import { strict as assert } from 'node:assert';
import type { NewDecisionRecord, NewRunRecord, StoreRecord } from '../../../src/core/provenance/schema';
import { computeStats } from '../../../src/core/provenance/stats';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { buildViews } from '../../../src/core/provenance/views';
import {
  asDecisionRecords,
  asRunRecord,
  makeAttempt,
  makeDecision,
  makeFinding,
  makeGateRun,
  makeHunk,
  makeModelCall,
  makePatch,
  makeRun,
  tempDir,
} from './fixtures';
import { TEST_KEY } from '../../support/testKey';

/** Five runs whose figures are worked out by hand in the test below. */
function handcrafted(): { runs: NewRunRecord[]; decisions: NewDecisionRecord[] } {
  const a = makeRun({ patches: [makePatch({ risk: { score: 0.2, level: 'low', factors: [] } })] });
  const b = makeRun({
    modelCalls: [
      makeModelCall({ inputTokens: 2000, outputTokens: 300 }),
      makeModelCall({ phase: 'repair', attempt: 2, inputTokens: 800, outputTokens: 200, cacheReadTokens: 500, cacheWriteTokens: 40 }),
    ],
    attempts: [
      makeAttempt({
        success: false,
        errorsOut: 3,
        gates: [
          makeGateRun({ gate: 'syntax', findings: [makeFinding({ category: 'syntax', code: 'TS1005' })] }),
          makeGateRun({
            gate: 'typescript',
            findings: [makeFinding(), makeFinding({ line: 9 }), makeFinding({ category: 'type_mismatch', introduced: false })],
          }),
        ],
      }),
      makeAttempt({
        index: 2,
        phase: 'repair',
        errorsIn: 3,
        success: true,
        gates: [makeGateRun({ gate: 'rules', findings: [makeFinding({ category: 'rule', severity: 'warning' })] })],
      }),
    ],
    patches: [
      makePatch({ risk: { score: 0.6, level: 'medium', factors: [] } }),
      makePatch({ id: 'p2', file: 'src/b.ts', risk: { score: 0.9, level: 'high', factors: [] } }),
    ],
  });
  const c = makeRun({
    status: 'no_valid_patch',
    modelCalls: [
      makeModelCall({ inputTokens: 100, outputTokens: 100 }),
      makeModelCall({ phase: 'repair', attempt: 2, inputTokens: 50, outputTokens: 50 }),
      makeModelCall({ phase: 'repair', attempt: 3, inputTokens: 60, outputTokens: 40 }),
    ],
    attempts: [makeAttempt({ success: false }), makeAttempt({ index: 2, phase: 'repair', success: false })],
    patches: [makePatch({ valid: false, risk: { score: 0.99, level: 'high', factors: [] } })],
  });
  const d = makeRun({
    status: 'provider_error',
    error: { kind: 'provider', message: 'overloaded' },
    modelCalls: [makeModelCall({ inputTokens: 0, outputTokens: 0, error: 'overloaded' })],
    attempts: [],
    patches: [],
  });
  const e = makeRun({
    patches: [makePatch({ hunks: [makeHunk('h1'), makeHunk('h2')], risk: { score: 0.4, level: 'medium', factors: [] } })],
  });
  const decisions = [
    makeDecision(a.runId, 'apply'),
    makeDecision(b.runId, 'apply', ['p1', 'p2']),
    makeDecision(b.runId, 'rollback', ['p2']),
    makeDecision(e.runId, 'apply', ['p1'], { hunkIds: ['h1'] }),
  ];
  return { runs: [a, b, c, d, e], decisions };
}

function chained(): StoreRecord[] {
  const { runs, decisions } = handcrafted();
  const records: StoreRecord[] = [];
  let seq = 1;
  let prev: string | null = null;
  for (const r of runs) {
    const run = asRunRecord(r, seq++, prev);
    prev = run.hash;
    records.push(run);
    const own = asDecisionRecords(
      run,
      decisions.filter((x) => x.runId === r.runId),
    );
    for (const d of own) records.push(d);
    seq += own.length;
    if (own.length > 0) prev = own[own.length - 1]!.hash;
  }
  return records;
}

describe('provenance stats', () => {
  it('computes the figures of a handcrafted set of runs', () => {
    const stats = computeStats(buildViews(chained(), []));
    assert.equal(stats.runs, 5);
    assert.deepEqual(stats.runsByStatus, { proposed: 3, no_valid_patch: 1, no_changes: 0, provider_error: 1, cancelled: 0, failed: 0 });
    assert.deepEqual(stats.patchesByStatus, { pending: 2, approved: 0, rejected: 0, applied: 2, rolled_back: 1, stale: 0 });
    // First candidate: runs a, b, c, e had one; a and e passed.
    assert.deepEqual(stats.firstAttemptPass, { count: 2, of: 4, rate: 0.5 });
    // Needed a repair: b (ended with valid patches) and c (did not).
    assert.deepEqual(stats.repairSuccess, { count: 1, of: 2, rate: 0.5 });
    // a 1500 + b 2300 + 1000 + c 200 + 100 + 100 + d 0 + e 1500; repair = 1000 + 100 + 100.
    assert.deepEqual(stats.tokens, { total: 6700, repair: 1200, cacheRead: 500, cacheWrite: 40 });
    // On disk: a/p1 0.2, b/p1 0.6, e/p1 0.4 (one hunk of two). b/p2 was rolled back; c/p1 never applied.
    assert.equal(stats.appliedRisk.patches, 3);
    assert.ok(Math.abs(stats.appliedRisk.mean! - 0.4) < 1e-12);
    assert.equal(stats.appliedRisk.worst, 0.6);
    assert.deepEqual(stats.findingsByCategory, {
      syntax: 1,
      missing_import: 0,
      undefined_name: 2,
      type_mismatch: 0,
      contract_violation: 0,
      test_failure: 0,
      rule: 1,
      other: 0,
    });
  });

  it('says "no data" rather than 0% when there is nothing to count', () => {
    const stats = computeStats([]);
    assert.equal(stats.runs, 0);
    assert.deepEqual(stats.firstAttemptPass, { count: 0, of: 0, rate: null });
    assert.deepEqual(stats.repairSuccess, { count: 0, of: 0, rate: null });
    assert.deepEqual(stats.appliedRisk, { patches: 0, mean: null, worst: null });
  });

  it('store.stats() gives the same figures over records on disk', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const store = await ProvenanceStore.open(dir, { key: TEST_KEY });
      const { runs, decisions } = handcrafted();
      for (const r of runs) {
        await store.appendRun(r);
        for (const d of decisions.filter((x) => x.runId === r.runId)) await store.appendDecision(d);
      }
      assert.deepEqual(await store.stats(), computeStats(buildViews(chained(), [])));
    } finally {
      cleanup();
    }
  });
});
