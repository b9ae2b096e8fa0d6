import { JS_DEFINITIONS, JS_IMPORTS, JS_IMPORT_NAMES } from './javascript';
import type { TagQuery } from './types';

/** After upstream tree-sitter-typescript `tags.scm`, on top of the JavaScript patterns. */
const TS_DEFINITIONS = `
(function_signature name: (identifier) @name) @definition.function
(method_signature name: (property_identifier) @name) @definition.method
(abstract_method_signature name: (property_identifier) @name) @definition.method
(abstract_class_declaration name: (type_identifier) @name) @definition.class
(interface_declaration name: (type_identifier) @name) @definition.interface
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum
(module name: (identifier) @name) @definition.module
(internal_module name: (identifier) @name) @definition.module
`;

/** TypeScript has no jsx nodes; TSX has them. The class heritage differs from JavaScript's. */
const TS_REFERENCES = `
(call_expression function: (identifier) @name) @reference.call
(call_expression function: (member_expression property: [(property_identifier) (private_property_identifier)] @name)) @reference.member
(new_expression constructor: (identifier) @name) @reference.class
(new_expression constructor: (member_expression property: (property_identifier) @name)) @reference.class
(extends_clause value: (identifier) @name) @reference.class
(type_identifier) @name @reference.type
`;

const JSX_REFERENCES = `
(jsx_opening_element name: (identifier) @name) @reference.call
(jsx_self_closing_element name: (identifier) @name) @reference.call
`;

export const TYPESCRIPT: TagQuery = {
  tags: JS_DEFINITIONS + TS_DEFINITIONS + TS_REFERENCES + JS_IMPORTS,
  importNames: JS_IMPORT_NAMES,
};

export const TSX: TagQuery = {
  tags: JS_DEFINITIONS + TS_DEFINITIONS + TS_REFERENCES + JSX_REFERENCES + JS_IMPORTS,
  importNames: JS_IMPORT_NAMES,
};
