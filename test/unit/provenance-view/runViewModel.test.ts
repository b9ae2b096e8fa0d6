import assert from 'node:assert/strict';
import { DecisionRecordSchema, RunRecordSchema } from '../../../src/core/provenance/schema';
import { buildRunVM } from '../../../src/vscode/provenance/runViewModel';
import { SHA_A, sampleDecisions, sampleRun, sealed } from './sampleRun';

function input(options: Parameters<typeof sampleRun>[0] = {}, withDecisions = true) {
  const [run] = sealed([sampleRun(options)]);
  const decisions = withDecisions ? sealed(sampleDecisions(), 2) : [];
  return { run: RunRecordSchema.parse(run), decisions: decisions.map((d) => DecisionRecordSchema.parse(d)) };
}

describe('provenance view: run view model', () => {
  it('carries the instruction, targets, provider and token totals', () => {
    const vm = buildRunVM(input(), { timeZone: 'UTC', pinned: true });
    assert.equal(vm.instruction, 'Add caching to the user service');
    assert.deepEqual(vm.targets, ['src/user.ts (getUser)', 'src/cache.ts']);
    assert.equal(vm.provider, 'Replay of transcript.json (recorded, no model called) · recorded-demo');
    assert.ok(vm.modelCalls.every((c) => c.model === 'recorded-demo'));
    assert.equal(vm.createdAt, '2026-11-21 10:00:00');
    // One patch applied, one rejected: the badge says what the decisions made of the proposal.
    assert.equal(vm.status, 'proposed');
    assert.equal(vm.state, 'partly_applied');
    assert.equal(vm.statusLabel, 'Partly applied');
    assert.equal(vm.pinned, true);
    assert.deepEqual(vm.totals, { calls: 2, tokensIn: '9.3k', tokensOut: '1.2k', cache: 'read 3k / write 0' });
  });

  it('lists every model call with tokens, cache, duration and retries', () => {
    const vm = buildRunVM(input(), { timeZone: 'UTC' });
    assert.equal(vm.modelCalls.length, 2);
    assert.deepEqual(
      vm.modelCalls.map((c) => [c.phase, c.attempt, c.tokensIn, c.tokensOut, c.cache, c.duration, c.retries]),
      [
        ['generate', 1, '4.2k', '900', 'read 3k / write 0', '2.4 s', 0],
        ['repair', 2, '5.1k', '300', '–', '1.2 s', 1],
      ],
    );
  });

  it('groups each attempt’s findings by category, blocking first, and links a repair to what it was given', () => {
    const vm = buildRunVM(input({ extraFindings: 6 }), { timeZone: 'UTC' });
    const [first, repair] = vm.attempts;
    assert.equal(first!.after.total, 8);
    assert.equal(first!.after.blocking, 2);
    // Category order follows FINDING_CATEGORIES, not arrival order.
    assert.deepEqual(
      first!.after.groups.map((g) => [g.category, g.count, g.blocking]),
      [
        ['syntax', 1, 1],
        ['undefined_name', 3, 0],
        ['type_mismatch', 1, 1],
        ['rule', 3, 0],
      ],
    );
    assert.equal(first!.after.groups[0]!.findings[0]!.location, 'src/cache.ts:7:3');
    assert.equal(first!.beforeAttempt, undefined);
    assert.equal(repair!.beforeAttempt, 1);
    assert.equal(repair!.after.blocking, 0);
    assert.equal(repair!.title, 'Repair 1 (attempt 2)');
    assert.match(repair!.summary, /^2 blocking in, 0 out: repaired/);
    // Keys are unique across the whole run, so the page can remember what is open.
    const keys = vm.attempts.flatMap((a) => a.after.groups.flatMap((g) => g.findings.map((f) => f.key)));
    assert.equal(new Set(keys).size, keys.length);
  });

  it('shows each patch with short and full hashes, lines, risk factors by weight, match kinds and folded status', () => {
    const vm = buildRunVM(input(), { timeZone: 'UTC' });
    const [p1, p2] = vm.patches;
    assert.equal(p1!.beforeSha.short, SHA_A.slice(0, 8));
    assert.equal(p1!.beforeSha.full.length, 64);
    assert.equal(p1!.status, 'Applied');
    assert.deepEqual(
      p1!.riskFactors.map((f) => f.label),
      ['Public symbols', 'Share changed'],
    );
    assert.equal(p1!.riskFactors[0]!.contribution, '+0.17');
    assert.equal(p2!.beforeSha.short, 'new file');
    assert.equal(p2!.status, 'Rejected');
    assert.deepEqual(p2!.matchKinds, ['indentation', 'whole file']);
    assert.equal(p2!.riskScore, '0.41');
    assert.equal(p2!.riskLevel, 'medium');
  });

  it('lists decisions with time and actor, and without decisions every patch is pending', () => {
    const vm = buildRunVM(input(), { timeZone: 'UTC' });
    assert.deepEqual(
      vm.decisions.map((d) => [d.time, d.decision, d.actor, d.target]),
      [
        ['2026-11-21 10:01:05', 'approve', 'vscode:ana', 'p1'],
        ['2026-11-21 10:01:10', 'apply', 'vscode:ana', 'p1'],
        ['2026-11-21 10:01:20', 'reject', 'vscode:ana', 'p2'],
      ],
    );
    const bare = buildRunVM(input({}, false), { timeZone: 'UTC' });
    assert.deepEqual(
      bare.patches.map((p) => p.status),
      ['Pending', 'Pending'],
    );
    assert.deepEqual(bare.decisions, []);
  });

  it('ignores decisions of other runs', () => {
    const data = input();
    const other = sealed(sampleDecisions('run-other'), 10).map((d) => DecisionRecordSchema.parse(d));
    const vm = buildRunVM({ run: data.run, decisions: [...other] }, { timeZone: 'UTC' });
    assert.deepEqual(vm.decisions, []);
    assert.deepEqual(
      vm.patches.map((p) => p.status),
      ['Pending', 'Pending'],
    );
  });
});

describe('provenance view: coverage of changed lines', () => {
  it('says how many changed lines the tests ran, and which not, where it was measured', () => {
    const { run, decisions } = input();
    const measured = {
      ...run,
      patches: run.patches.map((p, i) =>
        i === 0 ? { ...p, coverage: { tool: 'v8' as const, changedLines: 4, coveredLines: 1, uncovered: [3, 9, 12] } } : p,
      ),
    };
    const vm = buildRunVM({ run: RunRecordSchema.parse(measured), decisions }, { timeZone: 'UTC' });
    assert.equal(vm.patches[0]!.coverage, 'Tests run 1 of 4 changed lines (not run: lines 3, 9, 12)');
    assert.ok(vm.patches.slice(1).every((p) => p.coverage === undefined));
    const all = {
      ...measured,
      patches: [{ ...measured.patches[0]!, coverage: { tool: 'coverage.py' as const, changedLines: 2, coveredLines: 2, uncovered: [] } }],
    };
    assert.equal(
      buildRunVM({ run: RunRecordSchema.parse(all), decisions }, { timeZone: 'UTC' }).patches[0]!.coverage,
      'Tests run every changed line (2)',
    );
  });
});
