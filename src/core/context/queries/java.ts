import type { TagQuery } from './types';

/** After upstream tree-sitter-java `tags.scm`. */
export const JAVA: TagQuery = {
  tags: `
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(annotation_type_declaration name: (identifier) @name) @definition.interface
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.method

(method_invocation !object name: (identifier) @name) @reference.call
(method_invocation object: (_) name: (identifier) @name) @reference.member
(object_creation_expression type: (type_identifier) @name) @reference.class
(type_identifier) @name @reference.type

(import_declaration (scoped_identifier) @import.source) @import
`,
};
