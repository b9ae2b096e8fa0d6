/**
 * Risk of a patch (one file) and of each of its hunks: a deterministic score in [0,1] with the
 * factors that made it. Formula and weights: README.md in this folder.
 */
import type { Hunk } from '../edits/hunk';
import { isBlocking, type Finding } from '../findings';
import { languageOf, type LanguageId } from '../languages';
import { FACTORS, type Measures } from './factors';
import { changedLines, publicSymbolsOnLines } from './publicSymbols';
import type { ChangedLinesCoverage, Risk, RiskFactor, RiskLevel } from './schema';

/** Remaining findings, as the gates reported them, or already counted. */
export type FindingsInput = readonly Finding[] | { blocking: number; warnings: number };

export interface PatchRiskInput {
  path: string;
  /** Defaults to the language of `path`. */
  language?: LanguageId | undefined;
  /** Decoded text before the patch; undefined for a new file. */
  before: string | undefined;
  after: string | undefined;
  /** The patch's hunks (from diffFiles); they give the changed lines and public symbols. */
  hunks?: readonly Hunk[];
  /** Lines added and removed; taken from `hunks` when absent. */
  added?: number;
  removed?: number;
  wholeFileWrite: boolean;
  /** Findings left on this file after the last attempt; only blocking ones and introduced warnings count. */
  findings?: FindingsInput;
  /** Files the whole run changes (at least 1). */
  filesInRun: number;
  /** A count of public symbols (or references) touched from a symbol graph; replaces line detection. */
  publicSymbols?: number;
  /** Coverage of the patch's changed lines by the tests, where measured. */
  coverage?: ChangedLinesCoverage;
}

export interface HunkRiskInput extends Omit<PatchRiskInput, 'hunks' | 'added' | 'removed' | 'coverage'> {
  hunk: Hunk;
}

export const LEVEL_MEDIUM = 0.3;
export const LEVEL_HIGH = 0.6;

export function levelOf(score: number): RiskLevel {
  return score >= LEVEL_HIGH ? 'high' : score >= LEVEL_MEDIUM ? 'medium' : 'low';
}

export function scorePatch(input: PatchRiskInput): Risk {
  const hunks = input.hunks ?? [];
  const added = input.added ?? hunks.reduce((n, h) => n + h.added, 0);
  const removed = input.removed ?? hunks.reduce((n, h) => n + h.removed, 0);
  const lines: string[] = [];
  for (const h of hunks) for (const l of changedLines(h.lines)) lines.push(l);
  return combine(measure(input, added, removed, lines, countFindings(input.findings), input.coverage));
}

/** The hunk's own share, deletions and symbols; findings count only when they fall on its new lines. */
export function scoreHunk(input: HunkRiskInput): Risk {
  const h = input.hunk;
  const inHunk = (f: Finding): boolean => f.line >= Math.max(1, h.newStart) && f.line < Math.max(1, h.newStart) + Math.max(1, h.newLines);
  const findings = Array.isArray(input.findings)
    ? (input.findings as readonly Finding[]).filter((f) => f.file === input.path && inHunk(f))
    : input.findings;
  return combine(measure(input, h.added, h.removed, changedLines(h.lines), countFindings(findings), h.coverage));
}

function measure(
  input: Omit<PatchRiskInput, 'hunks' | 'added' | 'removed'>,
  added: number,
  removed: number,
  lines: string[],
  findings: { blocking: number; warnings: number },
  coverage: ChangedLinesCoverage | undefined,
): Measures {
  const newFile = input.before === undefined;
  const symbolNames = input.publicSymbols === undefined ? publicSymbolsOnLines(lines, input.language ?? languageOf(input.path)) : undefined;
  return {
    changedLines: Math.max(added, removed),
    fileLines: lineCount(newFile ? (input.after ?? '') : input.before!),
    addedLines: added,
    deletedLines: removed,
    changedBytes: utf8Bytes(lines),
    publicSymbols: input.publicSymbols ?? symbolNames!.length,
    ...(symbolNames ? { symbolNames } : {}),
    symbolsPrecomputed: input.publicSymbols !== undefined,
    wholeFileRewrite: input.wholeFileWrite,
    blockingFindings: findings.blocking,
    warningFindings: findings.warnings,
    filesInRun: Math.max(1, input.filesInRun),
    newFile,
    ...(coverage ? { coverage: { changed: coverage.changedLines, covered: coverage.coveredLines } } : {}),
  };
}

function countFindings(findings: FindingsInput | undefined): { blocking: number; warnings: number } {
  if (findings === undefined) return { blocking: 0, warnings: 0 };
  if (!Array.isArray(findings)) {
    const counts = findings as { blocking: number; warnings: number };
    return { blocking: Math.max(0, counts.blocking), warnings: Math.max(0, counts.warnings) };
  }
  const list = findings as readonly Finding[];
  return {
    blocking: list.filter(isBlocking).length,
    warnings: list.filter((f) => f.introduced && f.severity === 'warning').length,
  };
}

/** Bytes of the changed lines, each with its line end. */
function utf8Bytes(lines: readonly string[]): number {
  let n = 0;
  for (const l of lines) n += Buffer.byteLength(l, 'utf8') + 1;
  return n;
}

function lineCount(text: string): number {
  if (text === '') return 0;
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n : n + 1;
}

/**
 * score = 1 - Π(1 - wᵢ·sᵢ). Each factor's contribution is its share of the score in proportion to
 * -ln(1 - wᵢ·sᵢ), so the contributions add up to the score and the order of factors is irrelevant.
 */
export function combine(m: Measures): Risk {
  const terms = FACTORS.map((f) => {
    const s = Math.min(1, Math.max(0, f.severity(m)));
    return { f, term: f.weight * s };
  });
  const keep = terms.reduce((p, t) => p * (1 - t.term), 1);
  const score = round(1 - keep);
  const logs = terms.map((t) => -Math.log(1 - t.term));
  const logSum = logs.reduce((a, b) => a + b, 0);
  const factors: RiskFactor[] = terms.map((t, i) => ({
    id: t.f.id,
    label: t.f.label,
    value: round(t.f.value(m)),
    contribution: logSum === 0 ? 0 : round((score * logs[i]!) / logSum),
    detail: t.f.detail(m),
  }));
  return { score, level: levelOf(score), factors };
}

/** Four decimals: enough for ordering, stable in JSON and across platforms. */
function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
