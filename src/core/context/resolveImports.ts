/**
 * From an import as written to the workspace files it names. Only what the workspace holds is
 * resolved: packages from a registry or the standard library resolve to nothing, which is right
 * for context (the model knows `os.path`; it does not know `./userRepo`).
 */
import * as posix from 'node:path/posix';
import type { LanguageId } from '../languages';

/** The files the graph knows, indexed for suffix look-ups. */
export class FileIndex {
  private readonly all: Set<string>;
  private readonly byBase = new Map<string, string[]>();
  private readonly byDir = new Map<string, string[]>();

  constructor(
    paths: Iterable<string>,
    readonly goModule?: string,
  ) {
    this.all = new Set(paths);
    for (const p of this.all) {
      push(this.byBase, posix.basename(p), p);
      push(this.byDir, posix.dirname(p), p);
    }
  }

  has(path: string): boolean {
    return this.all.has(path);
  }

  /** Files whose path is `suffix` or ends with `/suffix`. */
  endingWith(suffix: string): string[] {
    const list = this.byBase.get(posix.basename(suffix)) ?? [];
    return list.filter((p) => p === suffix || p.endsWith('/' + suffix));
  }

  inDir(dir: string): string[] {
    return this.byDir.get(dir === '' ? '.' : dir) ?? [];
  }

  dirs(): Iterable<string> {
    return this.byDir.keys();
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const JS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.d.ts'];
/** Suffix matches beyond this many are too vague to mean anything. */
const MAX_MATCHES = 4;

export function resolveImport(language: LanguageId, from: string, source: string, names: readonly string[], index: FileIndex): string[] {
  let found: string[];
  switch (language) {
    case 'typescript':
    case 'tsx':
    case 'javascript':
    case 'jsx':
      found = resolveJs(from, source, index);
      break;
    case 'python':
      found = resolvePython(from, source, names, index);
      break;
    case 'go':
      found = resolveGo(source, index);
      break;
    case 'rust':
      found = resolveRust(from, source, index);
      break;
    case 'java':
      found = resolveJava(source, index);
      break;
    default:
      found = [];
  }
  return [...new Set(found)].filter((p) => p !== from);
}

function firstExisting(candidates: string[], index: FileIndex): string[] {
  for (const c of candidates) if (index.has(c)) return [c];
  return [];
}

function resolveJs(from: string, source: string, index: FileIndex): string[] {
  const bases: string[] = [];
  if (source.startsWith('.')) bases.push(posix.join(posix.dirname(from), source));
  else if (source.startsWith('/')) return [];
  else {
    // Path aliases ('@/x', 'src/x', '~/x') usually point under the root or src/; packages resolve to nothing.
    const bare = source.replace(/^[@~]\//, '');
    bases.push(bare, posix.join('src', bare));
  }
  for (const base of bases) {
    const candidates = [base, ...JS_EXTENSIONS.map((e) => base + e), ...JS_EXTENSIONS.map((e) => `${base}/index${e}`)];
    // ESM TypeScript imports name the emitted '.js' file.
    const m = /\.(m|c)?jsx?$/.exec(base);
    if (m) {
      const stem = base.slice(0, -m[0].length);
      const ts = m[0].replace('js', 'ts');
      candidates.splice(1, 0, stem + ts, stem + '.tsx', stem + '.d.ts');
    }
    const hit = firstExisting(candidates, index);
    if (hit.length > 0) return hit;
  }
  return [];
}

function resolvePython(from: string, source: string, names: readonly string[], index: FileIndex): string[] {
  const dots = /^\.*/.exec(source)![0].length;
  const modulePath = source.slice(dots).split('.').filter(Boolean).join('/');
  const out: string[] = [];
  const tryModule = (base: string, exact: boolean): void => {
    for (const cand of [`${base}.py`, `${base}.pyi`, `${base}/__init__.py`]) {
      if (exact) {
        if (index.has(cand)) out.push(cand);
      } else {
        const hits = index.endingWith(cand);
        if (hits.length <= MAX_MATCHES) out.push(...hits);
      }
    }
  };
  if (dots > 0) {
    let dir = posix.dirname(from);
    for (let i = 1; i < dots; i++) dir = posix.dirname(dir);
    const base = modulePath ? posix.join(dir, modulePath) : dir;
    tryModule(base, true);
    // `from . import views` names modules, not only attributes.
    for (const n of names) tryModule(posix.join(base, n), true);
  } else if (modulePath) {
    tryModule(modulePath, false);
    for (const n of names) tryModule(`${modulePath}/${n}`, false);
  }
  return out.map((p) => p.replace(/^\.\//, ''));
}

function resolveGo(importPath: string, index: FileIndex): string[] {
  let dir: string | undefined;
  if (index.goModule) {
    if (importPath === index.goModule) dir = '.';
    else if (importPath.startsWith(index.goModule + '/')) dir = importPath.slice(index.goModule.length + 1);
    else return [];
  } else {
    // No go.mod at the root: the package folder is the longest folder that ends the import path.
    let best = '';
    for (const d of index.dirs()) {
      if (d !== '.' && (importPath === d || importPath.endsWith('/' + d)) && d.length > best.length) best = d;
    }
    if (!best) return [];
    dir = best;
  }
  return index.inDir(dir).filter((p) => p.endsWith('.go') && !p.endsWith('_test.go'));
}

function resolveRust(from: string, source: string, index: FileIndex): string[] {
  const fromDir = posix.dirname(from);
  const fileStem = posix.basename(from, '.rs');
  const isModRoot = ['mod', 'lib', 'main'].includes(fileStem);
  // `mod util;` declares a file module beside this one (or under this module's folder).
  if (/^[A-Za-z_]\w*$/.test(source)) {
    const dir = isModRoot ? fromDir : posix.join(fromDir, fileStem);
    return firstExisting([`${dir}/${source}.rs`, `${dir}/${source}/mod.rs`].map(clean), index);
  }
  const path = source
    .replace(/\s+/g, '')
    .replace(/::\{.*$/, '')
    .replace(/::\*$/, '');
  const segments = path.split('::');
  let baseDir: string;
  if (segments[0] === 'crate') {
    const src = from.lastIndexOf('src/');
    baseDir = src >= 0 ? from.slice(0, src + 3) : fromDir;
    segments.shift();
  } else if (segments[0] === 'super' || segments[0] === 'self') {
    baseDir = isModRoot ? fromDir : posix.join(fromDir, fileStem);
    while (segments[0] === 'super') {
      baseDir = posix.dirname(baseDir);
      segments.shift();
    }
    if (segments[0] === 'self') segments.shift();
  } else {
    return [];
  }
  // The last segments may name items inside a module file: try the longest module path first.
  for (let n = segments.length; n >= 1; n--) {
    const mod = posix.join(baseDir, ...segments.slice(0, n));
    const hit = firstExisting([`${mod}.rs`, `${mod}/mod.rs`].map(clean), index);
    if (hit.length > 0) return hit;
  }
  return [];
}

function resolveJava(source: string, index: FileIndex): string[] {
  const parts = source.split('.');
  // `import a.b.C`, or a static import `a.b.C.member`.
  for (let n = parts.length; n >= Math.max(1, parts.length - 1); n--) {
    const hits = index.endingWith(parts.slice(0, n).join('/') + '.java');
    if (hits.length > 0 && hits.length <= MAX_MATCHES) return hits;
  }
  // `import a.b.*`: the package folder.
  const dirSuffix = parts.join('/');
  for (const d of index.dirs()) {
    if (d === dirSuffix || d.endsWith('/' + dirSuffix))
      return index
        .inDir(d)
        .filter((p) => p.endsWith('.java'))
        .slice(0, 20);
  }
  return [];
}

function clean(p: string): string {
  return p.replace(/^\.\//, '');
}
