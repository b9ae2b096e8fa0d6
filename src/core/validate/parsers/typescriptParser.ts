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
  // eslint-disable-next-line @typescript-eslint/no-require-imports
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
 * Parse errors of one file. For JS and JSX it adds the compiler's JavaScript-only syntactic checks
 * (type annotations, `interface`, `enum` in a .js file), which the bare parser accepts but no
 * JavaScript engine does.
 */
export function typescriptSyntaxErrors(language: TypeScriptLike, text: string, path?: string): RawSyntaxError[] {
  const ts = typescript();
  const fileName = fileNameFor(language, path);
  const kind = scriptKindFor(ts, language);
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
  // `parseDiagnostics` is internal but stable since TypeScript 1.x; it is what getSyntacticDiagnostics reads.
  let diagnostics: readonly TS.Diagnostic[] = (sf as unknown as { parseDiagnostics?: TS.Diagnostic[] }).parseDiagnostics ?? [];
  if (kind === ts.ScriptKind.JS || kind === ts.ScriptKind.JSX) diagnostics = javascriptDiagnostics(ts, sf);
  return diagnostics.map((d) => {
    const { line, character } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
    return {
      tool: 'typescript',
      code: `TS${d.code}`,
      line: line + 1,
      column: character + 1,
      message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
    };
  });
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
