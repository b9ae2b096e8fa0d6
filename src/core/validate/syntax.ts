/**
 * The syntax gate: the first and always-on check (DESIGN.md promise 1). Where a language has an
 * authoritative in-process parser it decides alone (TypeScript's for TS/TSX/JS/JSX, ruff's for
 * Python; JSON.parse clears JSON); tree-sitter covers the rest. Because a grammar can be wrong about valid code, only
 * errors the patch introduces block it: the errors before and after are compared as multisets on
 * what does not move with the line (see `markIntroduced`).
 */
import { markIntroduced, type Finding } from '../findings';
import type { LanguageId } from '../languages';
import { throwIfAborted } from '../ports';
import type { CandidateFile, Gate, GateContext, GateResult } from './gate';
import { settingsSlice, type SettingsOf } from './gateSettings';
import { disposeParseMemo } from './parseMemo';
import { jsonSyntaxErrors } from './parsers/jsonParser';
import { pythonSyntaxErrors } from './parsers/pythonParser';
import type { RawSyntaxError } from './parsers/syntaxError';
import { treeSitterSyntaxErrors } from './parsers/treeSitterParser';
import { disposeTypeScriptTrees, typescriptSyntaxErrors } from './parsers/typescriptParser';
import { pythonTargetVersion } from './pythonTarget';
import { truncate } from '../text';

export type SyntaxFinding = Omit<Finding, 'introduced' | 'file'>;

/** Findings kept per file, so one broken file does not flood the repair prompt. */
export const MAX_FINDINGS_PER_FILE = 20;
const MAX_EXCERPT = 120;

export interface SyntaxCheckOptions {
  /** The file's path: lets the TypeScript parser tell `.d.ts`, `.mts`, `.cjs` apart. */
  path?: string;
  signal?: AbortSignal;
  /** ruff's name of the Python version the code must run on (`py39`); newer syntax is an error. */
  pythonTarget?: string;
  /** The text this one was edited from: a tree-sitter parse starts from its tree (see parseMemo.ts). */
  base?: string;
}

/** Which parser decides for a language. */
export function syntaxToolFor(language: LanguageId): RawSyntaxError['tool'] {
  switch (language) {
    case 'typescript':
    case 'tsx':
    case 'javascript':
    case 'jsx':
      return 'typescript';
    case 'python':
      return 'ruff';
    default:
      return 'tree-sitter';
  }
}

/** Every syntax error of one text (uncapped, in source order), as findings without file or `introduced`. */
export async function syntaxErrors(language: LanguageId, text: string, options: SyntaxCheckOptions = {}): Promise<SyntaxFinding[]> {
  // Callers strip the BOM (CandidateFile's contract); one left in would shift line-1 columns by one.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let raw: RawSyntaxError[];
  switch (language) {
    case 'typescript':
    case 'tsx':
    case 'javascript':
    case 'jsx':
      raw = typescriptSyntaxErrors(language, text, options.path);
      break;
    case 'python':
      raw = await pythonSyntaxErrors(text, options.pythonTarget);
      break;
    case 'json':
      raw = await jsonSyntaxErrors(text, { signal: options.signal, base: options.base });
      break;
    default:
      raw = await treeSitterSyntaxErrors(language, text, { signal: options.signal, base: options.base });
  }
  const lines = text.split(/\r\n|\r|\n/);
  return raw
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .map((e) => ({
      tool: e.tool,
      code: e.code,
      category: 'syntax' as const,
      severity: 'error' as const,
      line: e.line,
      column: e.column,
      message: e.message,
      excerpt: excerptAt(lines, e.line),
    }));
}

/** The offending line, trimmed, cut to about 120 characters. */
function excerptAt(lines: readonly string[], line: number): string {
  // An error at end of file may sit on the line after the last newline; quote the last real line.
  let i = Math.min(line, lines.length) - 1;
  while (i > 0 && lines[i]!.trim() === '') i--;
  const text = (lines[i] ?? '').trim();
  return truncate(text, MAX_EXCERPT);
}

/**
 * The findings of one candidate file: the errors after the patch, each marked introduced or not
 * against the errors before it, introduced first, capped per file. A new file's errors are all
 * introduced; a deleted file has none.
 */
export async function syntaxFindingsForFile(file: CandidateFile, signal?: AbortSignal, pythonTarget?: string): Promise<Finding[]> {
  if (file.after === undefined || !file.language) return [];
  const opts = { path: file.path, signal, ...(pythonTarget ? { pythonTarget } : {}) };
  const after = await syntaxErrors(file.language, file.after, { ...opts, base: file.before });
  if (after.length === 0) return [];
  const before = file.before === undefined ? [] : await syntaxErrors(file.language, file.before, opts);
  const withFile = (fs: SyntaxFinding[]): Omit<Finding, 'introduced'>[] => fs.map((f) => ({ ...f, file: file.path }));
  const marked = markIntroduced(withFile(before), withFile(after));
  return capFindings(marked);
}

/** Introduced errors first (they are what the repair prompt must fix), then pre-existing ones. */
function capFindings(findings: Finding[]): Finding[] {
  if (findings.length <= MAX_FINDINGS_PER_FILE) return findings;
  const ordered = [...findings.filter((f) => f.introduced), ...findings.filter((f) => !f.introduced)];
  const kept = ordered.slice(0, MAX_FINDINGS_PER_FILE);
  const dropped = ordered.slice(MAX_FINDINGS_PER_FILE);
  const droppedIntroduced = dropped.filter((f) => f.introduced).length;
  const last = kept[kept.length - 1]!;
  kept.push({
    tool: last.tool,
    code: 'more-errors',
    category: 'syntax',
    severity: 'info',
    file: last.file,
    line: dropped[0]!.line,
    column: 1,
    message: `${dropped.length} more syntax error(s) not shown (${droppedIntroduced} introduced by the patch).`,
    introduced: droppedIntroduced > 0,
  });
  return kept;
}

const SYNTAX_GATE_SETTINGS = settingsSlice('pythonVersion');

export class SyntaxGate implements Gate<SettingsOf<typeof SYNTAX_GATE_SETTINGS>> {
  readonly name = 'syntax';
  readonly stage = 'syntax';
  readonly settings = SYNTAX_GATE_SETTINGS;

  async check(files: readonly CandidateFile[], ctx: GateContext<SettingsOf<typeof SYNTAX_GATE_SETTINGS>>): Promise<GateResult> {
    const started = performance.now();
    const findings: Finding[] = [];
    let checked = 0;
    const pythonTarget = files.some((f) => f.language === 'python') ? await pythonTargetVersion(ctx) : undefined;
    for (const file of files) {
      throwIfAborted(ctx.signal);
      if (file.after === undefined || !file.language) continue;
      checked++;
      findings.push(...(await syntaxFindingsForFile(file, ctx.signal, pythonTarget)));
    }
    const result: GateResult = { gate: this.name, findings, durationMs: performance.now() - started };
    if (checked === 0) result.skipped = 'no file in a language the syntax gate knows';
    return result;
  }

  /**
   * The trees it shares with the rules (parseMemo.ts; trees in use are freed when their readers
   * finish) and the compiler's trees it parses the next edit from (typescriptParser.ts).
   */
  dispose(): void {
    disposeParseMemo();
    disposeTypeScriptTrees();
  }
}

export const syntaxGate = new SyntaxGate();
