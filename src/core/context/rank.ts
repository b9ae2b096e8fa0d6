/**
 * Ranks definitions by how much they matter to a run: graph distance from the targets plus a
 * PageRank personalised to the targets and to identifiers the instruction names (the approach
 * Aider's repo map takes, here at the level of definitions rather than files, so a target
 * function's callees outrank the rest of their files).
 *
 * Nodes are definitions (`path#index`) and files (`path`, standing for top-level code). A use of a
 * name inside definition A that resolves to definition B is an edge A -> B; PageRank also walks
 * edges backwards at half weight, because callers of a target matter too (they may break).
 */
import { isTrusted, type Resolution } from './graphIndex';
import type { DefLoc, SymbolGraph } from './symbolGraph';

export type NodeKey = string;

export function defKey(loc: DefLoc): NodeKey {
  return `${loc.path}#${loc.index}`;
}

/** Weighted edges in compressed rows (typed arrays: PageRank walks them many times). */
interface Csr {
  offsets: Int32Array;
  targets: Int32Array;
  weights: Float64Array;
}

interface EdgeSet {
  keys: NodeKey[];
  ids: Map<NodeKey, number>;
  /** Uses (A uses B: A -> B) and the same edges reversed (B is used by A). */
  out: Csr;
  back: Csr;
}

const DAMPING = 0.85;
const ITERATIONS = 30;
const MAX_DISTANCE = 4;

const edgeCache = new WeakMap<SymbolGraph, { version: number; edges: EdgeSet }>();

function edgesOf(graph: SymbolGraph): EdgeSet {
  const hit = edgeCache.get(graph);
  if (hit && hit.version === graph.version) return hit.edges;
  const keys: NodeKey[] = [];
  const ids = new Map<NodeKey, number>();
  const from: number[] = [];
  const to: number[] = [];
  const weight: number[] = [];
  const id = (k: NodeKey): number => {
    let n = ids.get(k);
    if (n === undefined) {
      n = keys.length;
      keys.push(k);
      ids.set(k, n);
    }
    return n;
  };
  const link = (a: number, b: number, w: number): void => {
    if (a === b) return;
    from.push(a);
    to.push(b);
    weight.push(w);
  };
  for (const e of graph.allEntries()) {
    if (!e.tags) continue;
    const file = id(e.path);
    const defIds = e.tags.defs.map((_, i) => id(`${e.path}#${i}`));
    e.tags.defs.forEach((d, i) => {
      // A file's definitions belong together; a member belongs to its class.
      link(file, defIds[i]!, 0.1);
      link(defIds[i]!, file, 0.1);
      if (d.parent !== undefined) {
        link(defIds[i]!, defIds[d.parent]!, 0.3);
        link(defIds[d.parent]!, defIds[i]!, 0.1);
      }
    });
    // One file uses the same name many times; resolve each name once.
    const resolved = new Map<string, { targets: number[]; how: Resolution } | null>();
    for (const ref of e.tags.refs) {
      let hit = resolved.get(ref.name);
      if (hit === undefined) {
        const r = graph.resolve(e.path, ref.name);
        hit = r ? { targets: r.locs.map((l) => id(defKey(l))), how: r.how } : null;
        resolved.set(ref.name, hit);
      }
      if (!hit) continue;
      const src = ref.within === undefined ? file : defIds[ref.within]!;
      // Guesses still inform the ranking, at a fraction of the weight of a sure link.
      const w = isTrusted(hit.how, ref.kind) ? 1 : 0.3 / hit.targets.length;
      for (const t of hit.targets) link(src, t, w);
    }
  }
  const n = keys.length;
  const edges = { keys, ids, out: csr(n, from, to, weight), back: csr(n, to, from, weight) };
  edgeCache.set(graph, { version: graph.version, edges });
  return edges;
}

function csr(n: number, from: number[], to: number[], weight: number[]): Csr {
  const offsets = new Int32Array(n + 1);
  for (const f of from) offsets[f + 1]!++;
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const fill = offsets.slice(0, n);
  const targets = new Int32Array(from.length);
  const weights = new Float64Array(from.length);
  for (let k = 0; k < from.length; k++) {
    const at = fill[from[k]!]!++;
    targets[at] = to[k]!;
    weights[at] = weight[k]!;
  }
  return { offsets, targets, weights };
}

export interface RankInput {
  graph: SymbolGraph;
  /** Target definitions (a target function) or target files (all their code). */
  seeds: NodeKey[];
  instruction: string;
}

export interface Ranked {
  key: NodeKey;
  score: number;
  /** Hops from the nearest target, either direction; undefined when unreachable within 4. */
  distance: number | undefined;
}

export interface Ranking {
  score(key: NodeKey): number;
  distance(key: NodeKey): number | undefined;
  /** Definitions only, best first. */
  ranked: Ranked[];
  /** Definitions whose name the instruction spells out (`getUser` in "cache getUser"). */
  named: ReadonlySet<NodeKey>;
}

export function rank(input: RankInput): Ranking {
  const { keys, ids, out, back } = edgesOf(input.graph);
  const n = keys.length;
  const seeds = input.seeds.map((k) => ids.get(k)).filter((x): x is number => x !== undefined);

  // Personalisation: most mass on the targets, some on what the instruction names.
  const personal = new Float64Array(n);
  const words = instructionWords(input.instruction);
  const named: [number, number][] = [];
  if (words.size > 0) {
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      const hash = k.lastIndexOf('#');
      if (hash < 0) continue;
      const def = input.graph.definition({ path: k.slice(0, hash), index: Number(k.slice(hash + 1)) });
      const w = def ? nameMatch(def.name, words) : 0;
      if (w > 0) named.push([i, w]);
    }
  }
  const seedMass = named.length > 0 ? 0.7 : 1;
  for (const s of seeds) personal[s]! += seedMass / seeds.length;
  const namedTotal = named.reduce((a, [, w]) => a + w, 0);
  for (const [i, w] of named) personal[i]! += ((seeds.length > 0 ? 0.3 : 1) * w) / namedTotal;

  const pr = pagerank(n, out, back, personal);
  const dist = distances(seeds, out, back);
  let maxPr = 0;
  for (let i = 0; i < n; i++) if (pr[i]! > maxPr) maxPr = pr[i]!;
  const score = (i: number): number => {
    const d = dist.get(i);
    const p = maxPr > 0 ? pr[i]! / maxPr : 0;
    return 0.6 * p + (d === undefined ? 0 : 0.4 / (1 + d));
  };
  const ranked: Ranked[] = [];
  for (let i = 0; i < n; i++) if (keys[i]!.includes('#')) ranked.push({ key: keys[i]!, score: score(i), distance: dist.get(i) });
  ranked.sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    score: (k) => {
      const i = ids.get(k);
      return i === undefined ? 0 : score(i);
    },
    distance: (k) => {
      const i = ids.get(k);
      return i === undefined ? undefined : dist.get(i);
    },
    ranked,
    named: new Set(named.filter(([, w]) => w === 1).map(([i]) => keys[i]!)),
  };
}

function pagerank(n: number, out: Csr, back: Csr, personal: Float64Array): Float64Array {
  if (n === 0) return new Float64Array(0);
  let sumP = 0;
  for (const v of personal) sumP += v;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = sumP > 0 ? personal[i]! / sumP : 1 / n;
  // Total outgoing weight of each node over both directions (backward at half weight).
  const total = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = out.offsets[i]!; k < out.offsets[i + 1]!; k++) total[i]! += out.weights[k]!;
    for (let k = back.offsets[i]!; k < back.offsets[i + 1]!; k++) total[i]! += 0.5 * back.weights[k]!;
  }
  let rankNow = Float64Array.from(p);
  for (let it = 0; it < ITERATIONS; it++) {
    const next = new Float64Array(n);
    let dangling = 0;
    for (let i = 0; i < n; i++) {
      const r = rankNow[i]!;
      if (total[i] === 0) {
        dangling += r;
        continue;
      }
      const share = (DAMPING * r) / total[i]!;
      for (let k = out.offsets[i]!; k < out.offsets[i + 1]!; k++) next[out.targets[k]!]! += share * out.weights[k]!;
      for (let k = back.offsets[i]!; k < back.offsets[i + 1]!; k++) next[back.targets[k]!]! += share * 0.5 * back.weights[k]!;
    }
    const restart = 1 - DAMPING + DAMPING * dangling;
    for (let i = 0; i < n; i++) next[i]! += restart * p[i]!;
    rankNow = next;
  }
  return rankNow;
}

function distances(seeds: number[], out: Csr, back: Csr): Map<number, number> {
  const dist = new Map<number, number>();
  let frontier = seeds;
  for (const s of seeds) dist.set(s, 0);
  for (let d = 1; d <= MAX_DISTANCE && frontier.length > 0; d++) {
    const next: number[] = [];
    for (const i of frontier) {
      for (const g of [out, back]) {
        for (let k = g.offsets[i]!; k < g.offsets[i + 1]!; k++) {
          const j = g.targets[k]!;
          if (!dist.has(j)) {
            dist.set(j, d);
            next.push(j);
          }
        }
      }
    }
    frontier = next;
  }
  return dist;
}

const STOP = new Set([
  'the',
  'and',
  'for',
  'with',
  'that',
  'this',
  'from',
  'into',
  'add',
  'use',
  'make',
  'all',
  'new',
  'get',
  'set',
  'its',
  'are',
  'not',
  'but',
  'should',
  'when',
  'then',
  'each',
  'instead',
  'function',
  'method',
  'class',
  'file',
  'code',
]);

/** Lower-cased words of the instruction, identifiers split at camelCase and snake_case as well as whole. */
export function instructionWords(instruction: string): Set<string> {
  const out = new Set<string>();
  for (const token of instruction.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
    const whole = token.toLowerCase();
    if (whole.length >= 3 && !STOP.has(whole)) out.add(whole);
    for (const part of splitIdentifier(token)) if (part.length >= 3 && !STOP.has(part)) out.add(part);
  }
  return out;
}

const splitCache = new Map<string, string[]>();

export function splitIdentifier(name: string): string[] {
  let parts = splitCache.get(name);
  if (!parts) {
    if (splitCache.size > 50_000) splitCache.clear();
    splitCache.set(name, (parts = splitUncached(name)));
  }
  return parts;
}

function splitUncached(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_\-$]+/)
    .filter(Boolean)
    .map((s) => s.toLowerCase());
}

/** 1 when the instruction names the identifier itself, a share when it names most of its parts. */
export function nameMatch(name: string, words: ReadonlySet<string>): number {
  if (words.has(name.toLowerCase())) return 1;
  const parts = splitIdentifier(name).filter((p) => p.length >= 3);
  if (parts.length === 0) return 0;
  const hits = parts.filter((p) => words.has(p)).length;
  return hits / parts.length >= 0.5 && hits > 0 ? 0.3 * (hits / parts.length) : 0;
}

/** Nodes whose code uses `key` (callers, importers, subclasses): the backward edges of the graph. */
export function usersOf(graph: SymbolGraph, key: NodeKey): NodeKey[] {
  const { ids, keys, back } = edgesOf(graph);
  const i = ids.get(key);
  if (i === undefined) return [];
  const users = new Set<number>();
  for (let k = back.offsets[i]!; k < back.offsets[i + 1]!; k++) users.add(back.targets[k]!);
  return [...users].map((j) => keys[j]!);
}
