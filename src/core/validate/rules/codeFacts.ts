import type { LanguageId } from '../../languages';
import { createHash } from 'node:crypto';
import { withMemoTree } from '../parseMemo';
import type { Node } from '../treeSitter';
import { languageSpec, type LanguageSpec } from './languageSpecs';

/** One function or method as the rules see it. */
export interface FunctionFact {
  /** Qualified by its containers: `Cart.total`, `outer.<anonymous#2>`. */
  name: string;
  /** The bare identifier, for reference searches. */
  identifier: string;
  /** 1-based. */
  line: number;
  endLine: number;
  complexity: number;
  /** Part of the file's public API (exported, `pub`, `public`, capitalised, not `_private`). */
  isPublic: boolean;
  /** Parameters and return type, whitespace collapsed. */
  signature: string;
  /** The function's text, to tell a changed function from an untouched one. */
  text: string;
}

/** An exported or public symbol: a function (with its signature) or a class, type, constant. */
export interface SymbolFact {
  name: string;
  identifier: string;
  kind: 'function' | 'class' | 'type' | 'value';
  line: number;
  signature?: string;
}

export interface CodeFacts {
  functions: FunctionFact[];
  /** The public API; undefined for languages whose visibility rules the rules do not know. */
  publicSymbols: SymbolFact[] | undefined;
}

const PUBLIC_API_LANGUAGES = new Set<LanguageId>(['typescript', 'tsx', 'javascript', 'jsx', 'python', 'go', 'rust', 'java', 'csharp']);
const JS_FAMILY = new Set<LanguageId>(['typescript', 'tsx', 'javascript', 'jsx']);

/** Several rules read the same before and after texts; each is analysed once. */
const CACHE_SIZE = 32;
const cache = new Map<string, Promise<CodeFacts | undefined>>();

/**
 * Functions with their complexity, and the public symbols, of one text; undefined for a language
 * without a spec. `base` names a text this one was likely edited from (the file before the patch):
 * its tree, when the parse memo has it, makes the parse incremental. It changes no result.
 */
export function codeFacts(language: LanguageId | undefined, text: string, base?: string): Promise<CodeFacts | undefined> {
  const key = `${language}\u0000${text}`;
  let facts = cache.get(key);
  if (facts) {
    cache.delete(key);
    cache.set(key, facts);
    return facts;
  }
  facts = analyse(language, text, base);
  facts.catch(() => cache.delete(key));
  cache.set(key, facts);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return facts;
}

async function analyse(language: LanguageId | undefined, text: string, base: string | undefined): Promise<CodeFacts | undefined> {
  const spec = languageSpec(language);
  if (!spec || !language) return undefined;
  return withMemoTree(
    language,
    text,
    (tree) => {
      const root = tree.rootNode;
      // Names a module lists as its exports: JS/TS export lists and CommonJS, Python's __all__.
      const cjs = JS_FAMILY.has(language) ? exportedNames(root) : language === 'python' ? pythonAll(root) : undefined;
      const walk = new FactWalk(language, spec, cjs);
      walk.file(root);
      const functions = walk.functions;
      const publicSymbols = PUBLIC_API_LANGUAGES.has(language) ? publicSymbolsOf(language, root, functions, cjs) : undefined;
      return { functions, publicSymbols };
    },
    { base },
  );
}

/**
 * Facts of a subtree that can be reused wherever a subtree of the same type, start column and text
 * appears again under the same name and export list: a top-level statement or a function. Lines
 * are relative to the subtree's first line. `deps` are the anonymous-function counters it read
 * (`<anonymous#k>` numbers run per scope across the file): [scope, value before, how many it took].
 */
interface FactUnit {
  facts: FunctionFact[];
  deps: [string, number, number][];
}

/**
 * Per-subtree facts, shared by every text: after a small edit only the statements and functions
 * whose text changed are walked again, the rest are copied with their lines shifted. Keys are
 * flat copies of the subtree's text, never slices of the file's (a slice would keep the whole
 * file alive), and the memo is bounded by count and by characters.
 */
export const FACT_UNIT_LIMITS = { units: 20_000, chars: 16 * 1024 * 1024 };
const units = new Map<string, FactUnit>();
let unitChars = 0;

const factStats = { functionsComputed: 0, unitsComputed: 0, unitsReused: 0 };

/** Counters for tests: functions whose complexity was computed, subtrees walked and reused. */
export function codeFactsStats(): Readonly<typeof factStats> {
  return { ...factStats };
}

/** Forgets the per-subtree facts and the per-text cache (for tests that compare with and without the memo). */
export function clearCodeFactsMemo(): void {
  units.clear();
  unitChars = 0;
  cache.clear();
}

function unitGet(key: string): FactUnit | undefined {
  const unit = units.get(key);
  if (unit) {
    units.delete(key);
    units.set(key, unit);
  }
  return unit;
}

function unitSet(key: string, unit: FactUnit): void {
  const old = units.get(key);
  if (old) units.delete(key);
  else unitChars += key.length;
  units.set(key, unit);
  for (const [k] of units) {
    if (units.size <= FACT_UNIT_LIMITS.units && unitChars <= FACT_UNIT_LIMITS.chars) break;
    units.delete(k);
    unitChars -= k.length;
  }
}

/** A flat copy of `s`, sharing no memory with the string it was sliced from. */
function detach(s: string): string {
  return Buffer.from(s, 'utf16le').toString('utf16le');
}

/**
 * The walk over a tree that collects FunctionFacts in document order, taking whole statements and
 * functions from the unit memo where their text is unchanged. What it computes is what a plain
 * recursive walk computes: a unit is reused only when every counter it read has the value it had.
 */
class FactWalk {
  readonly functions: FunctionFact[] = [];
  private readonly anonymous = new Map<string, number>();
  /** One per unit being computed, innermost last: the counters each read. */
  private readonly recorders: Map<string, { start: number; used: number }>[] = [];
  private readonly exportedKey: string;

  constructor(
    private readonly language: LanguageId,
    private readonly spec: LanguageSpec,
    private readonly cjs: ReadonlySet<string> | undefined,
  ) {
    this.exportedKey = cjs
      ? createHash('sha1')
          .update([...cjs].sort().join('\u0000'))
          .digest('base64')
      : '-';
  }

  /** The whole tree: its top-level statements one by one, each a unit. */
  file(root: Node): void {
    // No grammar's root is a function or a container; should one be, it is walked as any node.
    if (this.spec.functions.has(root.type) || this.spec.containers.has(root.type)) return this.visit(root, []);
    for (const child of root.namedChildren) if (child) this.statement(child);
  }

  private visit(node: Node, scope: string[]): void {
    if (this.spec.functions.has(node.type)) return this.fn(node, scope);
    let inner = scope;
    if (this.spec.containers.has(node.type)) {
      const n = node.childForFieldName('name') ?? node.childForFieldName('type');
      if (n) inner = [...scope, n.text];
    }
    for (const child of node.namedChildren) if (child) this.visit(child, inner);
  }

  /** A top-level statement: its scope is always the file's, so its facts depend on its text alone. */
  private statement(node: Node): void {
    const key = this.keyOf('s', node, '');
    const row = node.startPosition.row;
    if (key !== undefined && this.reuse(key, row)) return;
    this.record(key, row, () => this.visit(node, []));
  }

  private fn(node: Node, scope: string[]): void {
    const prefix = scope.join('.');
    const id = functionName(node) ?? `<anonymous#${this.take(prefix, 1) + 1}>`;
    const name = prefix ? `${prefix}.${id}` : id;
    // Whether the function itself is public depends on what encloses it, so it is never memoized.
    const isPublicFn = PUBLIC_API_LANGUAGES.has(this.language) && !id.startsWith('<') && isPublic(this.language, node, id, this.cjs);
    const row = node.startPosition.row;
    const key = this.keyOf('f', node, name);
    if (key !== undefined && this.reuse(key, row, isPublicFn)) return;
    this.record(key, row, () => {
      factStats.functionsComputed++;
      this.functions.push({
        name,
        identifier: id,
        line: row + 1,
        endLine: node.endPosition.row + 1,
        complexity: complexityOf(node, this.spec),
        isPublic: isPublicFn,
        signature: signatureOf(node),
        text: node.text,
      });
      const inner = [...scope, id];
      for (const child of node.namedChildren) if (child) this.visit(child, inner);
    });
  }

  /** The memo key of a subtree; none for one with syntax errors (error recovery depends on context). */
  private keyOf(kind: 's' | 'f', node: Node, name: string): string | undefined {
    if (node.hasError) return undefined;
    return `${kind}\u0000${this.language}\u0000${node.type}\u0000${node.startPosition.column}\u0000${this.exportedKey}\u0000${name}\u0000${node.text}`;
  }

  /** Takes `n` numbers of a scope's anonymous counter; returns the value before. */
  private take(prefix: string, n: number): number {
    const current = this.anonymous.get(prefix) ?? 0;
    for (const rec of this.recorders) {
      let dep = rec.get(prefix);
      if (!dep) rec.set(prefix, (dep = { start: current, used: 0 }));
      dep.used += n;
    }
    this.anonymous.set(prefix, current + n);
    return current;
  }

  private reuse(key: string, row: number, ownIsPublic?: boolean): boolean {
    const unit = unitGet(key);
    if (!unit || unit.deps.some(([prefix, start]) => (this.anonymous.get(prefix) ?? 0) !== start)) return false;
    for (const [prefix, , used] of unit.deps) this.take(prefix, used);
    unit.facts.forEach((f, i) => {
      const fact = { ...f, line: f.line + row, endLine: f.endLine + row };
      if (i === 0 && ownIsPublic !== undefined) fact.isPublic = ownIsPublic;
      this.functions.push(fact);
    });
    factStats.unitsReused++;
    return true;
  }

  private record(key: string | undefined, row: number, compute: () => void): void {
    const from = this.functions.length;
    const rec = new Map<string, { start: number; used: number }>();
    this.recorders.push(rec);
    try {
      compute();
    } finally {
      this.recorders.pop();
    }
    factStats.unitsComputed++;
    if (key === undefined) return;
    const facts = this.functions.slice(from).map((f) => ({ ...f, line: f.line - row, endLine: f.endLine - row, text: detach(f.text) }));
    unitSet(detach(key), { facts, deps: [...rec].map(([prefix, d]) => [prefix, d.start, d.used]) });
  }
}

/** McCabe's number: one plus a decision point per branch, loop, case, catch, ?: and && / ||. Nested functions count on their own. */
function complexityOf(fn: Node, spec: LanguageSpec): number {
  let count = 1;
  const stack: Node[] = [...fn.namedChildren.filter((c): c is Node => c !== null)];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (spec.functions.has(node.type)) continue;
    if (spec.decisions.has(node.type) || spec.alwaysLogical.has(node.type)) count++;
    else if (spec.binary.has(node.type)) {
      const op = node.childForFieldName('operator')?.type ?? node.child(1)?.type ?? '';
      if (spec.logicalOperators.has(op)) count++;
    } else if (spec.cases.has(node.type) && !isDefaultBranch(node)) count++;
    for (const child of node.namedChildren) if (child) stack.push(child);
  }
  return count;
}

function isDefaultBranch(node: Node): boolean {
  if (/^default\b/.test(node.text.trimStart())) return true;
  if (node.namedChildren.some((c) => c?.type === 'default_switch_label')) return true;
  const pattern = node.childForFieldName('pattern') ?? node.namedChild(0);
  return pattern?.text.trim() === '_';
}

function functionName(node: Node): string | undefined {
  const own = node.childForFieldName('name');
  if (own) return own.text;
  const parent = node.parent;
  if (!parent) return undefined;
  if (parent.type === 'variable_declarator') return parent.childForFieldName('name')?.text;
  if (parent.type === 'pair') return parent.childForFieldName('key')?.text.replace(/^['"]|['"]$/g, '');
  if (parent.type === 'assignment_expression') {
    const left = parent.childForFieldName('left');
    return left ? (left.childForFieldName('property')?.text ?? left.text) : undefined;
  }
  if (parent.type === 'public_field_definition' || parent.type === 'field_definition')
    return parent.childForFieldName('name')?.text ?? parent.childForFieldName('property')?.text;
  return undefined;
}

function signatureOf(node: Node): string {
  const params = node.childForFieldName('parameters') ?? node.childForFieldName('parameter');
  const ret =
    node.childForFieldName('return_type') ??
    node.childForFieldName('result') ??
    node.childForFieldName('returns') ??
    (node.type === 'method_declaration' ? node.childForFieldName('type') : null);
  const typeParams = node.childForFieldName('type_parameters');
  const text = `${typeParams?.text ?? ''}${params?.text ?? '()'}${ret ? ` -> ${ret.text.replace(/^:\s*/, '')}` : ''}`;
  // Readable and stable: one space after commas, none inside parentheses, no trailing comma.
  return text
    .replace(/\s+/g, ' ')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
    .replace(/\s*,\s*/g, ', ')
    .replace(/, \)/g, ')')
    .trim();
}

/** `export {` or `export type {`, comments allowed between: where an export specifier can be. */
const EXPORT_CLAUSE = /\bexport\s*(?:(?:\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)\s*)*(?:type\b\s*(?:(?:\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)\s*)*)?\{/;

/** Names a JS/TS module exports through `export { a }`, `module.exports = { a }` or `exports.a =`. */
function exportedNames(root: Node): Set<string> {
  const names = new Set<string>();
  for (const stmt of root.namedChildren) {
    if (!stmt) continue;
    if (stmt.type === 'export_statement') {
      // Searching every export statement's subtree costs ~4 ms on a 5k-line file; a specifier
      // needs an export clause, `export {` or `export type {`, which its text shows.
      if (!EXPORT_CLAUSE.test(stmt.text)) continue;
      for (const spec of stmt.descendantsOfType('export_specifier')) {
        const n = spec?.childForFieldName('alias') ?? spec?.childForFieldName('name');
        if (n) (names.add(spec!.childForFieldName('name')!.text), names.add(n.text));
      }
      continue;
    }
    if (stmt.type !== 'expression_statement') continue;
    const expr = stmt.namedChild(0);
    if (expr?.type !== 'assignment_expression') continue;
    const left = expr.childForFieldName('left')?.text ?? '';
    const right = expr.childForFieldName('right');
    if (left === 'module.exports' && right?.type === 'object') {
      for (const prop of right.namedChildren) {
        if (prop?.type === 'shorthand_property_identifier') names.add(prop.text);
        else if (prop?.type === 'pair') {
          const key = prop.childForFieldName('key')?.text;
          const value = prop.childForFieldName('value');
          if (key) names.add(key);
          if (value?.type === 'identifier') names.add(value.text);
        }
      }
    } else if (left === 'module.exports' && right?.type === 'identifier') names.add(right.text);
    else {
      const m = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(left);
      if (m) names.add(m[1]!);
    }
  }
  return names;
}

/** `export function f`, `export const f = () => ...`, `export class C`. */
function isExportedDeclaration(node: Node): boolean {
  let n: Node | null = node;
  while (
    n &&
    (n.type === 'variable_declarator' ||
      n.type === 'lexical_declaration' ||
      n.type === 'variable_declaration' ||
      JS_FUNCTION_TYPES.includes(n.type))
  ) {
    if (n !== node && JS_FUNCTION_TYPES.includes(n.type)) return false;
    n = n.parent;
  }
  return n?.type === 'export_statement';
}

function enclosing(node: Node, types: ReadonlySet<string>): Node | undefined {
  for (let p = node.parent; p; p = p.parent) if (types.has(p.type)) return p;
  return undefined;
}

const CLASSES = new Set([
  'class_declaration',
  'class',
  'abstract_class_declaration',
  'class_definition',
  'struct_declaration',
  'record_declaration',
  'interface_declaration',
]);

function isPublic(language: LanguageId, node: Node, id: string, exported: ReadonlySet<string> | undefined): boolean {
  switch (language) {
    case 'typescript':
    case 'tsx':
    case 'javascript':
    case 'jsx': {
      if (node.type === 'method_definition') {
        if (node.childForFieldName('name')?.type === 'private_property_identifier') return false;
        if (node.namedChildren.some((c) => c?.type === 'accessibility_modifier' && c.text !== 'public')) return false;
        const cls = enclosing(node, CLASSES);
        if (!cls) return false;
        const clsName = cls.childForFieldName('name')?.text ?? '';
        return cls.parent?.type === 'export_statement' || exported?.has(clsName) === true;
      }
      if (enclosing(node, new Set([...JS_FUNCTION_TYPES, 'statement_block']))) return false;
      return isExportedDeclaration(node) || exported?.has(id) === true;
    }
    case 'python': {
      if (id.startsWith('_') && !/^__\w+__$/.test(id)) return false;
      const cls = enclosing(node, new Set(['class_definition', 'function_definition']));
      // With __all__, a module says what it exports; without it, the leading underscore does.
      if (!cls) return exported ? exported.has(id) : true;
      const clsName = cls.childForFieldName('name')?.text ?? '_';
      return (
        cls.type === 'class_definition' &&
        !enclosing(cls, new Set(['function_definition', 'class_definition'])) &&
        (exported ? exported.has(clsName) : !clsName.startsWith('_'))
      );
    }
    case 'go':
      return node.type !== 'func_literal' && /^[A-Z]/.test(id);
    case 'rust':
      return node.namedChildren.some((c) => c?.type === 'visibility_modifier' && c.text.startsWith('pub'));
    case 'java':
    case 'csharp':
      return node.namedChildren.some((c) => (c?.type === 'modifiers' || c?.type === 'modifier') && /\bpublic\b/.test(c.text));
    default:
      return false;
  }
}

const JS_FUNCTION_TYPES = [
  'function_declaration',
  'generator_function_declaration',
  'method_definition',
  'arrow_function',
  'function_expression',
  'function',
];

/** The public API: public functions (with signatures) plus exported classes, types and values. */
function publicSymbolsOf(
  language: LanguageId,
  root: Node,
  functions: readonly FunctionFact[],
  exported: ReadonlySet<string> | undefined,
): SymbolFact[] {
  const out: SymbolFact[] = functions
    .filter((f) => f.isPublic)
    .map((f) => ({ name: f.name, identifier: f.identifier, kind: 'function' as const, line: f.line, signature: f.signature }));
  const seen = new Set(out.map((s) => s.name));
  const add = (name: string, kind: SymbolFact['kind'], node: Node): void => {
    if (seen.has(name)) return;
    seen.add(name);
    out.push({ name, identifier: name, kind, line: node.startPosition.row + 1 });
  };
  for (const stmt of root.namedChildren) {
    if (!stmt) continue;
    if (JS_FAMILY.has(language)) {
      const decl = stmt.type === 'export_statement' ? stmt.childForFieldName('declaration') : stmt;
      if (!decl) continue;
      const isExported = stmt.type === 'export_statement';
      const name = decl.childForFieldName('name')?.text;
      if (/class/.test(decl.type) && name && (isExported || exported?.has(name))) add(name, 'class', decl);
      else if (/interface|type_alias|enum/.test(decl.type) && name && isExported) add(name, 'type', decl);
      else if (decl.type === 'lexical_declaration' || decl.type === 'variable_declaration') {
        for (const d of decl.namedChildren) {
          const n = d?.type === 'variable_declarator' ? d.childForFieldName('name') : null;
          if (n && (isExported || exported?.has(n.text))) add(n.text, 'value', d!);
        }
      }
    } else if (language === 'python') {
      const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
      const name = def?.type === 'class_definition' ? def.childForFieldName('name')?.text : undefined;
      if (name && (exported ? exported.has(name) : !name.startsWith('_'))) add(name, 'class', def!);
    } else if (language === 'go' && stmt.type === 'type_declaration') {
      for (const spec of stmt.namedChildren) {
        const n = spec?.childForFieldName('name')?.text;
        if (n && /^[A-Z]/.test(n)) add(n, 'type', spec!);
      }
    } else if (language === 'rust' && /^(?:struct|enum|trait|type)_item$/.test(stmt.type)) {
      const n = stmt.childForFieldName('name')?.text;
      if (n && stmt.namedChildren.some((c) => c?.type === 'visibility_modifier')) add(n, 'type', stmt);
    }
  }
  return out;
}

/** The names in a module-level `__all__ = [...]` (or tuple), or undefined when there is none. */
function pythonAll(root: Node): Set<string> | undefined {
  for (const stmt of root.namedChildren) {
    const expr = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (expr?.type !== 'assignment' || expr.childForFieldName('left')?.text !== '__all__') continue;
    const right = expr.childForFieldName('right');
    if (!right || (right.type !== 'list' && right.type !== 'tuple')) return undefined;
    return new Set(
      right.namedChildren.filter((c) => c?.type === 'string').map((c) => c!.text.replace(/^[rbuf]*['"]{1,3}|['"]{1,3}$/gi, '')),
    );
  }
  return undefined;
}
