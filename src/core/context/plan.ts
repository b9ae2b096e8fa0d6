/**
 * What the model should see, in order of need: the targets; the signatures of what the target
 * calls in other files; the code that calls the target (it may break); the types and imports it
 * needs; then bodies of what it calls and other high-ranked definitions. `render.ts` then keeps
 * as much of this list as the budget allows, in this order.
 */
import type { LanguageId } from '../languages';
import { qualifiedName } from './functions';
import { defKey, usersOf, type Ranking } from './rank';
import type { Candidate } from './render';
import { callSites, lineCount, lineRange, outline, signatureBlock, signatureEndLine } from './snippets';
import { isTrusted } from './graphIndex';
import type { DefLoc, SymbolGraph } from './symbolGraph';
import type { Definition, FileTags } from './tags';

export interface ResolvedTarget {
  path: string;
  language: LanguageId | undefined;
  text: string;
  /** Undefined for a file the graph does not index (a language without tags). */
  tags?: FileTags;
  /** The target function, when the target is narrowed to one. */
  defIndex?: number;
}

export interface PlanInput {
  graph: SymbolGraph;
  ranking: Ranking;
  targets: readonly ResolvedTarget[];
  /** A workspace file's text as it was indexed (undefined when it changed since: its pieces are left out). */
  text: (path: string) => Promise<string | undefined>;
}

const MAX_CALLEES = 30;
const MAX_CALLERS = 20;
const MAX_IMPORT_OUTLINES = 6;
const MAX_RELATED = 12;
/** Callers and types up to this many lines are sent whole; longer ones as signature plus call lines. */
const SHORT_CALLER_LINES = 30;
const SHORT_TYPE_LINES = 40;
const SHORT_BODY_LINES = 80;
const TYPE_KINDS = new Set(['interface', 'type', 'enum']);

export async function planCandidates(input: PlanInput): Promise<Candidate[]> {
  const { graph, ranking, targets } = input;
  const out: Candidate[] = [];
  const inScope = (loc: DefLoc): boolean => targets.some((t) => covers(t, loc, graph));
  const byScore = (a: DefLoc, b: DefLoc): number => byRank(ranking, defKey(a), defKey(b));

  // 1. The targets.
  for (const t of targets) {
    if (t.defIndex === undefined || !t.tags) {
      out.push({
        path: t.path,
        language: t.language,
        kind: 'file',
        reason: 'target',
        startLine: 1,
        endLine: Math.max(1, lineCount(t.text)),
        code: t.text,
        claimsLines: true,
        required: true,
      });
      continue;
    }
    const d = t.tags.defs[t.defIndex]!;
    out.push({
      path: t.path,
      language: t.language,
      kind: 'function',
      reason: 'target',
      detail: qualifiedName(t.tags.defs, t.defIndex),
      startLine: d.startLine,
      endLine: d.endLine,
      code: lineRange(t.text, d.startLine, d.endLine),
      defKey: defKey({ path: t.path, index: t.defIndex }),
      claimsLines: true,
      required: true,
    });
    // One outline per file, after its target functions; members are listed for the targets'
    // own classes, other classes show their header line only.
    const sameFile = targets.filter((x) => x.path === t.path && x.defIndex !== undefined);
    if (sameFile[sameFile.length - 1] !== t) continue;
    const expand = new Set<number>();
    for (const x of sameFile) for (let p = x.tags!.defs[x.defIndex!]!.parent; p !== undefined; p = t.tags.defs[p]!.parent) expand.add(p);
    const o = outline(t.tags, t.text, { withImports: true, expand });
    out.push({
      path: t.path,
      language: t.language,
      kind: 'outline',
      reason: 'outline of target file',
      startLine: o.startLine,
      endLine: o.endLine,
      code: o.code,
      claimsLines: false,
    });
  }

  // What the targets use, split into calls, types and bare imports.
  const callees = new Map<string, DefLoc>();
  const types = new Map<string, DefLoc>();
  for (const t of targets) {
    if (!t.tags) continue;
    const scope = t.defIndex === undefined ? undefined : subtree(t.tags.defs, t.defIndex);
    for (const ref of t.tags.refs) {
      if (scope && (ref.within === undefined || !scope.has(ref.within))) continue;
      const r = graph.resolve(t.path, ref.name);
      if (!r || !isTrusted(r.how, ref.kind)) continue;
      for (const loc of r.locs) {
        if (inScope(loc)) continue;
        const def = graph.definition(loc);
        if (!def) continue;
        const key = defKey(loc);
        if (TYPE_KINDS.has(def.kind) || (ref.kind === 'type' && def.kind === 'class')) types.set(key, loc);
        else callees.set(key, loc);
      }
    }
  }
  const calleeList = [...callees.values()].sort(byScore).slice(0, MAX_CALLEES);
  const outlined = new Set(targets.filter((t) => t.defIndex !== undefined).map((t) => t.path));

  // 2. Signatures of what the target calls (a same-file callee is already in the target's outline).
  for (const loc of calleeList) {
    if (outlined.has(loc.path)) continue;
    const c = await signatureCandidate(input, loc, 'called by target');
    if (c) out.push(c);
  }

  // 3. Code that calls the target.
  out.push(...(await callerCandidates(input, inScope)));

  // 4. Types the target uses, then outlines of the files it imports.
  for (const loc of [...types.values()].sort(byScore)) {
    const def = graph.definition(loc)!;
    const text = await input.text(loc.path);
    if (!text) continue;
    const short = def.endLine - def.startLine + 1 <= SHORT_TYPE_LINES;
    out.push(
      short
        ? {
            ...base(graph, loc, def),
            kind: 'type',
            reason: 'type used by target',
            startLine: def.startLine,
            endLine: def.endLine,
            code: lineRange(text, def.startLine, def.endLine),
          }
        : {
            ...base(graph, loc, def),
            kind: 'signature',
            reason: 'type used by target',
            startLine: def.sigLine,
            endLine: signatureEndLine(def),
            code: signatureBlock(def, graph.entry(loc.path)!.language),
          },
    );
  }
  const targetPaths = new Set(targets.map((t) => t.path));
  const imported = new Set<string>();
  for (const t of targets) for (const p of graph.importsOf(t.path)) if (!targetPaths.has(p)) imported.add(p);
  const importList = [...imported].sort((a, b) => byRank(ranking, a, b)).slice(0, MAX_IMPORT_OUTLINES);
  for (const p of importList) {
    const entry = graph.entry(p);
    const text = entry?.tags ? await input.text(p) : undefined;
    if (!entry?.tags || !text) continue;
    // Only what the targets import from it by name, when they name what they import.
    let only: Set<string> | undefined = new Set<string>();
    for (const t of targets) {
      const names = graph.importsOf(t.path).has(p) ? graph.namesImported(t.path, p) : new Set<string>();
      if (names === undefined) only = undefined;
      else if (only) for (const n of names) only.add(n);
    }
    let o = outline(entry.tags, text, { exportedOnly: true, maxLines: 40, ...(only && only.size > 0 ? { only } : {}) });
    // `from pkg import mod` or a default import names no definition of the file: outline all of it.
    if (o.code.trim() === '' && only) o = outline(entry.tags, text, { exportedOnly: true, maxLines: 40 });
    if (o.code.trim() === '') continue;
    out.push({
      path: p,
      language: entry.language,
      kind: 'outline',
      reason: 'imported by target',
      startLine: o.startLine,
      endLine: o.endLine,
      code: o.code,
      claimsLines: false,
    });
  }

  // 5. Bodies of what the target calls (replacing their signatures), then other high-ranked definitions.
  for (const loc of calleeList) {
    const def = graph.definition(loc)!;
    if (def.endLine - def.startLine + 1 > SHORT_BODY_LINES) continue;
    const text = await input.text(loc.path);
    if (!text) continue;
    out.push({
      ...base(graph, loc, def),
      kind: 'body',
      reason: 'called by target',
      startLine: def.startLine,
      endLine: def.endLine,
      code: lineRange(text, def.startLine, def.endLine),
      upgrade: true,
    });
  }
  // Files already outlined show their definitions' signatures; related pieces come from elsewhere,
  // from near the targets or named by the instruction wherever they are.
  const outlinedFiles = new Set([...outlined, ...importList]);
  let related = 0;
  for (const r of ranking.ranked) {
    const named = ranking.named.has(r.key);
    if (related >= MAX_RELATED || (!named && (r.distance === undefined || r.distance > 2))) continue;
    const loc = parseKey(r.key);
    if (outlinedFiles.has(loc.path) || inScope(loc) || callees.has(r.key) || types.has(r.key)) continue;
    const def = graph.definition(loc);
    if (!def || def.kind === 'impl' || def.kind === 'constant') continue;
    const c = await signatureCandidate(input, loc, named ? 'named in instruction' : 'related (graph rank)');
    if (c) {
      out.push(c);
      related++;
    }
  }
  return out;
}

/** Callers of the target definitions: whole when short, else their signature and the lines of each use. */
async function callerCandidates(input: PlanInput, inScope: (loc: DefLoc) => boolean): Promise<Candidate[]> {
  const { graph, ranking, targets } = input;
  const targetLocs: DefLoc[] = [];
  for (const t of targets) {
    if (!t.tags) continue;
    if (t.defIndex !== undefined) for (const i of subtree(t.tags.defs, t.defIndex)) targetLocs.push({ path: t.path, index: i });
    else t.tags.defs.forEach((_, i) => targetLocs.push({ path: t.path, index: i }));
  }
  const targetKeys = new Set(targetLocs.map(defKey));
  // User node -> the lines where it uses a target.
  const users = new Map<string, Set<number>>();
  for (const loc of targetLocs) {
    const name = graph.definition(loc)!.name;
    for (const user of usersOf(graph, defKey(loc))) {
      const hash = user.lastIndexOf('#');
      const path = hash < 0 ? user : user.slice(0, hash);
      const within = hash < 0 ? undefined : Number(user.slice(hash + 1));
      if (within !== undefined && inScope({ path, index: within })) continue;
      if (within === undefined && targets.some((t) => t.path === path && t.defIndex === undefined)) continue;
      const tags = graph.entry(path)?.tags;
      if (!tags) continue;
      for (const ref of tags.refs) {
        if (ref.name !== name || ref.within !== within || ref.kind === 'import') continue;
        const r = graph.resolve(path, ref.name);
        if (!r || !isTrusted(r.how, ref.kind) || !r.locs.some((l) => targetKeys.has(defKey(l)))) continue;
        const lines = users.get(user) ?? new Set<number>();
        lines.add(ref.line);
        users.set(user, lines);
      }
    }
  }
  const ordered = [...users.keys()].sort((a, b) => byRank(ranking, a, b)).slice(0, MAX_CALLERS);
  const out: Candidate[] = [];
  for (const user of ordered) {
    const hash = user.lastIndexOf('#');
    const path = hash < 0 ? user : user.slice(0, hash);
    const text = await input.text(path);
    const entry = graph.entry(path);
    if (!text || !entry?.tags) continue;
    const lines = [...users.get(user)!].sort((a, b) => a - b);
    if (hash < 0) {
      const s = callSites(text, lines);
      out.push({
        path,
        language: entry.language,
        kind: 'call site',
        reason: 'calls target',
        detail: 'top-level code',
        startLine: s.startLine,
        endLine: s.endLine,
        code: s.code,
        claimsLines: true,
      });
      continue;
    }
    const loc = { path, index: Number(user.slice(hash + 1)) };
    const def = entry.tags.defs[loc.index]!;
    const detail = qualifiedName(entry.tags.defs, loc.index);
    if (def.endLine - def.startLine + 1 <= SHORT_CALLER_LINES) {
      out.push({
        path,
        language: entry.language,
        kind: 'caller',
        reason: 'calls target',
        detail,
        startLine: def.startLine,
        endLine: def.endLine,
        code: lineRange(text, def.startLine, def.endLine),
        defKey: user,
        claimsLines: true,
      });
    } else {
      const s = callSites(text, lines, def);
      out.push({
        path,
        language: entry.language,
        kind: 'call site',
        reason: 'calls target',
        detail,
        startLine: s.startLine,
        endLine: s.endLine,
        code: s.code,
        defKey: user,
        claimsLines: true,
      });
    }
  }
  return out;
}

async function signatureCandidate(input: PlanInput, loc: DefLoc, reason: string): Promise<Candidate | undefined> {
  const entry = input.graph.entry(loc.path);
  const def = entry?.tags?.defs[loc.index];
  if (!entry || !def) return undefined;
  return {
    ...base(input.graph, loc, def),
    kind: 'signature',
    reason,
    startLine: def.sigLine,
    endLine: signatureEndLine(def),
    code: signatureBlock(def, entry.language),
  };
}

function base(
  graph: SymbolGraph,
  loc: DefLoc,
  def: Definition,
): Pick<Candidate, 'path' | 'language' | 'detail' | 'defKey' | 'claimsLines'> {
  const entry = graph.entry(loc.path)!;
  const parent = def.parent === undefined ? undefined : entry.tags!.defs[def.parent];
  return {
    path: loc.path,
    language: entry.language,
    detail: parent ? `${def.kind} of ${parent.name}` : def.kind,
    defKey: defKey(loc),
    claimsLines: true,
  };
}

/** Indexes of the definition and everything nested in it. */
export function subtree(defs: readonly Definition[], root: number): Set<number> {
  const out = new Set<number>([root]);
  for (let i = root + 1; i < defs.length; i++) {
    const p = defs[i]!.parent;
    if (p !== undefined && out.has(p)) out.add(i);
  }
  return out;
}

function covers(t: ResolvedTarget, loc: DefLoc, graph: SymbolGraph): boolean {
  if (loc.path !== t.path) return false;
  if (t.defIndex === undefined || !t.tags) return true;
  const target = t.tags.defs[t.defIndex]!;
  const d = graph.definition(loc);
  return d !== undefined && d.startLine >= target.startLine && d.endLine <= target.endLine;
}

/** Best first; ties by key, so the same workspace always gives the same context. */
function byRank(ranking: Ranking, a: string, b: string): number {
  return ranking.score(b) - ranking.score(a) || (a < b ? -1 : a > b ? 1 : 0);
}

export function parseKey(key: string): DefLoc {
  const hash = key.lastIndexOf('#');
  return { path: key.slice(0, hash), index: Number(key.slice(hash + 1)) };
}
