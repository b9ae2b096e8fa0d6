import type { DecisionRecord, Patch, PatchStatus, RunRecord } from './schema';

/**
 * A patch's current status is never stored: it is folded from its run's decision records, in
 * chain order. The same rules decide whether a new decision is allowed (the store refuses one
 * that is not) and how a stored one is read (one that breaks them is skipped and reported, so
 * a hand-written record cannot crash a reader).
 *
 *   pending -approve-> approved -apply-> applied -rollback-> rolled_back
 *   pending|approved -reject-> rejected      pending|approved -stale-> stale
 *   pending|approved -revise-> pending (the patch is now the person's revision; no hunk decided yet)
 *
 * Per-hunk decisions name hunk ids: applying some hunks leaves the patch pending (or approved)
 * and partly applied until every hunk is applied or rejected; then it is `applied` when any hunk
 * was applied and `rejected` when none was. A rollback restores the whole file, so it names no hunks.
 */

export interface PatchState {
  patchId: string;
  file: string;
  status: PatchStatus;
  /** Hunks written to disk and not rolled back. */
  appliedHunkIds: string[];
  rejectedHunkIds: string[];
  /** Some hunks are on disk while others are still undecided (or the patch went stale). */
  partlyApplied: boolean;
  /** The last decision that changed it. */
  lastDecision?: { decision: DecisionRecord['decision']; at: string; actor: string };
  /** How many times a person revised it (edit before approve); the patch readers see is the latest. */
  revisions: number;
}

/** The part of a decision the fold looks at. */
export type DecisionInput = Pick<DecisionRecord, 'decision' | 'patchIds' | 'hunkIds'> &
  Partial<Pick<DecisionRecord, 'createdAt' | 'actor' | 'revision'>>;

export function initialStates(run: RunRecord): PatchState[] {
  return run.patches.map((p) => ({
    patchId: p.id,
    file: p.file,
    status: 'pending',
    appliedHunkIds: [],
    rejectedHunkIds: [],
    partlyApplied: false,
    revisions: 0,
  }));
}

/** Why `decision` cannot be taken now, or undefined when it can. */
export function checkDecision(run: RunRecord, states: readonly PatchState[], decision: DecisionInput): string | undefined {
  const result = step(run, states, decision);
  return typeof result === 'string' ? result : undefined;
}

/** The states after `decision`, or the one-line reason it is refused. Never mutates its input. */
export function step(run: RunRecord, states: readonly PatchState[], decision: DecisionInput): PatchState[] | string {
  if (decision.patchIds.length === 0) return `A ${decision.decision} decision must name at least one patch.`;
  const byId = new Map(run.patches.map((p) => [p.id, p]));
  const unknown = decision.patchIds.filter((id) => !byId.has(id));
  if (unknown.length > 0) return `Run ${run.runId} has no patch ${unknown.join(', ')}.`;
  if (decision.hunkIds !== undefined) {
    if (decision.decision === 'rollback') return 'A rollback restores the whole file; it takes no hunk ids.';
    if (decision.decision === 'stale') return 'A patch goes stale as a whole; stale takes no hunk ids.';
    if (decision.decision === 'revise') return 'A revision replaces the whole proposal; it takes no hunk ids.';
    const owned = new Set(decision.patchIds.flatMap((id) => byId.get(id)!.hunks.map((h) => h.id)));
    const stray = decision.hunkIds.filter((h) => !owned.has(h));
    if (stray.length > 0) return `No named patch has hunk ${stray.join(', ')}.`;
  }
  const next = states.map((s) => ({ ...s }));
  for (const patchId of new Set(decision.patchIds)) {
    const i = next.findIndex((s) => s.patchId === patchId);
    if (i < 0) return `Run ${run.runId} has no state for patch ${patchId}.`;
    const moved = stepPatch(byId.get(patchId)!, next[i]!, decision);
    if (typeof moved === 'string') return moved;
    next[i] = moved;
  }
  return next;
}

function stepPatch(patch: Patch, s: PatchState, d: DecisionInput): PatchState | string {
  const all = patch.hunks.map((h) => h.id);
  const named = d.hunkIds === undefined ? undefined : all.filter((h) => d.hunkIds!.includes(h));
  if (named !== undefined && named.length === 0) return `Patch ${patch.id} has none of the hunks named.`;
  const open = s.status === 'pending' || s.status === 'approved';
  const stamp = d.createdAt !== undefined ? { lastDecision: { decision: d.decision, at: d.createdAt, actor: d.actor ?? '' } } : {};
  const refuse = (what: string) => `Cannot ${what} patch ${patch.id}: it is ${describe(s)}.`;

  switch (d.decision) {
    case 'approve': {
      if (!open && s.status !== 'rejected') return refuse('approve');
      // Approving reopens hunks rejected earlier: the user changed their mind before applying.
      const rejected = named === undefined ? [] : s.rejectedHunkIds.filter((h) => !named.includes(h));
      return settle(all, { ...s, ...stamp, status: 'approved', rejectedHunkIds: rejected });
    }
    case 'reject': {
      if (!open && s.status !== 'rejected') return refuse('reject');
      const target = named ?? all.filter((h) => !s.appliedHunkIds.includes(h));
      const onDisk = target.filter((h) => s.appliedHunkIds.includes(h));
      if (onDisk.length > 0) return `Cannot reject hunk ${onDisk.join(', ')} of patch ${patch.id}: it is applied; roll it back instead.`;
      const rejected = union(s.rejectedHunkIds, target);
      if (all.length === 0) return { ...s, ...stamp, status: 'rejected', rejectedHunkIds: [], partlyApplied: false };
      return settle(all, { ...s, ...stamp, rejectedHunkIds: rejected }, true);
    }
    case 'apply': {
      if (!open) return refuse('apply');
      if (!patch.valid) return `Cannot apply patch ${patch.id}: it did not pass the gates.`;
      // A whole-patch apply writes every hunk not rejected; naming hunks writes only those.
      const target = named ?? all.filter((h) => !s.rejectedHunkIds.includes(h) && !s.appliedHunkIds.includes(h));
      const again = target.filter((h) => s.appliedHunkIds.includes(h));
      if (again.length > 0) return `Hunk ${again.join(', ')} of patch ${patch.id} is already applied.`;
      if (all.length === 0) return { ...s, ...stamp, status: 'applied', partlyApplied: false };
      if (target.length === 0) return `Patch ${patch.id} has no hunk left to apply.`;
      const applied = union(s.appliedHunkIds, target);
      return settle(
        all,
        { ...s, ...stamp, appliedHunkIds: applied, rejectedHunkIds: s.rejectedHunkIds.filter((h) => !target.includes(h)) },
        true,
      );
    }
    case 'rollback': {
      if (s.status !== 'applied' && s.appliedHunkIds.length === 0) return refuse('roll back');
      return { ...s, ...stamp, status: 'rolled_back', appliedHunkIds: [], partlyApplied: false };
    }
    case 'stale': {
      if (!open) return refuse('mark stale');
      return { ...s, ...stamp, status: 'stale' };
    }
    case 'revise': {
      const r = d.revision;
      if (!r) return `A revise decision for patch ${patch.id} carries no revision.`;
      if (d.patchIds.length !== 1) return 'A revise decision names exactly one patch.';
      if (!open) return refuse('revise');
      if (s.appliedHunkIds.length > 0 || s.rejectedHunkIds.length > 0)
        return `Cannot revise patch ${patch.id}: some of its hunks are already decided.`;
      if (r.patch.id !== patch.id || r.patch.file !== patch.file || r.patch.beforeSha256 !== patch.beforeSha256)
        return `The revision of patch ${patch.id} is of another file or another original.`;
      if (r.baseSha256 !== patch.afterSha256)
        return `The revision of patch ${patch.id} was made from a proposal that is no longer current.`;
      // Approval was of the text before the edit: the revision is pending until approved again.
      return { ...s, ...stamp, status: 'pending', revisions: s.revisions + 1 };
    }
  }
}

/** Once every hunk is applied or rejected the patch is done; until then it keeps its open status. */
function settle(all: string[], s: PatchState, closes = false): PatchState {
  const undecided = all.filter((h) => !s.appliedHunkIds.includes(h) && !s.rejectedHunkIds.includes(h));
  let status = s.status;
  if (closes && undecided.length === 0 && all.length > 0) status = s.appliedHunkIds.length > 0 ? 'applied' : 'rejected';
  return { ...s, status, partlyApplied: s.appliedHunkIds.length > 0 && status !== 'applied' };
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

function describe(s: PatchState): string {
  return s.partlyApplied ? `${s.status.replace('_', ' ')} and partly applied` : s.status.replace('_', ' ');
}

export interface Fold {
  patches: PatchState[];
  /** The run's patches as they now stand: each the latest revision a person made of it, else the model's. */
  current: Patch[];
  /** Stored decisions the rules refuse (only a hand-written record can be one): skipped, with why. */
  anomalies: { seq: number; message: string }[];
}

/** Folds a run's decisions, in chain order, into each patch's current state. */
export function foldDecisions(run: RunRecord, decisions: readonly DecisionRecord[]): Fold {
  let patches = initialStates(run);
  let current = run.patches;
  const anomalies: Fold['anomalies'] = [];
  for (const d of [...decisions].sort((a, b) => a.seq - b.seq)) {
    if (d.runId !== run.runId) continue;
    const next = step({ ...run, patches: current }, patches, d);
    if (typeof next === 'string') anomalies.push({ seq: d.seq, message: next });
    else {
      patches = next;
      const revised = d.decision === 'revise' ? d.revision?.patch : undefined;
      if (revised) current = current.map((p) => (p.id === revised.id ? revised : p));
    }
  }
  return { patches, current, anomalies };
}

/** Patch counts by status, every status present (zeros included) so tables line up. */
export function countByStatus(states: readonly PatchState[]): Record<PatchStatus, number> {
  const counts: Record<PatchStatus, number> = { pending: 0, approved: 0, rejected: 0, applied: 0, rolled_back: 0, stale: 0 };
  for (const s of states) counts[s.status]++;
  return counts;
}

/** On disk now: applied whole, or some hunks applied and not rolled back. */
export function isOnDisk(s: PatchState): boolean {
  return s.status === 'applied' || (s.status !== 'rolled_back' && s.appliedHunkIds.length > 0);
}
