/**
 * Tags of one file: what it defines, what it uses, what it imports. Extracted with the tags
 * queries in ./queries from a tree that treeSitter.ts parses, and kept as plain JSON-able data so
 * the symbol graph can cache it on disk and never parse an unchanged file again.
 */
import { Query, type Node, type QueryMatch } from 'web-tree-sitter';
import type { LanguageId } from '../languages';
import { loadLanguage, withTree, type Tree } from '../validate/treeSitter';
import { TAG_QUERIES } from './queries';

export type DefinitionKind = 'function' | 'method' | 'class' | 'interface' | 'type' | 'enum' | 'constant' | 'module' | 'macro' | 'impl';

export interface Definition {
  name: string;
  kind: DefinitionKind;
  /** 1-based, inclusive; widened to take in `export`, decorators, attributes and the doc comment above. */
  startLine: number;
  endLine: number;
  /** The header without the body (`export function f(a: T): U`), or the first line when there is no body. */
  signature: string;
  /** 1-based lines where the signature starts (after any doc comment) and ends (before the body). */
  sigLine: number;
  sigEndLine: number;
  /** Exported or public: what other files may use (and what a patch may break for them). */
  exported: boolean;
  /** Index of the enclosing definition in the same file (a method's class). */
  parent?: number;
}

export interface Reference {
  name: string;
  /**
   * From the query's `@reference.<kind>`: 'call' (a plain call), 'member' (a call through an
   * object: `x.get()`), 'type', 'class'; 'import' for a name an import statement brings in.
   */
  kind: string;
  line: number;
  /** Index of the innermost definition the use sits in; absent for top-level code. */
  within?: number;
}

export interface ImportTag {
  /** As written: './user', 'os.path', '.models', 'github.com/x/y', 'crate::a::b', 'com.x.Y'. */
  source: string;
  /** The names it brings in, where the statement names them. */
  names: string[];
  line: number;
  endLine: number;
}

export interface FileTags {
  defs: Definition[];
  refs: Reference[];
  imports: ImportTag[];
}

const KIND_PRIORITY: Record<DefinitionKind, number> = {
  function: 3,
  method: 3,
  class: 3,
  interface: 3,
  enum: 3,
  module: 3,
  macro: 3,
  impl: 3,
  type: 2,
  constant: 1,
};
const CONTAINERS = new Set<DefinitionKind>(['class', 'interface', 'impl', 'enum']);

const compiled = new Map<LanguageId, Promise<{ tags: Query; importNames?: Query }>>();

/** The compiled queries for `language`, or undefined when the graph does not index it. */
async function queriesFor(language: LanguageId): Promise<{ tags: Query; importNames?: Query } | undefined> {
  const source = TAG_QUERIES[language];
  if (!source) return undefined;
  let q = compiled.get(language);
  if (!q) {
    q = loadLanguage(language).then((lang) => ({
      tags: new Query(lang, source.tags),
      importNames: source.importNames ? new Query(lang, source.importNames) : undefined,
    }));
    q.catch(() => compiled.delete(language));
    compiled.set(language, q);
  }
  return q;
}

export function isIndexedLanguage(language: LanguageId | undefined): language is LanguageId {
  return language !== undefined && TAG_QUERIES[language] !== undefined;
}

/** Parses `text` and extracts its tags. */
export async function extractTags(language: LanguageId, text: string, signal?: AbortSignal): Promise<FileTags> {
  const queries = await queriesFor(language);
  if (!queries) return { defs: [], refs: [], imports: [] };
  return withTree(language, text, (tree) => tagsOfTree(language, tree, text, queries), { signal });
}

/** Definitions only (for findFunction / functionAt, which do not need references). */
export async function extractDefinitions(language: LanguageId, text: string): Promise<Definition[]> {
  return (await extractTags(language, text)).defs;
}

interface RawDef {
  def: Definition;
  core: Node;
  nameStart: number;
  start: number;
  end: number;
}

function tagsOfTree(language: LanguageId, tree: Tree, text: string, queries: { tags: Query; importNames?: Query }): FileTags {
  const matches = queries.tags.matches(tree.rootNode);
  const byName = new Map<number, RawDef>();
  const rawRefs: { name: string; kind: string; node: Node }[] = [];
  const importMatches: { node: Node; source: string }[] = [];

  for (const m of matches) {
    const cap = captureMap(m);
    const nameNode = cap.get('name');
    for (const [capName, node] of cap) {
      if (capName.startsWith('definition.') && nameNode) {
        const kind = capName.slice('definition.'.length) as DefinitionKind;
        if (!(kind in KIND_PRIORITY)) continue;
        const prior = byName.get(nameNode.startIndex);
        if (prior && KIND_PRIORITY[prior.def.kind] >= KIND_PRIORITY[kind]) continue;
        byName.set(nameNode.startIndex, rawDefinition(language, kind, node, nameNode, text));
      } else if (capName.startsWith('reference.') && nameNode) {
        rawRefs.push({ name: nameNode.text, kind: capName.slice('reference.'.length), node: nameNode });
      } else if (capName === 'import') {
        const src = cap.get('import.source');
        if (src) importMatches.push({ node, source: importSource(language, src) });
      }
    }
  }

  const raw = [...byName.values()].sort((a, b) => a.start - b.start || b.end - a.end);
  assignParents(raw);
  for (const r of raw) finishDefinition(language, r, raw);
  const defs = raw.map((r) => r.def);

  // A definition's own name is not a use of it (TypeScript's `(type_identifier)` catches both).
  const defNames = new Set(raw.filter((r) => r.def.kind !== 'impl').map((r) => r.nameStart));
  const refs: Reference[] = [];
  const seen = new Set<string>();
  for (const r of rawRefs) {
    if (defNames.has(r.node.startIndex)) continue;
    const line = r.node.startPosition.row + 1;
    const within = innermost(raw, r.node.startIndex);
    const key = `${r.name}\0${line}\0${within ?? -1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    refs.push(within === undefined ? { name: r.name, kind: r.kind, line } : { name: r.name, kind: r.kind, line, within });
  }

  const imports = collectImports(importMatches, queries.importNames, tree);
  // An imported name is a use of it from top-level code: the file depends on that definition.
  for (const imp of imports) for (const name of imp.names) refs.push({ name, kind: 'import', line: imp.line });
  return { defs, refs, imports };
}

function captureMap(m: QueryMatch): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const c of m.captures) if (!c.name.startsWith('_') && !out.has(c.name)) out.set(c.name, c.node);
  return out;
}

function rawDefinition(language: LanguageId, kind: DefinitionKind, core: Node, nameNode: Node, text: string): RawDef {
  const outer = widen(language, core);
  let start = outer.startIndex;
  let startRow = outer.startPosition.row;
  // Doc comments and attributes right above belong to the definition.
  for (let prev = outer.previousNamedSibling; prev; prev = prev.previousNamedSibling) {
    const isDoc = prev.type.includes('comment') || prev.type === 'attribute_item';
    if (!isDoc || prev.endPosition.row < startRow - 1) break;
    start = prev.startIndex;
    startRow = prev.startPosition.row;
  }
  const end = outer.endIndex;
  const endRow = outer.endPosition.column === 0 && outer.endPosition.row > startRow ? outer.endPosition.row - 1 : outer.endPosition.row;
  const sig = signatureOf(core, outer, text);
  const def: Definition = {
    name: nameNode.text,
    kind,
    startLine: startRow + 1,
    endLine: endRow + 1,
    signature: sig.text,
    sigLine: outer.startPosition.row + 1,
    sigEndLine: outer.startPosition.row + sig.lines,
    exported: false,
  };
  return { def, core, nameStart: nameNode.startIndex, start, end };
}

/** The node that carries the whole definition: `export ...`, a decorated definition, a lone `type X ...`. */
function widen(language: LanguageId, node: Node): Node {
  let n = node;
  for (;;) {
    const p = n.parent;
    if (!p) return n;
    if (p.type === 'export_statement' || p.type === 'decorated_definition') n = p;
    else if (language === 'go' && /^(type|const|var)_declaration$/.test(p.type) && p.namedChildCount === 1) n = p;
    else return n;
  }
}

function bodyOf(core: Node): Node | null {
  const body = core.childForFieldName('body');
  if (body) return body;
  // `const f = (a) => { ... }`: the body is the function value's.
  const declarator = core.namedChildren.find((c) => c?.type === 'variable_declarator');
  const value = declarator?.childForFieldName('value');
  if (value && /function|arrow/.test(value.type)) return value.childForFieldName('body');
  return null;
}

/** The signature's text (folded when very long) and how many source lines it spans. */
function signatureOf(core: Node, outer: Node, text: string): { text: string; lines: number } {
  const body = bodyOf(core);
  let sig: string;
  if (body && body.startIndex > outer.startIndex) {
    sig = text.slice(outer.startIndex, body.startIndex).trimEnd();
  } else {
    const whole = text.slice(outer.startIndex, outer.endIndex);
    const nl = whole.indexOf('\n');
    sig = nl < 0 ? whole : whole.slice(0, nl).trimEnd();
  }
  const lines = sig.split('\n');
  // A very long parameter list or decorator stack is folded to keep outlines short.
  if (lines.length > 8) sig = [...lines.slice(0, 6), '  …', lines[lines.length - 1]!].join('\n');
  return { text: sig.length > 600 ? sig.slice(0, 600) + ' …' : sig, lines: lines.length };
}

function assignParents(raw: RawDef[]): void {
  const stack: number[] = [];
  raw.forEach((r, i) => {
    while (stack.length > 0 && raw[stack[stack.length - 1]!]!.end <= r.start) stack.pop();
    if (stack.length > 0) r.def.parent = stack[stack.length - 1]!;
    stack.push(i);
  });
}

function finishDefinition(language: LanguageId, r: RawDef, all: RawDef[]): void {
  const parent = r.def.parent === undefined ? undefined : all[r.def.parent]!.def;
  if (r.def.kind === 'function' && parent && CONTAINERS.has(parent.kind)) r.def.kind = 'method';
  r.def.exported = isExported(language, r, parent, all);
}

function isExported(language: LanguageId, r: RawDef, parent: Definition | undefined, all: RawDef[]): boolean {
  const { def, core } = r;
  const inFunction = parent !== undefined && (parent.kind === 'function' || parent.kind === 'method');
  if (inFunction) return false;
  switch (language) {
    case 'typescript':
    case 'tsx':
    case 'javascript':
    case 'jsx': {
      if (parent) {
        const priv = core.namedChildren.some((c) => c?.type === 'accessibility_modifier' && c.text === 'private');
        return parent.exported && !priv && !def.name.startsWith('#');
      }
      return core.parent?.type === 'export_statement' || core.parent?.parent?.type === 'export_statement';
    }
    case 'python': {
      const publicName = !def.name.startsWith('_') || /^__\w+__$/.test(def.name);
      return publicName && (parent === undefined || parent.exported);
    }
    case 'go':
      return /^[A-Z]/.test(def.name);
    case 'rust': {
      if (core.namedChildren.some((c) => c?.type === 'visibility_modifier')) return true;
      const parentRaw = r.def.parent === undefined ? undefined : all[r.def.parent];
      // Trait items and trait impl methods are as public as the trait.
      return (
        parentRaw !== undefined &&
        (parentRaw.def.kind === 'interface' || (parentRaw.def.kind === 'impl' && parentRaw.core.childForFieldName('trait') !== null))
      );
    }
    case 'java': {
      if (parent?.kind === 'interface') return true;
      const mods = core.namedChildren.find((c) => c?.type === 'modifiers');
      return mods !== undefined && mods !== null && /\b(public|protected)\b/.test(mods.text);
    }
    default:
      return false;
  }
}

function innermost(raw: RawDef[], index: number): number | undefined {
  let found: number | undefined;
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i]!;
    if (r.start > index) break;
    if (index < r.end) found = i;
  }
  return found;
}

function importSource(language: LanguageId, node: Node): string {
  const t = node.text.trim();
  if (language === 'go') return t.replace(/^"|"$/g, '');
  return t;
}

function collectImports(matches: { node: Node; source: string }[], namesQuery: Query | undefined, tree: Tree): ImportTag[] {
  const imports: (ImportTag & { start: number; end: number; row: number })[] = matches.map((m) => ({
    source: m.source,
    names: [],
    line: m.node.startPosition.row + 1,
    endLine: m.node.endPosition.row + 1,
    start: m.node.startIndex,
    end: m.node.endIndex,
    row: m.node.startPosition.row,
  }));
  if (namesQuery && imports.length > 0) {
    for (const c of namesQuery.captures(tree.rootNode)) {
      if (c.name !== 'import.name') continue;
      const at = c.node.startIndex;
      // Pair by containment; `const { a } = require('x')` holds the name beside the call, on its line.
      const owner = imports.find((i) => i.start <= at && at < i.end) ?? imports.find((i) => i.row === c.node.startPosition.row);
      if (owner && !owner.names.includes(c.node.text)) owner.names.push(c.node.text);
    }
  }
  return imports.map(({ source, names, line, endLine }) => ({ source, names, line, endLine }));
}
