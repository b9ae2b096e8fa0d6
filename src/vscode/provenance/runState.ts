import type { RunRecord, RunStatus } from '../../core/provenance/schema';
import type { PatchState } from '../../core/provenance/status';
import { statusLabel } from './format';

/**
 * What a run amounts to now, for its badge in the Provenance view and its icon and description in
 * the Runs tree. The record's status says how the run ended ("proposed"); once someone decides on
 * its patches, what matters is what they did: a proposal whose patch was rejected is "Rejected",
 * not still "Proposed". 'vscode'-free, so it is unit-tested under plain mocha.
 */

export type RunStateKey = RunStatus | 'applied' | 'partly_applied' | 'rejected' | 'rolled_back' | 'stale';

export interface RunState {
  key: RunStateKey;
  /** "Applied", "Partly applied", "Rolled back"... */
  label: string;
}

/** Some of the patch's bytes are on disk (the whole patch, or hunks of it). */
export function patchOnDisk(s: PatchState): boolean {
  return s.status === 'applied' || (s.status !== 'rolled_back' && s.appliedHunkIds.length > 0);
}

function isOpen(s: PatchState): boolean {
  return s.status === 'pending' || s.status === 'approved';
}

export function runState(run: Pick<RunRecord, 'status'>, states: readonly PatchState[]): RunState {
  const of = (key: RunStateKey): RunState => ({ key, label: key === 'partly_applied' ? 'Partly applied' : statusLabel(key) });
  // A run that ended without a proposal has nothing anyone could decide on.
  if (run.status !== 'proposed' || states.length === 0) return of(run.status);
  const onDisk = states.filter(patchOnDisk).length;
  if (onDisk > 0) return onDisk === states.length && states.every((s) => s.status === 'applied') ? of('applied') : of('partly_applied');
  if (states.some(isOpen)) return of('proposed');
  // Every patch is decided and none is on disk.
  if (states.some((s) => s.status === 'rolled_back')) return of('rolled_back');
  if (states.some((s) => s.status === 'stale')) return of('stale');
  return of('rejected');
}
