import assert from 'node:assert/strict';
import { DecisionRecordSchema, RunRecordSchema } from '../../../src/core/provenance/schema';
import { computeStats } from '../../../src/core/provenance/stats';
import { buildViews } from '../../../src/core/provenance/views';
import { buildStatsVM, statsText } from '../../../src/vscode/provenance/statsViewModel';
import { sampleDecisions, sampleRun, sealed } from './sampleRun';

describe('provenance view: statistics', () => {
  it('states the figures over all runs from computeStats, dropping empty rows', () => {
    const a = sampleRun({ runId: 'r1' });
    const b = sampleRun({ runId: 'r2', createdAt: '2026-11-21T11:00:00.000Z' });
    // r2's first candidate passes at once and it makes no repair call.
    b.attempts = [{ ...b.attempts[0]!, success: true, errorsOut: 0, gates: [] }];
    b.modelCalls = [b.modelCalls[0]!];
    b.status = 'no_changes';
    const records = sealed([a, b, ...sampleDecisions('r1')]).map((r) =>
      r.kind === 'run' ? RunRecordSchema.parse(r) : DecisionRecordSchema.parse(r),
    );
    const vm = buildStatsVM(computeStats(buildViews(records, [])));
    assert.equal(vm.totalRuns, 2);
    assert.deepEqual(vm.byStatus, [
      { key: 'proposed', label: 'Proposed', count: 1 },
      { key: 'no_changes', label: 'No changes', count: 1 },
    ]);
    assert.equal(vm.firstAttemptPass, '1 of 2 (50%)');
    assert.equal(vm.repairSuccess, '1 of 1 (100%)');
    assert.equal(vm.repairTokens, '5.4k of 16k');
    // Only p1 of r1 is applied (0.22); p2 was rejected.
    assert.equal(vm.appliedRisk, 'mean 0.22 · worst 0.22 over 1 patch');
    assert.deepEqual(
      vm.findingsByCategory.map((r) => [r.key, r.count]),
      [
        ['syntax', 1],
        ['type_mismatch', 1],
      ],
    );
    assert.match(statsText(vm), /^Runs: 2 \(proposed 1, no changes 1\)$/m);
  });

  it('says so when there is nothing to count', () => {
    const vm = buildStatsVM(computeStats([]));
    assert.equal(vm.totalRuns, 0);
    assert.equal(vm.firstAttemptPass, 'none yet');
    assert.equal(vm.appliedRisk, 'no applied patch');
    assert.deepEqual(vm.byStatus, []);
  });
});
