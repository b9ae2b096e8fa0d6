/**
 * web-tree-sitter, loaded once, with grammars loaded lazily per language and cached. The syntax
 * gate, the complexity rule and the symbol graph all parse through here, so the runtime and each
 * grammar are instantiated at most once per process.
 *
 * Two layouts are supported:
 * (a) from source (tsx, mocha): the runtime and grammars resolve from node_modules;
 * (b) an esbuild CJS bundle at dist/*.js: the build copies `web-tree-sitter.wasm` next to the
 *     bundle and every grammar to `dist/grammars/<upstream file name>` (see `grammarFiles()`).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';
import { CancelledError } from '../ports';
import type { LanguageId } from '../languages';

export type { Node, Tree } from 'web-tree-sitter';

/** Which package holds each grammar, and its upstream file name (kept as-is in dist/grammars). */
const GRAMMAR_SOURCES: Record<LanguageId, { pkg: string; dir: string; file: string }> = {
  python: vscodeGrammar('python'),
  javascript: vscodeGrammar('javascript'),
  // The JavaScript grammar parses JSX itself; there is no separate JSX grammar.
  jsx: vscodeGrammar('javascript'),
  typescript: vscodeGrammar('typescript'),
  tsx: vscodeGrammar('tsx'),
  go: vscodeGrammar('go'),
  rust: vscodeGrammar('rust'),
  java: vscodeGrammar('java'),
  csharp: vscodeGrammar('c-sharp'),
  cpp: vscodeGrammar('cpp'),
  ruby: vscodeGrammar('ruby'),
  php: vscodeGrammar('php'),
  css: vscodeGrammar('css'),
  bash: vscodeGrammar('bash'),
  // @vscode/tree-sitter-wasm has no C and no JSON grammar; these packages ship one at their root.
  c: { pkg: 'tree-sitter-c', dir: '', file: 'tree-sitter-c.wasm' },
  json: { pkg: 'tree-sitter-json', dir: '', file: 'tree-sitter-json.wasm' },
};

function vscodeGrammar(name: string): { pkg: string; dir: string; file: string } {
  return { pkg: '@vscode/tree-sitter-wasm', dir: 'wasm', file: `tree-sitter-${name}.wasm` };
}

/** Folder of an installed grammar package, found through its package.json (none has an exports map). */
function packageDir(pkg: string): string {
  return path.dirname(require.resolve(`${pkg}/package.json`));
}

/**
 * Source paths of the runtime wasm and of every grammar in node_modules, for the build script to
 * copy into dist/ (runtime to `dist/web-tree-sitter.wasm`, grammars to `dist/grammars/` under the
 * same base name). The runtime is web-tree-sitter's own, never the one @vscode/tree-sitter-wasm ships.
 */
export function grammarFiles(): { runtime: string; grammars: Record<LanguageId, string> } {
  const grammars = {} as Record<LanguageId, string>;
  for (const [lang, src] of Object.entries(GRAMMAR_SOURCES) as [LanguageId, (typeof GRAMMAR_SOURCES)[LanguageId]][]) {
    grammars[lang] = path.join(packageDir(src.pkg), src.dir, src.file);
  }
  // web-tree-sitter's exports map lists its wasm but not its package.json.
  return { runtime: require.resolve('web-tree-sitter/web-tree-sitter.wasm'), grammars };
}

let layout: { dist: string | undefined } | undefined;
/** Layout (b): a bundle whose folder has the copied grammars beside it. Decided once. */
function bundledDir(): string | undefined {
  layout ??= { dist: existsSync(path.join(__dirname, 'grammars')) ? __dirname : undefined };
  return layout.dist;
}

function runtimePath(): string {
  const dist = bundledDir();
  return dist ? path.join(dist, 'web-tree-sitter.wasm') : grammarFiles().runtime;
}

function grammarPath(language: LanguageId): string {
  const dist = bundledDir();
  const src = GRAMMAR_SOURCES[language];
  return dist ? path.join(dist, 'grammars', src.file) : path.join(packageDir(src.pkg), src.dir, src.file);
}

let runtime: Promise<void> | undefined;
/** Keyed by grammar file, so javascript and jsx share one Language. */
const languages = new Map<string, Promise<Language>>();
/** One parser per language: parsing is synchronous, so a shared parser is never used twice at once. */
const parsers = new Map<LanguageId, Parser>();

function initRuntime(): Promise<void> {
  if (!runtime) {
    const wasm = runtimePath();
    runtime = Parser.init({ locateFile: () => wasm }).catch((err: unknown) => {
      runtime = undefined;
      throw new Error(`Could not load the tree-sitter runtime (${wasm}): ${err instanceof Error ? err.message : String(err)}`);
    });
  }
  return runtime;
}

/** The grammar for `language`, loaded on first use and cached for the life of the process. */
export async function loadLanguage(language: LanguageId): Promise<Language> {
  await initRuntime();
  const file = grammarPath(language);
  let loaded = languages.get(file);
  if (!loaded) {
    loaded = Language.load(file).catch((err: unknown) => {
      languages.delete(file);
      throw new Error(`Could not load the ${language} grammar (${file}): ${err instanceof Error ? err.message : String(err)}`);
    });
    languages.set(file, loaded);
  }
  return loaded;
}

/** The cached parser for `language`, with its grammar set. */
export async function parserFor(language: LanguageId): Promise<Parser> {
  const cached = parsers.get(language);
  if (cached) return cached;
  const lang = await loadLanguage(language);
  // Another caller may have made it while this one waited for the grammar.
  let parser = parsers.get(language);
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(lang);
    parsers.set(language, parser);
  }
  return parser;
}

export interface ParseTreeOptions {
  /** Cancels a long parse (checked by tree-sitter's progress callback); throws CancelledError. */
  signal?: AbortSignal;
  /**
   * A tree of an earlier text, already `edit()`ed to match `text`: tree-sitter reuses its unchanged
   * subtrees (an incremental reparse). The caller still owns it; it is not freed here.
   */
  oldTree?: Tree;
}

/** Parses `text` (in full, or incrementally from `oldTree`). The caller owns the tree and must call `tree.delete()`. */
export async function parseTree(language: LanguageId, text: string, options: ParseTreeOptions = {}): Promise<Tree> {
  return parseWith(await parserFor(language), language, text, options);
}

/** The synchronous part of `parseTree`, for a caller that already holds the language's parser. */
export function parseWith(parser: Parser, language: LanguageId, text: string, options: ParseTreeOptions = {}): Tree {
  const signal = options.signal;
  if (signal?.aborted) throw new CancelledError();
  const tree = parser.parse(text, options.oldTree ?? null, signal ? { progressCallback: () => signal.aborted } : undefined);
  if (!tree) {
    // A cancelled parse would otherwise resume from where it stopped on the next call.
    parser.reset();
    if (signal?.aborted) throw new CancelledError();
    throw new Error(`tree-sitter returned no tree for a ${language} file.`);
  }
  return tree;
}

/** Parses `text`, hands the tree to `fn`, and frees the tree afterwards (also when `fn` throws). */
export async function withTree<T>(
  language: LanguageId,
  text: string,
  fn: (tree: Tree) => T | Promise<T>,
  options: ParseTreeOptions = {},
): Promise<T> {
  const tree = await parseTree(language, text, options);
  try {
    return await fn(tree);
  } finally {
    tree.delete();
  }
}
