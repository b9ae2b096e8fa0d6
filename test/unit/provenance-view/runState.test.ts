import assert from 'node:assert/strict';
import type { PatchState } from '../../../src/core/provenance/status';
import { runState } from '../../../src/vscode/provenance/runState';

function patch(status: PatchState['status'], more: Partial<PatchState> = {}): PatchState {
  return { patchId: 'p', file: 'src/a.ts', status, appliedHunkIds: [], rejectedHunkIds: [], partlyApplied: false, revisions: 0, ...more };
}

const label = (status: Parameters<typeof runState>[0]['status'], states: PatchState[]) => runState({ status }, states).label;

describe('provenance view: what a run amounts to after its decisions', () => {
  it('says Proposed only while nothing of it is decided or some of it is still open', () => {
    assert.equal(label('proposed', [patch('pending'), patch('pending')]), 'Proposed');
    assert.equal(label('proposed', [patch('rejected'), patch('pending')]), 'Proposed');
  });

  it('follows the patches once they are decided: rejected, rolled back, applied, partly applied, stale', () => {
    assert.equal(label('proposed', [patch('rejected')]), 'Rejected');
    assert.equal(label('proposed', [patch('rolled_back')]), 'Rolled back');
    assert.equal(label('proposed', [patch('rolled_back'), patch('rejected')]), 'Rolled back');
    assert.equal(label('proposed', [patch('applied'), patch('applied')]), 'Applied');
    assert.equal(label('proposed', [patch('applied'), patch('rejected')]), 'Partly applied');
    assert.equal(label('proposed', [patch('applied'), patch('pending')]), 'Partly applied');
    assert.equal(label('proposed', [patch('stale')]), 'Stale');
    assert.deepEqual(runState({ status: 'proposed' }, [patch('applied'), patch('rejected')]).key, 'partly_applied');
  });

  it('counts hunks on disk: a patch with some hunks applied makes the run partly applied until it is whole', () => {
    assert.equal(label('proposed', [patch('pending', { appliedHunkIds: ['h1'], partlyApplied: true })]), 'Partly applied');
    // Every hunk applied or rejected settles the patch as applied.
    assert.equal(label('proposed', [patch('applied', { appliedHunkIds: ['h1'], rejectedHunkIds: ['h2'] })]), 'Applied');
  });

  it('keeps how a run ended when it had nothing to decide', () => {
    assert.equal(label('no_valid_patch', [patch('pending')]), 'No valid patch');
    assert.equal(label('provider_error', []), 'Provider error');
    assert.equal(label('cancelled', []), 'Cancelled');
    assert.equal(label('proposed', []), 'Proposed');
  });
});
