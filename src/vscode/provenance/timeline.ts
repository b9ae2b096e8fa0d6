import { isBlocking } from '../../core/findings';
import type { Attempt, DecisionRecord, GateRun, RunRecord } from '../../core/provenance/schema';
import { formatDuration, formatOffset } from './format';
import type { TimelineEntryVM } from './protocol';

/**
 * The run's timeline: its phases as bars on one scale (the run's duration), each validation's
 * gates nested under it, then the review and the decisions, which happen after the run and so
 * are shown as offsets from its end rather than bars.
 *
 * Phase names come from the loop (timings.phases: `context`, `plan`, `generate 1`, `gates 1`,
 * `repair 2`, `gates 2`, `risk`). Gates carry only durations, so they are laid end to end from
 * the start of the `gates N` phase of their attempt. A run recorded without phases (a provider error
 * before any was timed) still gets a timeline, built from its model calls and gates in order.
 */

/** The loop names phases `gates 2`, `repair 2` (the attempt's index); older or other hosts may not number them. */
const VALIDATION = /^(?:validat\w*|gates?)(?:\s+(\d+))?$/i;
const REPAIR = /^repair(?:\s+(\d+))?$/i;
/** Narrow enough to stay visible at any width, wide enough to be seen. */
const MIN_WIDTH_PCT = 0.5;

export function buildTimeline(run: RunRecord, decisions: readonly DecisionRecord[]): TimelineEntryVM[] {
  const phases = [...run.timings.phases].sort((a, b) => a.startMs - b.startMs);
  const span = Math.max(run.timings.durationMs, ...phases.map((p) => p.startMs + p.durationMs), 1);
  const entries = phases.length > 0 ? fromPhases(run, phases, span) : synthesised(run, span);
  entries.push(...afterRun(run, decisions));
  return entries;
}

function bar(startMs: number, durationMs: number, span: number): { offsetPct: number; widthPct: number } {
  const offsetPct = clamp((startMs / span) * 100, 0, 100 - MIN_WIDTH_PCT);
  const widthPct = clamp((durationMs / span) * 100, MIN_WIDTH_PCT, 100 - offsetPct);
  return { offsetPct: round(offsetPct), widthPct: round(widthPct) };
}

function fromPhases(run: RunRecord, phases: RunRecord['timings']['phases'], span: number): TimelineEntryVM[] {
  const entries: TimelineEntryVM[] = [];
  const covered = new Set<number>();
  const byIndex = new Map(run.attempts.map((a) => [a.index, a]));
  // Phases without a number ("validate", "repair") take the attempts in order.
  const nextUnnumbered = { gates: 0, repair: 0 };
  const attemptFor = (kind: 'gates' | 'repair', number: string | undefined): Attempt | undefined => {
    if (number !== undefined) return byIndex.get(Number(number));
    const pool = kind === 'repair' ? run.attempts.filter((a) => a.phase === 'repair') : run.attempts;
    return pool[nextUnnumbered[kind]++];
  };
  phases.forEach((p, i) => {
    const entry: TimelineEntryVM = {
      key: `phase:${i}`,
      kind: 'phase',
      label: p.name,
      detail: '',
      durationLabel: formatDuration(p.durationMs),
      bar: bar(p.startMs, p.durationMs, span),
      depth: 0,
    };
    entries.push(entry);
    const repair = REPAIR.exec(p.name);
    if (repair) {
      const attempt = attemptFor('repair', repair[1]);
      if (attempt) {
        entry.detail = repairDetail(attempt);
        entry.outcome = attempt.success ? 'ok' : 'fail';
      }
    }
    const gates = VALIDATION.exec(p.name);
    if (gates) {
      const attempt = attemptFor('gates', gates[1]);
      if (attempt) {
        covered.add(attempt.index);
        entry.detail = `attempt ${attempt.index}`;
        entry.outcome = attempt.errorsOut === 0 ? 'ok' : 'fail';
        entries.push(...gateEntries(attempt, p.startMs, span));
      }
    }
  });
  // Attempts whose gates the loop did not time as a phase still show them, without bars.
  for (const attempt of run.attempts.filter((a) => !covered.has(a.index) && a.gates.length > 0)) {
    entries.push({
      key: `attempt:${attempt.index}`,
      kind: 'phase',
      label: `gates, attempt ${attempt.index}`,
      detail: attempt.phase === 'repair' ? repairDetail(attempt) : '',
      durationLabel: formatDuration(sum(attempt.gates)),
      outcome: attempt.errorsOut === 0 ? 'ok' : 'fail',
      depth: 0,
    });
    entries.push(...gateEntries(attempt, undefined, span));
  }
  return entries;
}

/** No phases recorded: model calls and gates end to end, in attempt order. */
function synthesised(run: RunRecord, span: number): TimelineEntryVM[] {
  const entries: TimelineEntryVM[] = [];
  let at = 0;
  run.modelCalls
    .filter((c) => c.phase === 'plan')
    .forEach((c, i) => {
      entries.push({
        key: `plan:${i}`,
        kind: 'phase',
        label: 'plan',
        detail: c.model,
        durationLabel: formatDuration(c.durationMs),
        bar: bar(at, c.durationMs, span),
        outcome: c.error ? 'fail' : undefined,
        depth: 0,
      });
      at += c.durationMs;
    });
  for (const attempt of run.attempts) {
    const calls = run.modelCalls.filter((c) => c.phase === attempt.phase && c.attempt === attempt.index);
    const ms = calls.reduce((n, c) => n + c.durationMs, 0);
    entries.push({
      key: `attempt:${attempt.index}`,
      kind: 'phase',
      label: attempt.phase === 'repair' ? `repair ${attempt.index - 1}` : 'generate',
      detail: attempt.phase === 'repair' ? repairDetail(attempt) : '',
      durationLabel: formatDuration(ms),
      bar: bar(at, ms, span),
      outcome: attempt.errorsOut === 0 ? 'ok' : 'fail',
      depth: 0,
    });
    at += ms;
    entries.push(...gateEntries(attempt, at, span));
    at += sum(attempt.gates);
  }
  return entries;
}

function gateEntries(attempt: Attempt, startMs: number | undefined, span: number): TimelineEntryVM[] {
  let at = startMs;
  const entries: TimelineEntryVM[] = [];
  /** The gates folded into the last row, while it is a run of skips for one reason. */
  let skippedRun: { reason: string; gates: string[] } | undefined;
  attempt.gates.forEach((g, i) => {
    const previous = entries[entries.length - 1];
    // Gates skipped for the same reason (everything after a failed syntax stage) read as one row.
    if (g.skipped && previous && skippedRun?.reason === g.skipped) {
      skippedRun.gates.push(g.gate);
      previous.label = `${skippedRun.gates.length} gates skipped`;
      previous.detail = `${skippedRun.gates.join(', ')}: ${g.skipped}`;
      return;
    }
    skippedRun = g.skipped ? { reason: g.skipped, gates: [g.gate] } : undefined;
    const blocking = g.findings.filter(isBlocking).length;
    const entry: TimelineEntryVM = {
      key: `gate:${attempt.index}:${i}`,
      kind: 'gate',
      label: g.gate,
      detail: g.skipped
        ? `skipped: ${g.skipped}`
        : `${g.findings.length} finding${g.findings.length === 1 ? '' : 's'}${blocking ? `, ${blocking} blocking` : ''}${g.checker ? `; ${g.checker}` : ''}`,
      durationLabel: formatDuration(g.durationMs),
      outcome: g.skipped ? 'skipped' : blocking > 0 ? 'fail' : 'ok',
      depth: 1,
    };
    if (at !== undefined) {
      entry.bar = bar(at, g.durationMs, span);
      at += g.durationMs;
    }
    entries.push(entry);
  });
  return entries;
}

/** Review: from the proposal to the first human (or auto-apply) decision; then each decision. */
function afterRun(run: RunRecord, decisions: readonly DecisionRecord[]): TimelineEntryVM[] {
  const ended = Date.parse(run.timings.endedAt);
  const ordered = decisions.filter((d) => d.runId === run.runId).sort((a, b) => a.seq - b.seq);
  const entries: TimelineEntryVM[] = [];
  const first = ordered.find((d) => d.decision !== 'stale');
  if (first) {
    entries.push({
      key: 'review',
      kind: 'review',
      label: 'review',
      detail: `until ${first.decision} by ${first.actor}`,
      durationLabel: formatDuration(Date.parse(first.createdAt) - ended),
      depth: 0,
    });
  }
  ordered.forEach((d) => {
    entries.push({
      key: `decision:${d.seq}`,
      kind: 'decision',
      label: d.decision,
      detail: `${d.patchIds.join(', ')} by ${d.actor}`,
      durationLabel: formatOffset(Date.parse(d.createdAt) - ended),
      outcome: d.decision === 'apply' ? 'ok' : d.decision === 'reject' || d.decision === 'stale' ? 'fail' : undefined,
      depth: 0,
    });
  });
  return entries;
}

function repairDetail(a: Attempt): string {
  return `${a.errorsIn} blocking in, ${a.errorsOut} out`;
}

function sum(gates: readonly GateRun[]): number {
  return gates.reduce((n, g) => n + g.durationMs, 0);
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
