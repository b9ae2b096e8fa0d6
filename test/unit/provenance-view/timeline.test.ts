import assert from 'node:assert/strict';
import { DecisionRecordSchema, RunRecordSchema } from '../../../src/core/provenance/schema';
import { buildTimeline } from '../../../src/vscode/provenance/timeline';
import { sampleDecisions, sampleRun, sealed } from './sampleRun';

function run(options: Parameters<typeof sampleRun>[0] = {}) {
  return RunRecordSchema.parse(sealed([sampleRun(options)])[0]);
}
const decisions = sealed(sampleDecisions(), 2).map((d) => DecisionRecordSchema.parse(d));

describe('provenance view: timeline', () => {
  it('puts the recorded phases on one scale and nests each attempt’s gates under its validation', () => {
    const t = buildTimeline(run(), []);
    assert.deepEqual(
      t.map((e) => [e.depth, e.label]),
      [
        [0, 'context'],
        [0, 'generate 1'],
        [0, 'gates 1'],
        [1, 'syntax'],
        [1, 'typescript'],
        [1, 'tests'],
        [0, 'repair 2'],
        [0, 'gates 2'],
        [1, 'syntax'],
        [1, 'typescript'],
        [0, 'risk'],
      ],
    );
    const generate = t[1]!;
    assert.deepEqual(generate.bar, { offsetPct: 6, widthPct: 48 });
    assert.equal(generate.durationLabel, '2.4 s');
    // Gates are laid end to end from their phase's start: typescript starts after syntax's 12 ms.
    assert.equal(t[3]!.bar!.offsetPct, 54);
    assert.equal(t[4]!.bar!.offsetPct, 54.24);
    assert.equal(t[3]!.outcome, 'fail');
    assert.equal(t[5]!.outcome, 'skipped');
    assert.equal(t[5]!.detail, 'skipped: no test command');
    assert.equal(t[6]!.detail, '2 blocking in, 0 out');
    assert.equal(t[6]!.outcome, 'ok');
    assert.equal(t[7]!.outcome, 'ok');
  });

  it('finds each attempt’s gates by the number in the phase name, even when an attempt had none', () => {
    const r = run();
    // Attempt 1 produced no candidate, so the loop timed no `gates 1`: `gates 2` is attempt 2's.
    r.timings.phases = r.timings.phases.filter((p) => p.name !== 'gates 1');
    r.attempts[0]!.gates = [];
    const t = buildTimeline(r, []);
    const at = t.findIndex((e) => e.label === 'gates 2');
    assert.equal(t[at]!.detail, 'attempt 2');
    assert.equal(t[at]!.outcome, 'ok');
    assert.deepEqual(
      t.slice(at + 1, at + 3).map((e) => [e.key, e.label]),
      [
        ['gate:2:0', 'syntax'],
        ['gate:2:1', 'typescript'],
      ],
    );
    assert.ok(!t.some((e) => e.label.startsWith('gates, attempt')));
  });

  it('lists the gates of an attempt that no phase timed, without bars', () => {
    const r = run();
    r.timings.phases = r.timings.phases.filter((p) => p.name !== 'gates 2');
    const t = buildTimeline(r, []);
    const at = t.findIndex((e) => e.label === 'gates, attempt 2');
    assert.ok(at > 0);
    assert.equal(t[at]!.durationLabel, '130 ms');
    assert.equal(t[at + 1]!.bar, undefined);
  });

  it('folds gates skipped for the same reason into one row', () => {
    const r = run();
    const reason = 'not run: the syntax stage found blocking problems';
    r.attempts[0]!.gates = [
      r.attempts[0]!.gates[0]!,
      { gate: 'typescript', durationMs: 0, skipped: reason, findings: [] },
      { gate: 'ruff', durationMs: 0, skipped: reason, findings: [] },
      { gate: 'tests', durationMs: 0, skipped: 'no test command', findings: [] },
    ];
    const gates = buildTimeline(r, []).filter((e) => e.key.startsWith('gate:1:'));
    assert.deepEqual(
      gates.map((e) => [e.label, e.detail]),
      [
        ['syntax', '1 finding, 1 blocking'],
        ['2 gates skipped', `typescript, ruff: ${reason}`],
        ['tests', 'skipped: no test command'],
      ],
    );
  });

  it('names the checker that judged a gate run', () => {
    const r = run();
    r.attempts[0]!.gates = [{ gate: 'typescript', durationMs: 90, checker: 'TypeScript 7.0.2 (native)', findings: [] }];
    const [gate] = buildTimeline(r, []).filter((e) => e.key.startsWith('gate:1:'));
    assert.equal(gate!.detail, '0 findings; TypeScript 7.0.2 (native)');
  });

  it('keeps a zero-length gate visible and inside the scale', () => {
    const t = buildTimeline(run(), []);
    const tests = t.find((e) => e.label === 'tests')!;
    assert.ok(tests.bar!.widthPct > 0);
    for (const e of t.filter((x) => x.bar)) assert.ok(e.bar!.offsetPct + e.bar!.widthPct <= 100.001, e.key);
  });

  it('adds the review and each decision after the run, as offsets from its end', () => {
    const t = buildTimeline(run(), decisions);
    const tail = t.slice(-4);
    assert.deepEqual(
      tail.map((e) => [e.kind, e.label, e.durationLabel, e.bar]),
      [
        ['review', 'review', '1 min', undefined],
        ['decision', 'approve', '+1 min', undefined],
        ['decision', 'apply', '+1 min 5 s', undefined],
        ['decision', 'reject', '+1 min 15 s', undefined],
      ],
    );
    assert.equal(tail[0]!.detail, 'until approve by vscode:ana');
  });

  it('builds a timeline from model calls and gates when no phases were recorded', () => {
    const t = buildTimeline(run({ withPhases: false }), []);
    assert.deepEqual(
      t.map((e) => e.label),
      ['generate', 'syntax', 'typescript', 'tests', 'repair 1', 'syntax', 'typescript'],
    );
    assert.equal(t[0]!.bar!.offsetPct, 0);
    assert.equal(t[0]!.bar!.widthPct, 48);
    assert.equal(t[4]!.outcome, 'ok');
  });
});
