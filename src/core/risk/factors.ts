/**
 * The risk factors: what each measures, how its measure saturates into [0,1], and its weight.
 * The weights and curves are the whole policy; README.md in this folder states them for users,
 * and a test keeps the two in step.
 */

export type FactorId =
  | 'share_changed'
  | 'lines_deleted'
  | 'change_size'
  | 'public_symbols'
  | 'whole_file_rewrite'
  | 'findings_remaining'
  | 'files_in_run'
  | 'new_file'
  | 'untested_lines';

/** The measured quantities, before saturation. */
export interface Measures {
  changedLines: number;
  fileLines: number;
  /** Lines added, as the diff counts them. */
  addedLines: number;
  deletedLines: number;
  /** UTF-8 bytes of the added and removed lines, line ends included (0 when no diff lines were given). */
  changedBytes: number;
  /** Count of public symbols touched; `symbolNames` lists them when they were detected here. */
  publicSymbols: number;
  symbolNames?: readonly string[];
  /** True when the count came from the caller (a symbol graph), not from the line patterns. */
  symbolsPrecomputed: boolean;
  wholeFileRewrite: boolean;
  blockingFindings: number;
  warningFindings: number;
  filesInRun: number;
  newFile: boolean;
  /** Changed code lines and how many of them a test ran; absent where coverage was not measured. */
  coverage?: { changed: number; covered: number };
}

export interface FactorDefinition {
  id: FactorId;
  label: string;
  /** The most this factor alone can add to the score. */
  weight: number;
  /** The number reported as the factor's value. */
  value(m: Measures): number;
  /** Severity in [0,1], non-decreasing in every measure it reads. */
  severity(m: Measures): number;
  detail(m: Measures): string;
}

/** x / (x + half): 0 at 0, 0.5 at `half`, approaching 1. */
function saturate(x: number, half: number): number {
  return x <= 0 ? 0 : x / (x + half);
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The size of a change in lines, where bytes count as lines too at BYTES_PER_LINE each: one 50 MB
 * minified line is as big a change as 625,000 ordinary ones. The larger of the two, so growing
 * either never lowers it.
 */
export const BYTES_PER_LINE = 80;
export function changeSize(m: Measures): number {
  return Math.max(m.addedLines + m.deletedLines, m.changedBytes / BYTES_PER_LINE);
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return plural(bytes, 'byte');
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function share(m: Measures): number {
  return m.fileLines <= 0 ? (m.changedLines > 0 ? 1 : 0) : Math.min(1, m.changedLines / m.fileLines);
}

export const FACTORS: readonly FactorDefinition[] = [
  {
    id: 'share_changed',
    label: 'Share of the file changed',
    weight: 0.45,
    value: share,
    severity: share,
    detail: (m) =>
      `${m.changedLines} of ${plural(m.fileLines, 'line')} ${m.newFile ? 'are new' : 'changed'} (${Math.round(share(m) * 100)}%).`,
  },
  {
    id: 'lines_deleted',
    label: 'Lines deleted',
    weight: 0.35,
    value: (m) => m.deletedLines,
    severity: (m) => saturate(m.deletedLines, 20),
    detail: (m) => (m.deletedLines === 0 ? 'No lines deleted.' : `${plural(m.deletedLines, 'line')} deleted.`),
  },
  {
    // The share stops at a whole file and deletions at their weight, so without this a 50 MB
    // insertion scored 0.46 (medium), below a 100-line file rewritten; no one can review the first.
    id: 'change_size',
    label: 'Size of the change',
    weight: 0.85,
    value: (m) => Math.round(changeSize(m)),
    severity: (m) => saturate(changeSize(m), 2000),
    detail: (m) =>
      `${plural(m.addedLines + m.deletedLines, 'line')} added or removed${m.changedBytes > 0 ? ` (${sizeText(m.changedBytes)})` : ''}.`,
  },
  {
    id: 'public_symbols',
    label: 'Public symbols touched',
    weight: 0.5,
    value: (m) => m.publicSymbols,
    severity: (m) => saturate(m.publicSymbols, 2),
    detail: (m) => {
      if (m.publicSymbols === 0) return 'No exported or public symbol touched.';
      if (m.symbolsPrecomputed)
        return `${plural(m.publicSymbols, 'public symbol or reference', 'public symbols or references')} affected, from the symbol graph.`;
      const names = (m.symbolNames ?? []).slice(0, 5).join(', ');
      const more = (m.symbolNames?.length ?? 0) > 5 ? ' and more' : '';
      return `${plural(m.publicSymbols, 'exported or public symbol', 'exported or public symbols')} touched: ${names}${more}.`;
    },
  },
  {
    id: 'whole_file_rewrite',
    label: 'Whole-file rewrite',
    weight: 0.25,
    value: (m) => (m.wholeFileRewrite ? 1 : 0),
    severity: (m) => (m.wholeFileRewrite ? 1 : 0),
    detail: (m) => (m.wholeFileRewrite ? 'The whole file was rewritten with write_file.' : 'Edited in place with patch_file.'),
  },
  {
    id: 'findings_remaining',
    label: 'Findings remaining',
    weight: 0.6,
    value: (m) => m.blockingFindings + m.warningFindings,
    // A blocking finding weighs as much as three warnings.
    severity: (m) => saturate(3 * m.blockingFindings + m.warningFindings, 3),
    detail: (m) =>
      m.blockingFindings + m.warningFindings === 0
        ? 'No blocking or warning findings remain.'
        : `${plural(m.blockingFindings, 'blocking finding')} and ${plural(m.warningFindings, 'warning')} remain.`,
  },
  {
    id: 'files_in_run',
    label: 'Files changed by the run',
    weight: 0.2,
    value: (m) => m.filesInRun,
    severity: (m) => saturate(m.filesInRun - 1, 5),
    detail: (m) => `The run changes ${plural(m.filesInRun, 'file')}.`,
  },
  {
    id: 'new_file',
    label: 'New file',
    weight: 0.1,
    value: (m) => (m.newFile ? 1 : 0),
    severity: (m) => (m.newFile ? 1 : 0),
    detail: (m) => (m.newFile ? 'The file is new.' : 'The file already exists.'),
  },
  {
    // A green test run says nothing about lines no test runs; where coverage was not measured
    // this factor is 0, so the score is what it would be without it.
    id: 'untested_lines',
    label: 'Changed lines not covered by tests',
    weight: 0.35,
    value: (m) => (m.coverage ? m.coverage.changed - m.coverage.covered : 0),
    severity: untestedShare,
    detail: (m) => {
      if (!m.coverage) return 'Coverage of the changed lines was not measured.';
      if (m.coverage.changed === 0) return 'No changed line can execute (blank lines, comments or deletions only).';
      const missed = m.coverage.changed - m.coverage.covered;
      return missed === 0
        ? `Every changed code line (${m.coverage.changed}) is run by a test.`
        : `${missed} of ${plural(m.coverage.changed, 'changed code line')} run by no test (${Math.round(untestedShare(m) * 100)}%).`;
    },
  },
];

function untestedShare(m: Measures): number {
  return m.coverage && m.coverage.changed > 0 ? (m.coverage.changed - m.coverage.covered) / m.coverage.changed : 0;
}
