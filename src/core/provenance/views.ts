import type { RecordProblem } from './records';
import type { DecisionRecord, PatchStatus, RunRecord, RunStatus, StoreRecord } from './schema';
import { countByStatus, foldDecisions, type PatchState } from './status';

/** One run as readers see it: its record, its decisions, and each patch's folded state. */
export interface RunView {
  /** The run, its patches as they now stand (a person's latest revision of one replaces the model's). */
  run: RunRecord;
  /** The run record as stored: the model's patches. */
  record: RunRecord;
  decisions: DecisionRecord[];
  patches: PatchState[];
  /** Stored decisions the status rules refuse: skipped, with why (only hand-written ones can be). */
  anomalies: { seq: number; message: string }[];
  /** Damaged records elsewhere in the store, so a caller can say "run verify". */
  storeProblems: RecordProblem[];
  /**
   * Some of its records come from before records were signed and no adoption covers them: shown,
   * never acted on (apply, reject, rollback refuse) until the store is adopted.
   */
  unsigned: boolean;
}

/** One line of `list-runs`. */
export interface RunSummary {
  runId: string;
  seq: number;
  createdAt: string;
  instruction: string;
  status: RunStatus;
  /** Files the run's patches touch (its targets when it has no patch). */
  files: string[];
  patchCounts: Record<PatchStatus, number>;
  /** Highest patch risk score, when the run has patches. */
  maxRisk?: number;
}

/** Newest first. An array, with the damaged records it skipped alongside. */
export type RunList = RunSummary[] & { problems: RecordProblem[] };

/** Groups live records into run views, in chain order. `unadopted`: seqs of unsigned records no adoption covers. */
export function buildViews(
  records: readonly StoreRecord[],
  storeProblems: RecordProblem[],
  unadopted: ReadonlySet<number> = new Set(),
): RunView[] {
  const decisions = new Map<string, DecisionRecord[]>();
  for (const r of records) {
    if (r.kind !== 'decision') continue;
    const list = decisions.get(r.runId) ?? [];
    list.push(r);
    decisions.set(r.runId, list);
  }
  const views: RunView[] = [];
  for (const r of records) {
    if (r.kind !== 'run') continue;
    const own = decisions.get(r.runId) ?? [];
    const fold = foldDecisions(r, own);
    const unsigned = unadopted.has(r.seq) || own.some((d) => unadopted.has(d.seq));
    views.push({
      run: fold.current === r.patches ? r : { ...r, patches: fold.current },
      record: r,
      decisions: own,
      patches: fold.patches,
      anomalies: fold.anomalies,
      storeProblems,
      unsigned,
    });
  }
  return views.sort((a, b) => a.run.seq - b.run.seq);
}

export function summarize(view: RunView): RunSummary {
  const { run } = view;
  const files = run.patches.length > 0 ? [...new Set(run.patches.map((p) => p.file))] : run.targets.map((t) => t.path);
  const summary: RunSummary = {
    runId: run.runId,
    seq: run.seq,
    createdAt: run.createdAt,
    instruction: run.instruction,
    status: run.status,
    files,
    patchCounts: countByStatus(view.patches),
  };
  if (run.patches.length > 0) summary.maxRisk = Math.max(...run.patches.map((p) => p.risk.score));
  return summary;
}
