import type { TagQuery } from './types';

/** After upstream tree-sitter-python `tags.scm`. Methods are told apart later, by their parent. */
export const PYTHON: TagQuery = {
  tags: `
(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function
(module (expression_statement (assignment left: (identifier) @name)) @definition.constant)

(call function: (identifier) @name) @reference.call
(call function: (attribute attribute: (identifier) @name)) @reference.member
(class_definition superclasses: (argument_list (identifier) @name)) @reference.class
(type (identifier) @name) @reference.type
(type (generic_type (identifier) @name)) @reference.type
(type (binary_operator left: (identifier) @name)) @reference.type
(type (binary_operator right: (identifier) @name)) @reference.type
(type (binary_operator left: (binary_operator [left: (identifier) @name right: (identifier) @name]))) @reference.type
(type (subscript value: (identifier) @name)) @reference.type
(decorator (identifier) @name) @reference.call

(import_statement name: (dotted_name) @import.source) @import
(import_statement name: (aliased_import name: (dotted_name) @import.source)) @import
(import_from_statement module_name: (dotted_name) @import.source) @import
(import_from_statement module_name: (relative_import) @import.source) @import
`,
  importNames: `
(import_from_statement name: (dotted_name) @import.name)
(import_from_statement name: (aliased_import name: (dotted_name) @import.name))
`,
};
