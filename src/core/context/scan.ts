/**
 * Which workspace files the symbol graph indexes: every file the host lists, less what a
 * .gitignore (at the root or in any folder) excludes, less languages the graph has no tags for.
 * The `ignore` package implements git's own matching rules (negation, anchoring, folder patterns).
 */
import ignore, { type Ignore } from 'ignore';
import * as posix from 'node:path/posix';
import { languageOf } from '../languages';
import type { WorkspaceFiles } from '../ports';
import { isIndexedLanguage } from './tags';

/** Never indexed, whatever the host lists: our own store, dependencies, version control. */
const ALWAYS_SKIPPED = ['.git/', 'node_modules/', '.refactor-guard/'];

export interface ScanResult {
  /** Indexable files, sorted. */
  paths: string[];
  /** Files a .gitignore excluded (counted, for the notes). */
  ignored: number;
  /** Set when the host cannot list files at all. */
  unlisted?: string;
  /** The module path in a root go.mod, for resolving Go imports. */
  goModule?: string;
  /** The .gitignore rules found, to check single files a watcher reports later. */
  rules: DirRules[];
}

export async function scanWorkspace(files: WorkspaceFiles): Promise<ScanResult> {
  if (!files.list) {
    return {
      paths: [],
      ignored: 0,
      rules: [],
      unlisted: 'The host cannot list workspace files; only the targets and the files they import are indexed.',
    };
  }
  const listed = (await files.list('')).filter((p) => !ALWAYS_SKIPPED.some((s) => p.startsWith(s) || p.includes('/' + s)));
  const rules = await gitignoreRules(
    files,
    listed.filter((p) => p === '.gitignore' || p.endsWith('/.gitignore')),
  );
  // The repository's own exclusions (never committed) apply like a root .gitignore.
  const exclude = await files.read('.git/info/exclude').catch(() => undefined);
  if (exclude) rules.unshift({ dir: '', rules: ignore().add(new TextDecoder().decode(exclude)) });
  const paths: string[] = [];
  let ignored = 0;
  for (const p of listed) {
    if (!isIndexedLanguage(languageOf(p))) continue;
    if (isIgnored(rules, p)) ignored++;
    else paths.push(p);
  }
  return { paths: paths.sort(), ignored, rules, goModule: await goModule(files) };
}

export interface DirRules {
  /** The folder holding the .gitignore, '' for the root. */
  dir: string;
  rules: Ignore;
}

async function gitignoreRules(files: WorkspaceFiles, gitignores: string[]): Promise<DirRules[]> {
  const out: DirRules[] = [];
  for (const g of gitignores) {
    const bytes = await files.read(g);
    if (!bytes) continue;
    const dir = posix.dirname(g);
    out.push({ dir: dir === '.' ? '' : dir, rules: ignore().add(new TextDecoder().decode(bytes)) });
  }
  // Shallow rules first, so that deeper files' rules are checked with the same precedence git uses.
  return out.sort((a, b) => a.dir.length - b.dir.length);
}

/** Whether `path` is excluded by the .gitignore files above it (a deeper file can re-include). */
export function isIgnored(rules: readonly DirRules[], path: string): boolean {
  let ignoredNow = false;
  for (const r of rules) {
    if (r.dir !== '' && !path.startsWith(r.dir + '/')) continue;
    const rel = r.dir === '' ? path : path.slice(r.dir.length + 1);
    const res = r.rules.test(rel);
    if (res.ignored) ignoredNow = true;
    else if (res.unignored) ignoredNow = false;
  }
  return ignoredNow;
}

async function goModule(files: WorkspaceFiles): Promise<string | undefined> {
  // Not necessarily a listed (regular) file: a FIFO or a folder of that name is refused by the host,
  // and means no module here rather than a failed scan.
  const bytes = await files.read('go.mod').catch(() => undefined);
  if (!bytes) return undefined;
  const m = /^\s*module\s+(\S+)/m.exec(new TextDecoder().decode(bytes));
  return m?.[1];
}
