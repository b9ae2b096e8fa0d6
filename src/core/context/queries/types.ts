/**
 * A tags query for one grammar, in tree-sitter's own query language, written in the style of each
 * grammar's upstream `queries/tags.scm` (the convention GitHub code navigation and Aider use):
 * - `@definition.<kind>` on the node that defines something, with `@name` on its name;
 * - `@reference.<kind>` on a use (a call, a type, a `new`), with `@name` on the used name;
 * - `@import` on an import statement, with `@import.source` on what it imports from;
 * - `importNames`: `@import.name` on each name an import brings in (paired with its `@import`
 *   by position, since one statement may bring in any number of names).
 * Captures whose name starts with `_` are helpers for predicates and are ignored.
 */
export interface TagQuery {
  tags: string;
  importNames?: string;
}
