import type { DecisionRecord, Patch, RunRecord } from '../../core/provenance/schema';
import { foldDecisions, type PatchState } from '../../core/provenance/status';
import { attemptFindings, groupFindings } from './findingGroups';
import { formatDuration, formatScore, formatTime, formatTokens, shortSha, statusLabel } from './format';
import { coverageText } from '../review/labels';
import type { AttemptVM, DecisionVM, ModelCallVM, PatchVM, RunVM } from './protocol';
import { runState } from './runState';
import { buildTimeline } from './timeline';

/**
 * Turns one run (its record, its decisions and its patches' folded states) into the view model
 * the Provenance page draws. Pure and 'vscode'-free: the unit tests in
 * test/unit/provenance-view/ run it under plain mocha, and the integration test asserts on its
 * output as posted to the page.
 */

export interface RunInput {
  run: RunRecord;
  decisions: readonly DecisionRecord[];
  /** Each patch's current state; folded from `decisions` when not given. */
  states?: readonly PatchState[];
}

export interface RunVMOptions {
  /** True when the run is the one picked in the approval tree (else the view shows the latest). */
  pinned?: boolean;
  /** IANA zone for times; the machine's by default. */
  timeZone?: string;
}

export function buildRunVM(input: RunInput, options: RunVMOptions = {}): RunVM {
  const { run, decisions } = input;
  const mine = decisions.filter((d) => d.runId === run.runId).sort((a, b) => a.seq - b.seq);
  const states = input.states ?? foldDecisions(run, mine).patches;
  const state = runState(run, states);
  const calls = run.modelCalls;
  const cacheRead = calls.reduce((n, c) => n + c.cacheReadTokens, 0);
  const cacheWrite = calls.reduce((n, c) => n + c.cacheWriteTokens, 0);
  return {
    runId: run.runId,
    createdAt: formatTime(run.createdAt, options.timeZone),
    status: run.status,
    state: state.key,
    statusLabel: state.label,
    pinned: options.pinned ?? false,
    error: run.error ? `${run.error.kind}: ${run.error.message}` : undefined,
    instruction: run.instruction,
    targets: run.targets.map((t) => (t.function ? `${t.path} (${t.function})` : t.path)),
    preset: run.preset,
    provider: `${run.provider.label} · ${run.provider.model}`,
    duration: formatDuration(run.timings.durationMs),
    totals: {
      calls: calls.length,
      tokensIn: formatTokens(calls.reduce((n, c) => n + c.inputTokens, 0)),
      tokensOut: formatTokens(calls.reduce((n, c) => n + c.outputTokens, 0)),
      cache: cacheLabel(cacheRead, cacheWrite),
    },
    timeline: buildTimeline(run, mine),
    modelCalls: calls.map((c, i): ModelCallVM => ({
      key: `m${i}`,
      phase: c.phase,
      attempt: c.attempt,
      provider: c.provider,
      model: c.model,
      tokensIn: formatTokens(c.inputTokens),
      tokensOut: formatTokens(c.outputTokens),
      cache: cacheLabel(c.cacheReadTokens, c.cacheWriteTokens),
      duration: formatDuration(c.durationMs),
      retries: c.retries,
      stopReason: c.stopReason,
      error: c.error,
    })),
    attempts: buildAttempts(run),
    patches: run.patches.map((p) =>
      patchVM(
        p,
        states.find((s) => s.patchId === p.id),
      ),
    ),
    decisions: mine.map((d) => decisionVM(d, options.timeZone)),
  };
}

function buildAttempts(run: RunRecord): AttemptVM[] {
  const ordered = [...run.attempts].sort((a, b) => a.index - b.index);
  return ordered.map((a, i): AttemptVM => {
    const previous = i > 0 ? ordered[i - 1] : undefined;
    const outcome = a.success ? 'passed every gate' : `${a.errorsOut} blocking left`;
    const summary =
      a.phase === 'repair'
        ? `${a.errorsIn} blocking in, ${a.errorsOut} out: ${a.success ? 'repaired' : 'not repaired'} · ${formatTokens(a.tokens)} tokens`
        : `${outcome} · ${formatTokens(a.tokens)} tokens`;
    return {
      index: a.index,
      phase: a.phase,
      title: a.phase === 'repair' ? `Repair ${i} (attempt ${a.index})` : `Attempt ${a.index}: generate`,
      summary,
      success: a.success,
      edits: a.edits.map((e) => ({
        label: `${e.tool}${e.path ? ` ${e.path}` : ''}${e.matchKind ? ` (${e.matchKind.replace(/_/g, ' ')})` : ''}`,
        ok: e.ok,
        error: e.error,
      })),
      beforeAttempt: a.phase === 'repair' && previous ? previous.index : undefined,
      after: groupFindings(attemptFindings(a), `a${a.index}`, a.index),
    };
  });
}

function patchVM(p: Patch, state: PatchState | undefined): PatchVM {
  let status = state ? statusLabel(state.status) : 'Pending';
  if (state?.partlyApplied) status += ' (partly applied)';
  return {
    id: p.id,
    file: p.file,
    status,
    valid: p.valid,
    beforeSha: shortSha(p.beforeSha256, 'new file'),
    afterSha: shortSha(p.afterSha256, 'deleted'),
    linesAdded: p.linesAdded,
    linesRemoved: p.linesRemoved,
    riskScore: formatScore(p.risk.score),
    riskLevel: p.risk.level,
    riskFactors: [...p.risk.factors]
      .sort((a, b) => b.contribution - a.contribution)
      .map((f) => ({ label: f.label, contribution: `+${formatScore(f.contribution)}`, detail: f.detail })),
    matchKinds: [...new Set(p.matchKinds)].map((k) => k.replace(/_/g, ' ')),
    hunks: p.hunks.length,
    ...(p.coverage ? { coverage: coverageText(p.coverage) } : {}),
  };
}

function decisionVM(d: DecisionRecord, timeZone: string | undefined): DecisionVM {
  return {
    key: `d${d.seq}`,
    time: formatTime(d.createdAt, timeZone),
    timeIso: d.createdAt,
    decision: d.decision,
    actor: d.actor,
    target: d.hunkIds && d.hunkIds.length > 0 ? `${d.patchIds.join(', ')} (hunks ${d.hunkIds.join(', ')})` : d.patchIds.join(', '),
    detail: d.detail,
  };
}

function cacheLabel(read: number, write: number): string {
  if (read === 0 && write === 0) return '–';
  return `read ${formatTokens(read)} / write ${formatTokens(write)}`;
}
