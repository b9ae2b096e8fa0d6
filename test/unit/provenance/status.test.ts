import { strict as assert } from 'node:assert';
import { checkDecision, countByStatus, foldDecisions, initialStates, isOnDisk } from '../../../src/core/provenance/status';
import type { NewDecisionRecord } from '../../../src/core/provenance/schema';
import { asDecisionRecords, asRunRecord, makeDecision, makeHunk, makePatch, makeRun } from './fixtures';

function runWith(...patches: ReturnType<typeof makePatch>[]) {
  return asRunRecord(makeRun({ patches }));
}

function fold(run: ReturnType<typeof runWith>, decisions: NewDecisionRecord[]) {
  return foldDecisions(run, asDecisionRecords(run, decisions));
}

describe('provenance status fold', () => {
  const threeHunks = () => makePatch({ id: 'p1', hunks: [makeHunk('h1'), makeHunk('h2'), makeHunk('h3')] });

  it('starts every patch pending', () => {
    const run = runWith(makePatch({ id: 'p1' }), makePatch({ id: 'p2', file: 'src/b.ts' }));
    assert.deepEqual(
      initialStates(run).map((s) => [s.patchId, s.status]),
      [
        ['p1', 'pending'],
        ['p2', 'pending'],
      ],
    );
  });

  it('goes pending -> approved -> applied -> rolled_back', () => {
    const run = runWith(makePatch());
    const id = run.runId;
    const steps: NewDecisionRecord['decision'][] = ['approve', 'apply', 'rollback'];
    const seen = steps.map(
      (_, i) =>
        fold(
          run,
          steps.slice(0, i + 1).map((d) => makeDecision(id, d)),
        ).patches[0]!.status,
    );
    assert.deepEqual(seen, ['approved', 'applied', 'rolled_back']);
    const final = fold(
      run,
      steps.map((d) => makeDecision(id, d)),
    );
    assert.deepEqual(final.anomalies, []);
    assert.deepEqual(final.patches[0]!.appliedHunkIds, []);
    assert.equal(final.patches[0]!.lastDecision?.decision, 'rollback');
  });

  it('applies straight from pending, and records which hunks are on disk', () => {
    const run = runWith(threeHunks());
    const s = fold(run, [makeDecision(run.runId, 'apply')]).patches[0]!;
    assert.equal(s.status, 'applied');
    assert.deepEqual(s.appliedHunkIds, ['h1', 'h2', 'h3']);
    assert.equal(s.partlyApplied, false);
  });

  it('rejects, and marks stale, only open patches', () => {
    const run = runWith(makePatch());
    assert.equal(fold(run, [makeDecision(run.runId, 'reject')]).patches[0]!.status, 'rejected');
    assert.equal(fold(run, [makeDecision(run.runId, 'approve'), makeDecision(run.runId, 'stale')]).patches[0]!.status, 'stale');
    const applied = fold(run, [makeDecision(run.runId, 'apply')]).patches;
    assert.match(checkDecision(run, applied, makeDecision(run.runId, 'reject'))!, /Cannot reject patch p1: it is applied/);
    assert.match(checkDecision(run, applied, makeDecision(run.runId, 'stale'))!, /Cannot mark stale patch p1/);
    assert.match(checkDecision(run, applied, makeDecision(run.runId, 'apply'))!, /Cannot apply patch p1: it is applied/);
  });

  it('refuses to apply a rejected, stale or rolled back patch, or one that failed the gates', () => {
    const run = runWith(makePatch(), makePatch({ id: 'bad', valid: false }));
    const id = run.runId;
    for (const first of ['reject', 'stale'] as const) {
      const states = fold(run, [makeDecision(id, first)]).patches;
      assert.ok(checkDecision(run, states, makeDecision(id, 'apply')), `apply after ${first} must be refused`);
    }
    const rolled = fold(run, [makeDecision(id, 'apply'), makeDecision(id, 'rollback')]).patches;
    assert.match(checkDecision(run, rolled, makeDecision(id, 'apply'))!, /rolled back/);
    assert.match(checkDecision(run, initialStates(run), makeDecision(id, 'apply', ['bad']))!, /did not pass the gates/);
  });

  it('refuses a rollback of a patch never applied, and names unknown patches and hunks', () => {
    const run = runWith(threeHunks());
    const start = initialStates(run);
    assert.match(checkDecision(run, start, makeDecision(run.runId, 'rollback'))!, /Cannot roll back patch p1: it is pending/);
    assert.match(checkDecision(run, start, makeDecision(run.runId, 'apply', ['nope']))!, /has no patch nope/);
    assert.match(checkDecision(run, start, makeDecision(run.runId, 'apply', ['p1'], { hunkIds: ['h9'] }))!, /No named patch has hunk h9/);
    assert.match(checkDecision(run, start, makeDecision(run.runId, 'apply', []))!, /at least one patch/);
    assert.equal(checkDecision(run, start, makeDecision(run.runId, 'apply', ['p1'], { hunkIds: ['h2'] })), undefined);
  });

  it('per hunk: applying some hunks leaves the patch pending and partly applied', () => {
    const run = runWith(threeHunks());
    const s = fold(run, [makeDecision(run.runId, 'apply', ['p1'], { hunkIds: ['h1', 'h3'] })]).patches[0]!;
    assert.equal(s.status, 'pending');
    assert.deepEqual(s.appliedHunkIds, ['h1', 'h3']);
    assert.equal(s.partlyApplied, true);
    assert.ok(isOnDisk(s));
  });

  it('per hunk: the patch is applied once every hunk is applied or rejected', () => {
    const run = runWith(threeHunks());
    const id = run.runId;
    const s = fold(run, [
      makeDecision(id, 'apply', ['p1'], { hunkIds: ['h1'] }),
      makeDecision(id, 'reject', ['p1'], { hunkIds: ['h2'] }),
      makeDecision(id, 'apply', ['p1'], { hunkIds: ['h3'] }),
    ]).patches[0]!;
    assert.equal(s.status, 'applied');
    assert.deepEqual(s.appliedHunkIds, ['h1', 'h3']);
    assert.deepEqual(s.rejectedHunkIds, ['h2']);
    assert.equal(s.partlyApplied, false);
  });

  it('per hunk: rejecting every hunk rejects the patch; a whole apply skips rejected hunks', () => {
    const run = runWith(threeHunks());
    const id = run.runId;
    const rejected = fold(run, [makeDecision(id, 'reject', ['p1'], { hunkIds: ['h1', 'h2', 'h3'] })]).patches[0]!;
    assert.equal(rejected.status, 'rejected');
    const rest = fold(run, [makeDecision(id, 'reject', ['p1'], { hunkIds: ['h2'] }), makeDecision(id, 'apply')]).patches[0]!;
    assert.equal(rest.status, 'applied');
    assert.deepEqual(rest.appliedHunkIds, ['h1', 'h3']);
  });

  it('per hunk: rejecting the rest of a partly applied patch closes it as applied', () => {
    const run = runWith(threeHunks());
    const id = run.runId;
    const s = fold(run, [makeDecision(id, 'apply', ['p1'], { hunkIds: ['h2'] }), makeDecision(id, 'reject')]).patches[0]!;
    assert.equal(s.status, 'applied');
    assert.deepEqual(s.appliedHunkIds, ['h2']);
    assert.deepEqual(s.rejectedHunkIds, ['h1', 'h3']);
  });

  it('per hunk: refuses to apply a hunk twice, to reject an applied hunk, and per-hunk rollback', () => {
    const run = runWith(threeHunks());
    const id = run.runId;
    const states = fold(run, [makeDecision(id, 'apply', ['p1'], { hunkIds: ['h1'] })]).patches;
    assert.match(checkDecision(run, states, makeDecision(id, 'apply', ['p1'], { hunkIds: ['h1'] }))!, /already applied/);
    assert.match(checkDecision(run, states, makeDecision(id, 'reject', ['p1'], { hunkIds: ['h1'] }))!, /roll it back instead/);
    assert.match(checkDecision(run, states, makeDecision(id, 'rollback', ['p1'], { hunkIds: ['h1'] }))!, /takes no hunk ids/);
  });

  it('per hunk: a partly applied patch can be rolled back whole, or go stale and still be rolled back', () => {
    const run = runWith(threeHunks());
    const id = run.runId;
    const partial = makeDecision(id, 'apply', ['p1'], { hunkIds: ['h1'] });
    const rolled = fold(run, [partial, makeDecision(id, 'rollback')]).patches[0]!;
    assert.equal(rolled.status, 'rolled_back');
    assert.deepEqual(rolled.appliedHunkIds, []);
    const stale = fold(run, [partial, makeDecision(id, 'stale')]).patches[0]!;
    assert.equal(stale.status, 'stale');
    assert.ok(isOnDisk(stale), 'the applied hunk is still on disk');
    assert.equal(fold(run, [partial, makeDecision(id, 'stale'), makeDecision(id, 'rollback')]).patches[0]!.status, 'rolled_back');
  });

  it('decides several patches at once, hunk ids going to the patch that owns them', () => {
    const run = runWith(threeHunks(), makePatch({ id: 'p2', file: 'src/b.ts', hunks: [makeHunk('k1'), makeHunk('k2')] }));
    const states = fold(run, [makeDecision(run.runId, 'apply', ['p1', 'p2'], { hunkIds: ['h1', 'k1', 'k2'] })]).patches;
    assert.deepEqual(
      states.map((s) => [s.status, s.appliedHunkIds]),
      [
        ['pending', ['h1']],
        ['applied', ['k1', 'k2']],
      ],
    );
    assert.deepEqual(countByStatus(states), { pending: 1, approved: 0, rejected: 0, applied: 1, rolled_back: 0, stale: 0 });
  });

  it('skips a stored decision the rules refuse, reports it, and folds the rest', () => {
    const run = runWith(makePatch());
    const id = run.runId;
    const result = fold(run, [makeDecision(id, 'rollback'), makeDecision(id, 'apply')]);
    assert.equal(result.patches[0]!.status, 'applied');
    assert.equal(result.anomalies.length, 1);
    assert.equal(result.anomalies[0]!.seq, run.seq + 1);
    assert.match(result.anomalies[0]!.message, /Cannot roll back/);
  });

  it('a patch with no hunks (a new empty file) applies and rejects whole', () => {
    const run = runWith(makePatch({ hunks: [] }));
    assert.equal(fold(run, [makeDecision(run.runId, 'apply')]).patches[0]!.status, 'applied');
    assert.equal(fold(run, [makeDecision(run.runId, 'reject')]).patches[0]!.status, 'rejected');
  });

  it('re-approving a rejected patch reopens it', () => {
    const run = runWith(threeHunks());
    const s = fold(run, [makeDecision(run.runId, 'reject'), makeDecision(run.runId, 'approve'), makeDecision(run.runId, 'apply')])
      .patches[0]!;
    assert.equal(s.status, 'applied');
    assert.deepEqual(s.appliedHunkIds, ['h1', 'h2', 'h3']);
  });
});
