import { formatFinding, isBlocking } from '../core/findings';
import { keptAttemptOf, runFindings } from '../core/provenance/runFindings';
import { blockingProblemCount, followersNote, groupCascades } from '../core/validate/cascades';
import type { Patch, RunRecord } from '../core/provenance/schema';
import type { PatchState } from '../core/provenance/status';
import type { RunView } from '../core/provenance/views';
import { table } from './table';

export function riskLabel(score: number, level: string): string {
  return `${score.toFixed(2)} ${level}`;
}

/** The patch table of a run: file, valid, risk, status. */
export function patchTable(run: RunRecord, states?: readonly PatchState[]): string {
  const rows = run.patches.map((p) => [
    p.id,
    p.file,
    p.valid ? 'yes' : 'no',
    riskLabel(p.risk.score, p.risk.level),
    `+${p.linesAdded} -${p.linesRemoved}`,
    statusOf(p, states),
  ]);
  return table(['patch', 'file', 'valid', 'risk', 'lines', 'status'], rows);
}

/** A patch's status for people: "rolled back", "applied (partly applied)". */
export function statusOf(p: Patch, states?: readonly PatchState[]): string {
  const { status, partlyApplied } = patchStatus(p, states);
  return partlyApplied ? `${status} (partly applied)` : status.replace(/_/g, ' ');
}

/** A patch's status for programs (`--json`): the enum value itself (`rolled_back`), never reworded. */
export function patchStatus(p: Patch, states?: readonly PatchState[]): { status: PatchState['status']; partlyApplied: boolean } {
  const s = states?.find((x) => x.patchId === p.id);
  return s ? { status: s.status, partlyApplied: s.partlyApplied } : { status: 'pending', partlyApplied: false };
}

/** A run's story in a few lines: attempts, what each gate found, where the record went. */
export function runSummary(run: RunRecord): string {
  const lines: string[] = [];
  lines.push(`Run ${run.runId}${run.mode === 'generate' ? ' (generate)' : ''}: ${run.status.replace(/_/g, ' ')}`);
  lines.push(`  ${run.mode === 'generate' ? 'specification' : 'instruction'}: ${run.instruction}`);
  lines.push(`  provider: ${run.provider.label}; preset ${run.preset}`);
  if (run.plan)
    lines.push(
      `  plan:\n${run.plan
        .split('\n')
        .map((l) => '    ' + l)
        .join('\n')}`,
    );
  for (const a of run.attempts) {
    const failedEdits = a.edits.filter((e) => !e.ok).length;
    const kinds = a.edits
      .filter((e) => e.ok)
      .map((e) => e.matchKind)
      .filter(Boolean);
    const problems = blockingProblemCount(a.gates.flatMap((g) => g.findings)) + failedEdits;
    lines.push(
      `  attempt ${a.index} (${a.phase}): ${a.edits.length} edit${a.edits.length === 1 ? '' : 's'}${kinds.length ? ` [${kinds.join(', ')}]` : ''}${failedEdits ? `, ${failedEdits} refused` : ''}; ` +
        (a.success
          ? 'all gates passed'
          : `${problems} blocking problem${problems === 1 ? '' : 's'}${a.errorsOut > problems ? ` (${a.errorsOut} findings)` : ''}`),
    );
    for (const e of a.edits.filter((x) => !x.ok)) lines.push(`      refused ${e.tool}: ${(e.error ?? '').split('\n')[0]}`);
    const skipped = new Map<string, string[]>();
    for (const g of a.gates) {
      if (g.skipped) {
        skipped.set(g.skipped, [...(skipped.get(g.skipped) ?? []), g.gate]);
        continue;
      }
      // A syntax cascade is one problem, its first error shown with how many follow from it.
      const blocking = groupCascades(g.findings.filter(isBlocking));
      const warnings = g.findings.filter((f) => f.introduced && !isBlocking(f)).length;
      lines.push(
        `      ${g.gate}: ${blocking.length ? `${blocking.length} blocking` : 'passed'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''} in ${g.durationMs.toFixed(0)} ms${g.checker ? ` (${g.checker})` : ''}`,
      );
      for (const group of blocking.slice(0, 5)) {
        const note = followersNote(group);
        lines.push(`        ${formatFinding(group.first)}${note ? ` (${note})` : ''}`);
      }
      if (blocking.length > 5) lines.push(`        ... and ${blocking.length - 5} more`);
    }
    // Gates skipped for one reason read as one line, so the gates that did run stand out.
    for (const [reason, gates] of skipped) lines.push(`      skipped (${reason}): ${gates.join(', ')}`);
  }
  if (run.error) lines.push(`  error: ${run.error.message}`);
  const tokens = run.modelCalls.reduce((n, c) => n + c.inputTokens + c.outputTokens, 0);
  const repair = run.modelCalls.filter((c) => c.phase === 'repair').reduce((n, c) => n + c.inputTokens + c.outputTokens, 0);
  lines.push(
    `  model calls: ${run.modelCalls.length}; tokens ${tokens} (repair ${repair}); ${(run.timings.durationMs / 1000).toFixed(1)} s`,
  );
  return lines.join('\n');
}

export function patchDetail(p: Patch): string {
  const factors = p.risk.factors
    .filter((f) => f.contribution > 0)
    .map((f) => `    - ${f.label}: ${f.detail} (+${f.contribution.toFixed(2)})`);
  return [`${p.id} ${p.file}  risk ${riskLabel(p.risk.score, p.risk.level)}${p.valid ? '' : '  INVALID'}`, ...factors, p.diff].join('\n');
}

/** The `--json` shape of a run (DESIGN.md): runId, status, attempts, patches[] with id, file, valid, risk, status, diff. */
export function runJson(run: RunRecord, view?: RunView, storeDir?: string): Record<string, unknown> {
  return {
    runId: run.runId,
    mode: run.mode ?? 'refactor',
    ...(run.testFile ? { testFile: run.testFile } : {}),
    status: run.status,
    ...(run.error ? { error: run.error } : {}),
    instruction: run.instruction,
    preset: run.preset,
    provider: run.provider,
    attempts: run.attempts.length,
    attemptDetails: run.attempts.map((a) => ({
      index: a.index,
      phase: a.phase,
      success: a.success,
      errorsIn: a.errorsIn,
      errorsOut: a.errorsOut,
      edits: a.edits,
      gates: a.gates.map((g) => ({
        gate: g.gate,
        durationMs: g.durationMs,
        ...(g.skipped ? { skipped: g.skipped } : {}),
        ...(g.checker ? { checker: g.checker } : {}),
        findings: g.findings,
      })),
    })),
    ...(keptAttemptOf(run) ? { keptAttempt: keptAttemptOf(run)!.index } : {}),
    // Every finding on the candidate the patches come from, on every file (a patch's own list has its file's only).
    findings: runFindings(run),
    ...(run.plan ? { plan: run.plan } : {}),
    patches: run.patches.map((p) => ({
      id: p.id,
      file: p.file,
      valid: p.valid,
      risk: p.risk.score,
      riskLevel: p.risk.level,
      riskFactors: p.risk.factors,
      ...patchStatus(p, view?.patches),
      // Edited by a person before approval: this is their version; the model's stays in the record.
      ...(view && (view.patches.find((s) => s.patchId === p.id)?.revisions ?? 0) > 0
        ? {
            revisions: view.patches.find((s) => s.patchId === p.id)!.revisions,
            modelAfterSha256: view.record.patches.find((m) => m.id === p.id)?.afterSha256,
          }
        : {}),
      linesAdded: p.linesAdded,
      linesRemoved: p.linesRemoved,
      matchKinds: p.matchKinds,
      hunks: p.hunks.map((h) => ({
        id: h.id,
        oldStart: h.oldStart,
        oldLines: h.oldLines,
        newStart: h.newStart,
        newLines: h.newLines,
        added: h.added,
        removed: h.removed,
        risk: h.risk?.score,
        ...(h.coverage ? { coverage: h.coverage } : {}),
      })),
      ...(p.coverage ? { coverage: p.coverage } : {}),
      findings: p.findings,
      diff: p.diff,
    })),
    modelCalls: run.modelCalls,
    ...(storeDir ? { provenance: storeDir } : {}),
  };
}
