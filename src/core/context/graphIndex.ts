/**
 * The lookups the symbol graph answers, derived from its files' tags: definitions by name, the
 * workspace files each file imports (and is imported by), and what a use of a name most likely
 * means. Rebuilt from scratch when the files change (cheap next to parsing: no file is read).
 */
import type { FileEntry } from './graphCache';
import { FileIndex, resolveImport } from './resolveImports';
import type { Definition } from './tags';

export interface DefLoc {
  path: string;
  index: number;
}

/** How a use was linked to a definition: in its own file, through an import, by a unique name, or a guess among few. */
export type Resolution = 'local' | 'import' | 'unique' | 'ambiguous';

/**
 * Whether a resolved use is sure enough to show as a caller or callee, or to count in a blast
 * radius. A call through an object (`x.get()`, kind 'member') counts only when the definition is
 * in the same file or an imported one: that the name is defined once elsewhere says little, since
 * `items.map()` is most likely not the one `map` method the workspace defines.
 */
export function isTrusted(how: Resolution, refKind: string): boolean {
  if (how === 'local' || how === 'import') return true;
  return how === 'unique' && refKind !== 'member';
}

/** A name defined in more files than this is too common to link a use to any one of them. */
const MAX_AMBIGUOUS = 8;
const EMPTY: ReadonlySet<string> = new Set();

function insideFunction(defs: readonly Definition[], i: number): boolean {
  for (let p = defs[i]!.parent; p !== undefined; p = defs[p]!.parent)
    if (defs[p]!.kind === 'function' || defs[p]!.kind === 'method') return true;
  return false;
}

export class GraphIndex {
  /** name -> file -> the definitions of that name in that file. */
  private readonly byName = new Map<string, Map<string, DefLoc[]>>();
  private readonly imports = new Map<string, Set<string>>();
  private readonly importers = new Map<string, Set<string>>();
  /** file -> imported file -> the names it imports from there, or null for the whole module. */
  private readonly importedNames = new Map<string, Map<string, Set<string> | null>>();

  constructor(entries: Iterable<FileEntry>, knownPaths: Iterable<string>, goModule: string | undefined) {
    const all = [...entries];
    const files = new FileIndex(new Set([...knownPaths, ...all.map((e) => e.path)]), goModule);
    for (const e of all) {
      if (!e.tags) continue;
      const defs = e.tags.defs;
      e.tags.defs.forEach((d, i) => {
        // A function's local helpers are not visible by name outside it; a same-named use elsewhere means something else.
        if (d.kind === 'impl' || insideFunction(defs, i)) return;
        let byFile = this.byName.get(d.name);
        if (!byFile) this.byName.set(d.name, (byFile = new Map()));
        const list = byFile.get(e.path);
        if (list) list.push({ path: e.path, index: i });
        else byFile.set(e.path, [{ path: e.path, index: i }]);
      });
      const targets = new Set<string>();
      const names = new Map<string, Set<string> | null>();
      for (const imp of e.tags.imports) {
        for (const t of resolveImport(e.language, e.path, imp.source, imp.names, files)) {
          targets.add(t);
          const prior = names.get(t);
          if (imp.names.length === 0 || prior === null) names.set(t, null);
          else names.set(t, new Set([...(prior ?? []), ...imp.names]));
        }
      }
      this.importedNames.set(e.path, names);
      // Go and Java see their package's other files without importing them.
      if (e.language === 'go' || e.language === 'java') {
        const dir = e.path.includes('/') ? e.path.slice(0, e.path.lastIndexOf('/')) : '.';
        const ext = e.language === 'go' ? '.go' : '.java';
        for (const sib of files.inDir(dir)) if (sib !== e.path && sib.endsWith(ext)) targets.add(sib);
      }
      this.imports.set(e.path, targets);
      for (const t of targets) {
        const set = this.importers.get(t);
        if (set) set.add(e.path);
        else this.importers.set(t, new Set([e.path]));
      }
    }
  }

  /** Workspace files this file imports (for Go and Java, its package's other files too). */
  importsOf(path: string): ReadonlySet<string> {
    return this.imports.get(path) ?? EMPTY;
  }

  importersOf(path: string): ReadonlySet<string> {
    return this.importers.get(path) ?? EMPTY;
  }

  /**
   * The names `from` imports from `to` (`import { a, b } from './to'`), or undefined when it takes
   * the whole module (`import * as m`, `import pkg.mod`) or does not import it by statement.
   */
  namesImported(from: string, to: string): ReadonlySet<string> | undefined {
    return this.importedNames.get(from)?.get(to) ?? undefined;
  }

  definitionsNamed(name: string): readonly DefLoc[] {
    const byFile = this.byName.get(name);
    return byFile ? [...byFile.values()].flat() : [];
  }

  /** The definitions a use of `name` in `from` most likely means, and how sure that is. */
  resolve(from: string, name: string): { locs: readonly DefLoc[]; how: Resolution } | undefined {
    const byFile = this.byName.get(name);
    if (!byFile) return undefined;
    const local = byFile.get(from);
    if (local) return { locs: local, how: 'local' };
    const imports = this.importsOf(from);
    let imported: DefLoc[] | undefined;
    // Walk the smaller side: a common name may be defined in hundreds of files, a file imports few.
    if (imports.size < byFile.size) {
      for (const p of imports) {
        const locs = byFile.get(p);
        if (locs) imported = imported ? imported.concat(locs) : locs;
      }
    } else {
      for (const [p, locs] of byFile) if (imports.has(p)) imported = imported ? imported.concat(locs) : locs;
    }
    if (imported) return { locs: imported, how: 'import' };
    if (byFile.size === 1) return { locs: byFile.values().next().value!, how: 'unique' };
    if (byFile.size <= MAX_AMBIGUOUS) return { locs: [...byFile.values()].flat(), how: 'ambiguous' };
    return undefined;
  }
}
