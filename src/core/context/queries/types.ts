/**
 * A tags query for one grammar, in tree-sitter's own query language, written in the style of each
 * grammar's upstream `queries/tags.scm` (the convention GitHub code navigation and Aider use):
 * - `@definition.<kind>` on the node that defines something, with `@name` on its name;
 * - `@reference.<kind>` on a use, with `@name` on the used name: `call` for a plain call,
 *   `member` for a call through an object (`x.get()`), `type`, `class` (a `new`, a base class);
 * - `@import` on an import statement, with `@import.source` on what it imports from;
 * - `importNames`: `@import.name` on each name an import brings in (paired with its `@import`
 *   by position, since one statement may bring in any number of names).
 * Captures whose name starts with `_` are helpers for predicates and are ignored.
 */
export interface TagQuery {
  tags: string;
  importNames?: string;
}
