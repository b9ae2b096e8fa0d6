import type { LanguageId } from '../../languages';

/**
 * Per-language tree-sitter node types for the rules that read the syntax tree: which nodes are
 * functions, which add a decision point (cyclomatic complexity: if, loops, case, catch, ?:, && and
 * ||), which hold declarations. Names follow the grammars of @vscode/tree-sitter-wasm, tree-sitter-c.
 */
export interface LanguageSpec {
  functions: ReadonlySet<string>;
  /** Each adds one decision point. */
  decisions: ReadonlySet<string>;
  /** Binary nodes that add a decision point when their operator is one of `logicalOperators`. */
  binary: ReadonlySet<string>;
  logicalOperators: ReadonlySet<string>;
  /** Nodes that always add one (Python's `boolean_operator`). */
  alwaysLogical: ReadonlySet<string>;
  /** Case-like nodes that add one unless they are the default branch. */
  cases: ReadonlySet<string>;
  /** Declarations that scope the names inside them (classes, impls): `Class.method`. */
  containers: ReadonlySet<string>;
}

const set = (...xs: string[]): ReadonlySet<string> => new Set(xs);

const JS_LIKE: LanguageSpec = {
  functions: set(
    'function_declaration',
    'generator_function_declaration',
    'method_definition',
    'arrow_function',
    'function_expression',
    'function',
    'generator_function',
  ),
  decisions: set(
    'if_statement',
    'for_statement',
    'for_in_statement',
    'while_statement',
    'do_statement',
    'catch_clause',
    'ternary_expression',
  ),
  binary: set('binary_expression'),
  logicalOperators: set('&&', '||', '??'),
  alwaysLogical: set(),
  cases: set('switch_case'),
  containers: set('class_declaration', 'class', 'abstract_class_declaration', 'interface_declaration'),
};

const SPECS: Partial<Record<LanguageId, LanguageSpec>> = {
  typescript: JS_LIKE,
  tsx: JS_LIKE,
  javascript: JS_LIKE,
  jsx: JS_LIKE,
  python: {
    functions: set('function_definition', 'lambda'),
    decisions: set(
      'if_statement',
      'elif_clause',
      'for_statement',
      'while_statement',
      'except_clause',
      'conditional_expression',
      'for_in_clause',
      'if_clause',
    ),
    binary: set(),
    logicalOperators: set(),
    alwaysLogical: set('boolean_operator'),
    cases: set('case_clause'),
    containers: set('class_definition'),
  },
  go: {
    functions: set('function_declaration', 'method_declaration', 'func_literal'),
    decisions: set('if_statement', 'for_statement', 'type_case', 'communication_case'),
    binary: set('binary_expression'),
    logicalOperators: set('&&', '||'),
    alwaysLogical: set(),
    cases: set('expression_case'),
    containers: set(),
  },
  rust: {
    functions: set('function_item', 'closure_expression'),
    decisions: set('if_expression', 'for_expression', 'while_expression'),
    binary: set('binary_expression'),
    logicalOperators: set('&&', '||'),
    alwaysLogical: set(),
    cases: set('match_arm'),
    containers: set('impl_item', 'trait_item'),
  },
  java: {
    functions: set('method_declaration', 'constructor_declaration', 'lambda_expression'),
    decisions: set(
      'if_statement',
      'for_statement',
      'enhanced_for_statement',
      'while_statement',
      'do_statement',
      'catch_clause',
      'ternary_expression',
    ),
    binary: set('binary_expression'),
    logicalOperators: set('&&', '||'),
    alwaysLogical: set(),
    cases: set('switch_label'),
    containers: set('class_declaration', 'interface_declaration', 'enum_declaration', 'record_declaration'),
  },
  csharp: {
    functions: set('method_declaration', 'constructor_declaration', 'local_function_statement', 'lambda_expression'),
    decisions: set(
      'if_statement',
      'for_statement',
      'foreach_statement',
      'while_statement',
      'do_statement',
      'catch_clause',
      'conditional_expression',
      'switch_expression_arm',
    ),
    binary: set('binary_expression'),
    logicalOperators: set('&&', '||', '??'),
    alwaysLogical: set(),
    cases: set('switch_section'),
    containers: set('class_declaration', 'struct_declaration', 'interface_declaration', 'record_declaration'),
  },
  c: {
    functions: set('function_definition'),
    decisions: set('if_statement', 'for_statement', 'while_statement', 'do_statement', 'conditional_expression'),
    binary: set('binary_expression'),
    logicalOperators: set('&&', '||'),
    alwaysLogical: set(),
    cases: set('case_statement'),
    containers: set(),
  },
  cpp: {
    functions: set('function_definition', 'lambda_expression'),
    decisions: set(
      'if_statement',
      'for_statement',
      'for_range_loop',
      'while_statement',
      'do_statement',
      'conditional_expression',
      'catch_clause',
    ),
    binary: set('binary_expression'),
    logicalOperators: set('&&', '||', 'and', 'or'),
    alwaysLogical: set(),
    cases: set('case_statement'),
    containers: set('class_specifier', 'struct_specifier', 'namespace_definition'),
  },
  ruby: {
    functions: set('method', 'singleton_method'),
    decisions: set(
      'if',
      'elsif',
      'unless',
      'while',
      'until',
      'for',
      'rescue',
      'conditional',
      'if_modifier',
      'unless_modifier',
      'while_modifier',
      'until_modifier',
    ),
    binary: set('binary'),
    logicalOperators: set('&&', '||', 'and', 'or'),
    alwaysLogical: set(),
    cases: set('when'),
    containers: set('class', 'module'),
  },
  php: {
    functions: set('function_definition', 'method_declaration'),
    decisions: set(
      'if_statement',
      'else_if_clause',
      'for_statement',
      'foreach_statement',
      'while_statement',
      'do_statement',
      'catch_clause',
      'conditional_expression',
    ),
    binary: set('binary_expression'),
    logicalOperators: set('&&', '||', 'and', 'or', '??'),
    alwaysLogical: set(),
    cases: set('case_statement'),
    containers: set('class_declaration', 'interface_declaration', 'trait_declaration'),
  },
};

export function languageSpec(language: LanguageId | undefined): LanguageSpec | undefined {
  return language ? SPECS[language] : undefined;
}
