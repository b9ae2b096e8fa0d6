/**
 * TypeScript's own parser as the authority for TS, TSX, JS and JSX syntax. tree-sitter's grammars
 * flag valid code (variance annotations, `export type *`) and miss real errors; the compiler's
 * parser is both exact and faster (FACTS.md). TypeScript is required lazily so that a run touching
 * only Python never pays for loading it.
 */
import type * as TS from 'typescript';
import type { RawSyntaxError } from './syntaxError';

let tsModule: typeof TS | undefined;
function typescript(): typeof TS {
  tsModule ??= require('typescript') as typeof TS;
  return tsModule;
}

export type TypeScriptLike = 'typescript' | 'tsx' | 'javascript' | 'jsx';

/** The file name the parser sees: the real one when known (`.d.ts`, `.mts`, `.cjs` change parsing). */
function fileNameFor(language: TypeScriptLike, path: string | undefined): string {
  const fallback = { typescript: 'file.ts', tsx: 'file.tsx', javascript: 'file.js', jsx: 'file.jsx' }[language];
  if (!path) return '/' + fallback;
  const base = path.replace(/\\/g, '/').split('/').pop() ?? fallback;
  // A name whose extension disagrees with the language (a .txt checked as TS) would confuse the parser.
  const ext = base.slice(base.lastIndexOf('.')).toLowerCase();
  const fits: Record<TypeScriptLike, string[]> = {
    typescript: ['.ts', '.mts', '.cts'],
    tsx: ['.tsx'],
    javascript: ['.js', '.mjs', '.cjs'],
    jsx: ['.jsx'],
  };
  return '/' + (fits[language].includes(ext) ? base : fallback);
}

function scriptKindFor(ts: typeof TS, language: TypeScriptLike): TS.ScriptKind {
  switch (language) {
    case 'typescript':
      return ts.ScriptKind.TS;
    case 'tsx':
      return ts.ScriptKind.TSX;
    case 'javascript':
      return ts.ScriptKind.JS;
    case 'jsx':
      return ts.ScriptKind.JSX;
  }
}

/**
 * The last error-free tree parsed under each key (the language and path), most recently used last.
 * A gate's texts for one path are edits of each other (before, then each attempt's after), so each
 * is parsed from the previous tree with the compiler's incremental parser, the one its language
 * service runs on every keystroke: on a 5,000-line file that is under 10 ms instead of 15-45.
 * Only a tree without errors is a base: from a broken one the incremental parser can reuse the
 * node that held an error and drop its diagnostic, so a still-broken text would read as whole.
 * `updateSourceFile` reuses, and so invalidates, the old tree: it is taken out of the memo first.
 */
const MEMO_SIZE = 16;
const lastTrees = new Map<string, TS.SourceFile>();

function freshParse(ts: typeof TS, fileName: string, text: string, kind: TS.ScriptKind): TS.SourceFile {
  // Parents set, as the language service's trees have them: the incremental parser walks them.
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
}

/** The tree for a text, from the key's last tree where there is one (`reused`), else a fresh parse. */
function parseFromLast(
  ts: typeof TS,
  key: string,
  fileName: string,
  text: string,
  kind: TS.ScriptKind,
): { sf: TS.SourceFile; reused: boolean } {
  const prev = lastTrees.get(key);
  lastTrees.delete(key);
  if (prev && prev.fileName === fileName) {
    if (prev.text === text) return { sf: prev, reused: true };
    try {
      return { sf: ts.updateSourceFile(prev, text, changeRange(prev.text, text)), reused: true };
    } catch {
      // One of its internal assertions: the old tree is half-moved; a fresh parse decides.
    }
  }
  return { sf: freshParse(ts, fileName, text, kind), reused: false };
}

function remember(key: string, sf: TS.SourceFile): void {
  lastTrees.set(key, sf);
  if (lastTrees.size > MEMO_SIZE) lastTrees.delete(lastTrees.keys().next().value!);
}

/** The one span that differs between two texts: their common prefix and suffix stay. */
function changeRange(from: string, to: string): TS.TextChangeRange {
  const max = Math.min(from.length, to.length);
  let start = 0;
  while (start < max && from.charCodeAt(start) === to.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && from.charCodeAt(from.length - 1 - tail) === to.charCodeAt(to.length - 1 - tail)) tail++;
  return { span: { start, length: from.length - tail - start }, newLength: to.length - tail - start };
}

/** Forgets the trees kept for incremental parsing (tests compare against a fresh parse). */
export function disposeTypeScriptTrees(): void {
  lastTrees.clear();
}

/**
 * Parse errors of one file. For JS and JSX it adds the compiler's JavaScript-only syntactic checks
 * (type annotations, `interface`, `enum` in a .js file), which the bare parser accepts but no
 * JavaScript engine does.
 */
export function typescriptSyntaxErrors(language: TypeScriptLike, text: string, path?: string): RawSyntaxError[] {
  const ts = typescript();
  const fileName = fileNameFor(language, path);
  const kind = scriptKindFor(ts, language);
  const key = `${kind}:${path ?? ''}`;
  const { sf, reused } = parseFromLast(ts, key, fileName, text, kind);
  const errors = syntaxErrorsOf(ts, sf, kind);
  if (errors.length === 0) {
    remember(key, sf);
    return errors;
  }
  // On a text with errors the incremental parser's recovery can differ from a fresh parse's, so
  // errors are always those of a fresh parse: the introduced-only comparison and the repair prompt
  // see what the compiler reports. The broken tree is not kept (see lastTrees).
  return reused ? syntaxErrorsOf(ts, freshParse(ts, fileName, text, kind), kind) : errors;
}

function syntaxErrorsOf(ts: typeof TS, sf: TS.SourceFile, kind: TS.ScriptKind): RawSyntaxError[] {
  // `parseDiagnostics` is internal but stable since TypeScript 1.x; it is what getSyntacticDiagnostics reads.
  let diagnostics: readonly TS.Diagnostic[] = (sf as unknown as { parseDiagnostics?: TS.Diagnostic[] }).parseDiagnostics ?? [];
  // Like the compiler, check regular expressions only in a file that parses.
  const regex = diagnostics.length === 0 ? regularExpressionErrors(ts, sf) : [];
  if (kind === ts.ScriptKind.JS || kind === ts.ScriptKind.JSX) diagnostics = javascriptDiagnostics(ts, sf);
  const raw = diagnostics.map((d) => {
    const { line, character } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
    return {
      tool: 'typescript',
      code: `TS${d.code}`,
      line: line + 1,
      column: character + 1,
      message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
    } satisfies RawSyntaxError;
  });
  return [...raw, ...regex];
}

/**
 * The body and flags of every regular expression literal, checked as the compiler's checker does
 * (`checkGrammarRegularExpressionLiteral`): the parser accepts `/(a/` as a token, but no engine
 * accepts it, and a deleted bracket inside a pattern is an easy edit to get wrong. The scanner's
 * `reScanSlashToken(reportErrors)` parameter is internal; without it no error is reported, which
 * fails open (nothing blocks), never closed.
 */
function regularExpressionErrors(ts: typeof TS, sf: TS.SourceFile): RawSyntaxError[] {
  const literals: TS.Node[] = [];
  const visit = (node: TS.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) literals.push(node);
    else ts.forEachChild(node, visit);
  };
  visit(sf);
  if (literals.length === 0) return [];
  const out: RawSyntaxError[] = [];
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, sf.languageVariant);
  let last = -1;
  scanner.setOnError((message, _length, arg0) => {
    const at = scanner.getTokenEnd();
    if (message.category !== ts.DiagnosticCategory.Error || at === last) return;
    last = at;
    const { line, character } = sf.getLineAndCharacterOfPosition(at);
    const text = arg0 === undefined ? message.message : message.message.replace('{0}', String(arg0));
    out.push({ tool: 'typescript', code: `TS${message.code}`, line: line + 1, column: character + 1, message: text });
  });
  const rescan = scanner.reScanSlashToken as unknown as (reportErrors: boolean) => TS.SyntaxKind;
  for (const node of literals) {
    const before = out.length;
    scanner.setText(sf.text, node.pos, node.end - node.pos);
    scanner.scan();
    rescan.call(scanner, true);
    // The compiler is stricter than engines, which accept Annex B patterns such as `/\p{L}/`
    // without the u flag: report only what the running engine rejects too.
    if (out.length > before && engineAccepts(sf.text.slice(scanner.getTokenStart(), scanner.getTokenEnd()))) out.length = before;
  }
  scanner.setText('');
  return out;
}

function engineAccepts(literal: string): boolean {
  const end = literal.lastIndexOf('/');
  try {
    new RegExp(literal.slice(1, end), literal.slice(end + 1));
    return true;
  } catch {
    return false;
  }
}

/** Parse diagnostics plus the JS-only ones, from a one-file program with no lib and no resolution. */
function javascriptDiagnostics(ts: typeof TS, sf: TS.SourceFile): readonly TS.Diagnostic[] {
  const host: TS.CompilerHost = {
    getSourceFile: (f) => (f === sf.fileName ? sf : undefined),
    getDefaultLibFileName: () => '/lib.d.ts',
    writeFile: () => {},
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (f) => f === sf.fileName,
    readFile: () => undefined,
  };
  const program = ts.createProgram({
    rootNames: [sf.fileName],
    options: { noLib: true, noResolve: true, allowJs: true, types: [], jsx: ts.JsxEmit.Preserve },
    host,
  });
  return program.getSyntacticDiagnostics(sf);
}
