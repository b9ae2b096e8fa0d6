import type { Finding } from '../findings';
import type { Attempt, RunRecord } from './schema';

/**
 * A run's findings as a reader wants them: the candidate that became the patches was judged on
 * every file the gates looked at (the patched files, their callers, the test files), and a patch's
 * own `findings` keep only its file's. These give the rest back, from the attempts the record keeps.
 */

/** The attempt whose candidate the patches are: recorded since version 2, else the best (latest on ties). */
export function keptAttemptOf(run: RunRecord): Attempt | undefined {
  if (run.patches.length === 0) return undefined;
  if (run.keptAttempt !== undefined) return run.attempts.find((a) => a.index === run.keptAttempt);
  let best: Attempt | undefined;
  for (const a of run.attempts) if (!best || a.errorsOut <= best.errorsOut) best = a;
  return best;
}

/** Every finding on the kept candidate, on every file: the gates' and the refused edits' (as the patches carry them). */
export function runFindings(run: RunRecord): Finding[] {
  const kept = keptAttemptOf(run);
  const gates = kept ? kept.gates.flatMap((g) => g.findings) : [];
  const edits = run.patches.flatMap((p) => p.findings.filter((f) => f.tool === 'edit'));
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of [...edits, ...gates]) {
    const key = JSON.stringify([f.tool, f.code, f.file, f.line, f.column, f.message]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

/** The findings on files no patch of the run changes (a caller, a test file). */
export function findingsElsewhere(run: RunRecord): Finding[] {
  const patched = new Set(run.patches.map((p) => p.file));
  return runFindings(run).filter((f) => f.file !== '' && !patched.has(f.file));
}
