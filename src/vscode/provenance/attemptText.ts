import type { RunRecord } from '../../core/provenance/schema';

/**
 * Where the text of one file, as one attempt left it, can be read from. A finding of an attempt
 * has that attempt's line numbers, so opening the file as it is now (or as the kept candidate has
 * it) would land on an unrelated line.
 *
 * The record keeps the bytes of the kept attempt only (each patch's afterSha256) and the file's
 * original (beforeSha256). An attempt's edits are recorded without their text, so they cannot be
 * replayed; but attempts build on one candidate in memory, so a file that no attempt between two
 * attempts edited holds the same text in both. That settles most findings of earlier attempts:
 * a file no attempt up to it had edited is the original, and a file untouched between it and
 * the kept attempt is the kept text. 'vscode'-free, so it is unit-tested under plain mocha.
 */
export type AttemptSource =
  /** Exact bytes from the store's blobs. */
  | { kind: 'blob'; sha256: string; note: string }
  /** The attempt left the file as it was: the workspace file (which may have changed since). */
  | { kind: 'workspace'; note: string }
  /** The attempt removed the file. */
  | { kind: 'deleted'; note: string }
  /** Not kept: the reason, in words. */
  | { kind: 'unknown'; note: string };

/** The attempt whose candidate became the patches; before schema 2, the best one, the latest on ties. */
export function keptAttemptOf(run: Pick<RunRecord, 'keptAttempt' | 'attempts' | 'patches'>): number | undefined {
  if (run.keptAttempt !== undefined) return run.keptAttempt;
  if (run.patches.length === 0) return undefined;
  let best: { index: number; errorsOut: number } | undefined;
  for (const a of run.attempts) if (!best || a.errorsOut <= best.errorsOut) best = { index: a.index, errorsOut: a.errorsOut };
  return best?.index;
}

export function attemptSource(run: Pick<RunRecord, 'keptAttempt' | 'attempts' | 'patches'>, attempt: number, file: string): AttemptSource {
  if (!run.attempts.some((a) => a.index === attempt)) return { kind: 'unknown', note: `The run has no attempt ${attempt}.` };
  const edited = (from: number, to: number) =>
    run.attempts.some((a) => a.index > from && a.index <= to && a.edits.some((e) => e.ok && e.path === file));
  const patch = run.patches.find((p) => p.file === file);
  const kept = keptAttemptOf(run);

  if (kept !== undefined && !edited(Math.min(attempt, kept), Math.max(attempt, kept))) {
    const same = attempt === kept ? `the kept candidate (attempt ${kept})` : `as the kept candidate (attempt ${kept}) has it`;
    if (!patch) return { kind: 'workspace', note: `${file} as attempt ${attempt} left it: unchanged by the run.` };
    if (patch.afterSha256 === null) return { kind: 'deleted', note: `Attempt ${attempt} removed ${file}.` };
    return { kind: 'blob', sha256: patch.afterSha256, note: `${file} as attempt ${attempt} left it: ${same}.` };
  }
  if (!edited(0, attempt)) {
    const note = `${file} as attempt ${attempt} left it: no edit had touched it yet.`;
    if (!patch) return { kind: 'workspace', note };
    if (patch.beforeSha256 === null)
      return { kind: 'unknown', note: `${file} did not exist before the run and attempt ${attempt} had not written it.` };
    return { kind: 'blob', sha256: patch.beforeSha256, note };
  }
  return {
    kind: 'unknown',
    note:
      `The text of ${file} as attempt ${attempt} left it is not kept: the provenance record stores the bytes of the kept ` +
      `candidate${kept !== undefined ? ` (attempt ${kept})` : ''} and the original only, and attempt ${attempt}'s edits to it differ from both.`,
  };
}
