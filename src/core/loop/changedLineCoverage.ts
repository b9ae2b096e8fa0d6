import type { Hunk } from '../edits/hunk';
import type { ChangedLinesCoverage } from '../risk/schema';

/** What the test gate measured for one file (validate/coverage/lineCoverage.ts's FileCoverage). */
export interface MeasuredLines {
  tool: ChangedLinesCoverage['tool'];
  executed: ReadonlySet<number>;
  /** Lines that can execute, where the tool knows; otherwise every changed line counts. */
  executable?: ReadonlySet<number>;
}

/** Uncovered line numbers kept in a record: enough to point at, bounded for a 10,000-line file. */
const MAX_UNCOVERED = 200;

/** The new-text line numbers of a hunk's added lines (a changed line is a removed line plus an added one). */
export function addedLineNumbers(h: Hunk): number[] {
  const out: number[] = [];
  let line = h.newStart;
  for (const l of h.lines) {
    if (l.startsWith('+')) out.push(line++);
    else if (l.startsWith(' ')) line++;
  }
  return out;
}

/**
 * Of the lines the hunks add, those that can execute, and of those, the ones a test ran. Lines only
 * removed are not counted: no test can run a line that is gone.
 */
export function changedLineCoverage(hunks: readonly Hunk[], measured: MeasuredLines): ChangedLinesCoverage {
  const code = hunks.flatMap(addedLineNumbers).filter((n) => !measured.executable || measured.executable.has(n));
  const uncovered = code.filter((n) => !measured.executed.has(n));
  return {
    tool: measured.tool,
    changedLines: code.length,
    coveredLines: code.length - uncovered.length,
    uncovered: uncovered.slice(0, MAX_UNCOVERED),
  };
}
