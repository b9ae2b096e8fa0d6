/**
 * Blast radius of a change: for each changed public symbol of a file, how many uses other files
 * make of it and which files those are. The risk score weighs a patch that changes widely used
 * symbols above one that changes private helpers.
 */
import type { LanguageId } from '../languages';
import { qualifiedName } from './functions';
import { isTrusted } from './graphIndex';
import { defKey, usersOf } from './rank';
import type { SymbolGraph } from './symbolGraph';
import { extractDefinitions, isIndexedLanguage, type Definition } from './tags';

export interface BlastRadiusEntry {
  symbol: string;
  /** Uses in other files (calls, type uses, imports), each counted once per line. */
  references: number;
  /** Sorted workspace paths of the files that use it. */
  referencingFiles: string[];
}

/**
 * `symbolNames` may be plain (`getUser`) or qualified (`UserService.getUser`). A name the file
 * does not define gets zero uses. The graph should be built (`ensureBuilt`) first.
 */
export function blastRadius(graph: SymbolGraph, path: string, symbolNames: readonly string[]): BlastRadiusEntry[] {
  const defs = graph.entry(path)?.tags?.defs ?? [];
  return symbolNames.map((symbol) => {
    const indexes = defs.map((_, i) => i).filter((i) => qualifiedName(defs, i) === symbol || defs[i]!.name === symbol);
    const targetKeys = new Set(indexes.map((index) => defKey({ path, index })));
    const files = new Set<string>();
    let references = 0;
    const seenUsers = new Set<string>();
    for (const key of targetKeys) {
      for (const user of usersOf(graph, key)) {
        if (seenUsers.has(user)) continue;
        seenUsers.add(user);
        const hash = user.lastIndexOf('#');
        const userPath = hash < 0 ? user : user.slice(0, hash);
        if (userPath === path) continue;
        const within = hash < 0 ? undefined : Number(user.slice(hash + 1));
        const name = defs[indexes[0]!]!.name;
        for (const ref of graph.entry(userPath)?.tags?.refs ?? []) {
          if (ref.name !== name || ref.within !== within) continue;
          const r = graph.resolve(userPath, ref.name);
          if (!r || !isTrusted(r.how, ref.kind) || !r.locs.some((l) => targetKeys.has(defKey(l)))) continue;
          references++;
          files.add(userPath);
        }
      }
    }
    return { symbol, references, referencingFiles: [...files].sort() };
  });
}

/**
 * Exported or public definitions of a file that a patch changes or removes (compared by their
 * text), by qualified name: what to pass to `blastRadius`.
 */
export async function changedPublicSymbols(language: LanguageId, before: string, after: string): Promise<string[]> {
  if (!isIndexedLanguage(language)) return [];
  const [a, b] = await Promise.all([extractDefinitions(language, before), extractDefinitions(language, after)]);
  const textOf = (text: string, defs: Definition[]): Map<string, string> => {
    const lines = text.split('\n');
    const out = new Map<string, string>();
    defs.forEach((d, i) => {
      if (d.exported && d.kind !== 'impl') out.set(qualifiedName(defs, i), lines.slice(d.startLine - 1, d.endLine).join('\n'));
    });
    return out;
  };
  const old = textOf(before, a);
  const now = textOf(after, b);
  const changed: string[] = [];
  for (const [name, text] of old) if (now.get(name) !== text) changed.push(name);
  // A class whose method changed is not itself reported as changed twice over.
  return changed.filter((n) => !changed.some((m) => m !== n && m.startsWith(n + '.')));
}

export interface PublicSymbolImpact {
  /** Public symbols the patch changes or removes. */
  changed: string[];
  radius: BlastRadiusEntry[];
  /**
   * For risk's `publicSymbols` input: the changed public symbols plus the other files that use
   * them, so a change to an exported helper used in 5 files weighs more than one used nowhere.
   */
  count: number;
}

/**
 * What the risk score needs from the graph for one patched file. The graph describes the
 * workspace before the patch, which is what matters: who uses the symbols as they were.
 */
export async function publicSymbolImpact(
  graph: SymbolGraph,
  path: string,
  language: LanguageId,
  before: string,
  after: string,
): Promise<PublicSymbolImpact> {
  const changed = await changedPublicSymbols(language, before, after);
  const radius = blastRadius(graph, path, changed);
  const files = new Set(radius.flatMap((r) => r.referencingFiles));
  return { changed, radius, count: changed.length + files.size };
}
