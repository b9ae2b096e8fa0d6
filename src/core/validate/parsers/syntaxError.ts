/** What every in-process parser returns: one syntax error, before it becomes a Finding. */
export interface RawSyntaxError {
  /** The parser that found it: 'typescript', 'ruff' or 'tree-sitter'. */
  tool: 'typescript' | 'ruff' | 'tree-sitter';
  /** The parser's own code: 'TS1005', ruff's 'invalid-syntax' or 'F701', tree-sitter's 'syntax-error'. */
  code: string;
  /** 1-based. */
  line: number;
  /** 1-based, UTF-16 code units. */
  column: number;
  message: string;
}
