import { FINDING_CATEGORIES, type FindingCategory } from '../findings';

/**
 * Which DESIGN.md category each tool's codes fall into. The repair prompt groups findings by
 * category and the risk score weighs them, so the tables are data, exported for the README
 * (`classificationMarkdown()` renders them; CLASSIFICATION.md holds that output and a test keeps
 * the two in step). A code no table knows is 'other': a wrong guess would mislead the repair.
 */

/** tsc diagnostic codes (numbers, without the `TS` prefix). Checked before the ranges below. */
export const TSC_CODES: Record<number, FindingCategory> = {
  // Names
  2304: 'undefined_name', // Cannot find name 'x'.
  2552: 'undefined_name', // Cannot find name 'x'. Did you mean 'y'?
  2662: 'undefined_name', // Cannot find name 'x'. Did you mean the static member?
  2663: 'undefined_name', // Cannot find name 'x'. Did you mean the instance member 'this.x'?
  2580: 'undefined_name', // Cannot find name 'require'. Do you need to install type definitions for node?
  2581: 'undefined_name',
  2582: 'undefined_name',
  2583: 'undefined_name',
  2584: 'undefined_name',
  2448: 'undefined_name', // Block-scoped variable used before its declaration.
  2449: 'undefined_name', // Class used before its declaration.
  2450: 'undefined_name', // Enum used before its declaration.
  18004: 'undefined_name', // No value exists in scope for the shorthand property.
  // Imports
  2307: 'missing_import', // Cannot find module 'm' or its corresponding type declarations.
  2792: 'missing_import', // Cannot find module; did you mean to set 'moduleResolution'?
  2305: 'missing_import', // Module 'm' has no exported member 'x'.
  2724: 'missing_import', // Module 'm' has no exported member 'x'. Did you mean 'y'?
  2614: 'missing_import', // Module has no exported member. Did you mean to use 'import x from'?
  2306: 'missing_import', // File is not a module.
  2613: 'missing_import', // Module has no default export.
  1192: 'missing_import', // Module has no default export.
  2459: 'missing_import', // Module declares 'x' locally, but it is not exported.
  2460: 'missing_import', // Module declares 'x' locally, but it is exported as 'y'.
  2834: 'missing_import', // Relative import paths need explicit file extensions.
  2835: 'missing_import', // Relative import paths need explicit file extensions. Did you mean?
  7016: 'missing_import', // Could not find a declaration file for module.
  // Types
  2322: 'type_mismatch', // Type 'a' is not assignable to type 'b'.
  2345: 'type_mismatch', // Argument of type 'a' is not assignable to parameter of type 'b'.
  2339: 'type_mismatch', // Property 'x' does not exist on type 't'.
  2551: 'type_mismatch', // Property 'x' does not exist on type 't'. Did you mean 'y'?
  2554: 'type_mismatch', // Expected n arguments, but got m.
  2555: 'type_mismatch', // Expected at least n arguments, but got m.
  2556: 'type_mismatch', // A spread argument must have a tuple type.
  2558: 'type_mismatch', // Expected n type arguments.
  2314: 'type_mismatch', // Generic type requires n type arguments.
  2344: 'type_mismatch', // Type does not satisfy the constraint.
  2349: 'type_mismatch', // This expression is not callable.
  2351: 'type_mismatch', // This expression is not constructable.
  2353: 'type_mismatch', // Object literal may only specify known properties.
  2355: 'type_mismatch', // A function whose declared type is neither 'void' nor 'any' must return a value.
  2362: 'type_mismatch', // The left-hand side of an arithmetic operation must be of type number...
  2363: 'type_mismatch',
  2365: 'type_mismatch', // Operator cannot be applied to types.
  2366: 'type_mismatch', // Function lacks ending return statement.
  2367: 'type_mismatch', // This comparison appears to be unintentional (no overlap).
  2416: 'type_mismatch', // Property in type is not assignable to the same property in base type.
  2420: 'type_mismatch', // Class incorrectly implements interface.
  2430: 'type_mismatch', // Interface incorrectly extends interface.
  2531: 'type_mismatch', // Object is possibly 'null'.
  2532: 'type_mismatch', // Object is possibly 'undefined'.
  2533: 'type_mismatch',
  2540: 'type_mismatch', // Cannot assign to a read-only property.
  2559: 'type_mismatch', // Type has no properties in common with type.
  2560: 'type_mismatch',
  2571: 'type_mismatch', // Object is of type 'unknown'.
  2588: 'type_mismatch', // Cannot assign to a constant.
  2684: 'type_mismatch', // The 'this' context is not assignable.
  2739: 'type_mismatch', // Type is missing the following properties.
  2740: 'type_mismatch',
  2741: 'type_mismatch', // Property 'x' is missing in type 'a' but required in type 'b'.
  2749: 'type_mismatch', // 'x' refers to a value, but is being used as a type.
  2769: 'type_mismatch', // No overload matches this call.
  2820: 'type_mismatch', // Type is not assignable. Did you mean?
  7005: 'type_mismatch', // Variable implicitly has an 'any' type.
  7006: 'type_mismatch', // Parameter implicitly has an 'any' type.
  7031: 'type_mismatch', // Binding element implicitly has an 'any' type.
  7053: 'type_mismatch', // Element implicitly has an 'any' type because expression can't index.
  18046: 'type_mismatch', // 'x' is of type 'unknown'.
  18047: 'type_mismatch', // 'x' is possibly 'null'.
  18048: 'type_mismatch', // 'x' is possibly 'undefined'.
  18049: 'type_mismatch', // 'x' is possibly 'null' or 'undefined'.
  // Not a category of its own: duplicates, unused code.
  2300: 'other', // Duplicate identifier.
  2393: 'other', // Duplicate function implementation.
  2451: 'other', // Cannot redeclare block-scoped variable.
  2454: 'other', // Variable is used before being assigned.
  6133: 'other', // 'x' is declared but its value is never read.
  6192: 'other', // All imports in import declaration are unused.
  6196: 'other', // 'x' is declared but never used.
};

/** Whole ranges of tsc codes, for codes the table above does not name. */
export const TSC_RANGES: { from: number; to: number; category: FindingCategory; meaning: string }[] = [
  { from: 1000, to: 1999, category: 'syntax', meaning: 'parser and grammar errors' },
  { from: 8000, to: 8999, category: 'syntax', meaning: 'TypeScript-only syntax in a JavaScript file' },
  { from: 17000, to: 17999, category: 'syntax', meaning: 'JSX syntax' },
];

/** ruff rule codes. Parse errors are 'invalid-syntax' (the wasm API reports them without a code). */
export const RUFF_CODES: Record<string, FindingCategory> = {
  'invalid-syntax': 'syntax', // every parse error, and CPython's "semantic syntax errors"
  F821: 'undefined_name', // undefined name
  F822: 'undefined_name', // undefined name in __all__
  F823: 'undefined_name', // local variable referenced before assignment
  F405: 'undefined_name', // name may be undefined, or defined from star imports
  F401: 'other', // imported but unused (a warning, never blocks)
  F403: 'other', // star import used; unable to detect undefined names
  F811: 'other', // redefinition of unused name
  F841: 'other', // local variable assigned but never used
  F402: 'other', // import shadowed by loop variable
  F632: 'other', // `is` comparison with a literal
  F404: 'syntax', // late `from __future__` import
  F407: 'syntax', // unknown `__future__` feature
  F701: 'syntax', // break outside loop
  F702: 'syntax', // continue not properly in loop
  F704: 'syntax', // yield outside function
  F706: 'syntax', // return outside function
  F722: 'syntax', // syntax error in forward annotation
  E902: 'other', // I/O error
  PLE0117: 'syntax', // nonlocal without a binding
};

/** ruff code prefixes, for codes the table above does not name. */
export const RUFF_PREFIXES: { prefix: string; category: FindingCategory; meaning: string }[] = [
  { prefix: 'E9', category: 'syntax', meaning: 'syntax and runtime errors the parser finds' },
];

/** pyright rule names. Errors without a rule are parse errors. */
export const PYRIGHT_RULES: Record<string, FindingCategory> = {
  reportUndefinedVariable: 'undefined_name',
  reportPossiblyUnbound: 'undefined_name',
  reportMissingImports: 'missing_import',
  reportMissingModuleSource: 'missing_import',
  reportPrivateImportUsage: 'missing_import',
  reportAttributeAccessIssue: 'type_mismatch', // 'missing_import' for "unknown import symbol": see classify
  reportArgumentType: 'type_mismatch',
  reportCallIssue: 'type_mismatch',
  reportAssignmentType: 'type_mismatch',
  reportReturnType: 'type_mismatch',
  reportIndexIssue: 'type_mismatch',
  reportOperatorIssue: 'type_mismatch',
  reportOptionalMemberAccess: 'type_mismatch',
  reportOptionalSubscript: 'type_mismatch',
  reportOptionalCall: 'type_mismatch',
  reportOptionalIterable: 'type_mismatch',
  reportOptionalOperand: 'type_mismatch',
  reportIncompatibleMethodOverride: 'type_mismatch',
  reportIncompatibleVariableOverride: 'type_mismatch',
  reportAbstractUsage: 'type_mismatch',
  reportGeneralTypeIssues: 'type_mismatch',
  reportTypedDictNotRequiredAccess: 'type_mismatch',
  reportRedeclaration: 'other',
  reportUnusedImport: 'other',
  reportUnusedVariable: 'other',
};

/** pyright reports a missing name in `from m import x` as an attribute issue; it is an import. */
const PYRIGHT_IMPORT_MESSAGE = /unknown import symbol|is not a known attribute of module/i;

export type ClassifiedTool = 'typescript' | 'ruff' | 'pyright' | 'syntax';

/** The category of one diagnostic. `code` is the tool's own: 'TS2304' or '2304', 'F821', a pyright rule. */
export function classify(tool: ClassifiedTool | string, code: string, message = ''): FindingCategory {
  switch (tool) {
    case 'typescript': {
      const n = Number(code.replace(/^TS/i, ''));
      if (!Number.isInteger(n)) return 'other';
      const named = TSC_CODES[n];
      if (named) return named;
      return TSC_RANGES.find((r) => n >= r.from && n <= r.to)?.category ?? 'other';
    }
    case 'ruff': {
      // ruff reports parse errors with no code at all ("SyntaxError: ...").
      if (code === '' || /^syntax/i.test(message)) return 'syntax';
      const named = RUFF_CODES[code];
      if (named) return named;
      return RUFF_PREFIXES.find((p) => code.startsWith(p.prefix))?.category ?? 'other';
    }
    case 'pyright': {
      if (code === '') return 'syntax';
      if (code === 'reportAttributeAccessIssue' && PYRIGHT_IMPORT_MESSAGE.test(message)) return 'missing_import';
      return PYRIGHT_RULES[code] ?? 'other';
    }
    case 'syntax':
    case 'tree-sitter':
      return 'syntax';
    default:
      return 'other';
  }
}

/** The tables as one markdown section, for the README and CLASSIFICATION.md. */
export function classificationMarkdown(): string {
  const group = <K extends string | number>(table: Record<K, FindingCategory>, fmt: (k: string) => string): string[] => {
    const by = new Map<FindingCategory, string[]>();
    for (const [k, c] of Object.entries(table) as [string, FindingCategory][]) by.set(c, [...(by.get(c) ?? []), fmt(k)]);
    return FINDING_CATEGORIES.filter((c) => by.has(c)).map((c) => `| \`${c}\` | ${by.get(c)!.join(', ')} |`);
  };
  return [
    '## How findings are classified',
    '',
    "Each gate maps its tool's codes to one category (`src/core/validate/classify.ts`). A code not",
    'listed here is `other`.',
    '',
    '### TypeScript (tsc codes)',
    '',
    '| category | codes |',
    '|---|---|',
    ...group(TSC_CODES, (k) => `TS${k}`),
    ...TSC_RANGES.map((r) => `| \`${r.category}\` | TS${r.from}-TS${r.to} not listed above (${r.meaning}) |`),
    '',
    '### ruff (Python)',
    '',
    '| category | codes |',
    '|---|---|',
    ...group(RUFF_CODES, (k) => k),
    ...RUFF_PREFIXES.map((p) => `| \`${p.category}\` | ${p.prefix}xx not listed above (${p.meaning}) |`),
    '',
    'F401, F841, F403, F405, F541 and F811 (unused imports and variables, star imports, f-strings without placeholders, redefinitions) are reported as warnings: they raise risk but never block (setting `ruffSelect` chooses the rules).',
    '',
    '### pyright (Python)',
    '',
    '| category | rules |',
    '|---|---|',
    '| `syntax` | errors without a rule (parse errors) |',
    ...group(PYRIGHT_RULES, (k) => k),
    '| `missing_import` | reportAttributeAccessIssue when the message is "unknown import symbol" |',
    '',
    '### Other gates',
    '',
    '| category | source |',
    '|---|---|',
    "| `syntax` | the syntax gate (tree-sitter and the language's own parser) |",
    '| `rule` | guard rules (`rule:<id>`): diff size, lazy elision, truncation, complexity, missing tests |',
    '| `contract_violation` | guard rule `rule:public-api`: an exported symbol removed or its signature changed |',
    '| `test_failure` | the test gate: a test that passed before the patch and fails after it |',
    '| `other` | a gate that crashed or timed out, unparseable test output, unknown codes |',
    '',
  ].join('\n');
}
