import type { LanguageId } from '../../languages';
import { withTree, type Node } from '../treeSitter';
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

/** Several rules read the same before and after texts; each is parsed once. */
const CACHE_SIZE = 32;
const cache = new Map<string, Promise<CodeFacts | undefined>>();

/** Functions with their complexity, and the public symbols, of one text; undefined for a language without a spec. */
export function codeFacts(language: LanguageId | undefined, text: string): Promise<CodeFacts | undefined> {
  const key = `${language}\u0000${text}`;
  let facts = cache.get(key);
  if (facts) {
    cache.delete(key);
    cache.set(key, facts);
    return facts;
  }
  facts = analyse(language, text);
  facts.catch(() => cache.delete(key));
  cache.set(key, facts);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return facts;
}

async function analyse(language: LanguageId | undefined, text: string): Promise<CodeFacts | undefined> {
  const spec = languageSpec(language);
  if (!spec || !language) return undefined;
  return withTree(language, text, (tree) => {
    const root = tree.rootNode;
    // Names a module lists as its exports: JS/TS export lists and CommonJS, Python's __all__.
    const cjs = JS_FAMILY.has(language) ? exportedNames(root) : language === 'python' ? pythonAll(root) : undefined;
    const functions: FunctionFact[] = [];
    const anonymous = new Map<string, number>();
    const visit = (node: Node, scope: string[]): void => {
      let inner = scope;
      if (spec.functions.has(node.type)) {
        const prefix = scope.join('.');
        let id = functionName(node);
        if (!id) {
          const k = (anonymous.get(prefix) ?? 0) + 1;
          anonymous.set(prefix, k);
          id = `<anonymous#${k}>`;
        }
        const name = prefix ? `${prefix}.${id}` : id;
        functions.push({
          name,
          identifier: id,
          line: node.startPosition.row + 1,
          endLine: node.endPosition.row + 1,
          complexity: complexityOf(node, spec),
          isPublic: PUBLIC_API_LANGUAGES.has(language) && !id.startsWith('<') && isPublic(language, node, id, cjs),
          signature: signatureOf(node),
          text: node.text,
        });
        inner = [...scope, id];
      } else if (spec.containers.has(node.type)) {
        const n = node.childForFieldName('name') ?? node.childForFieldName('type');
        if (n) inner = [...scope, n.text];
      }
      for (const child of node.namedChildren) if (child) visit(child, inner);
    };
    visit(root, []);
    const publicSymbols = PUBLIC_API_LANGUAGES.has(language) ? publicSymbolsOf(language, root, functions, cjs) : undefined;
    return { functions, publicSymbols };
  });
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

/** Names a JS/TS module exports through `export { a }`, `module.exports = { a }` or `exports.a =`. */
function exportedNames(root: Node): Set<string> {
  const names = new Set<string>();
  for (const stmt of root.namedChildren) {
    if (!stmt) continue;
    if (stmt.type === 'export_statement') {
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
