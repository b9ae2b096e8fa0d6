/**
 * Ruff's parser as the authority for Python syntax: tree-sitter-python rejects valid PEP 696
 * defaults and accepts a file ending right after `def f():` (FACTS.md).
 */
import { ruffCheck, RUFF_SYNTAX_CODE } from '../ruffWasm';
import type { RawSyntaxError } from './syntaxError';

/**
 * Besides parse errors, rules for what CPython's compiler rejects as a SyntaxError although the
 * grammar allows it: `break`/`continue` outside a loop, `return`/`yield`/`await` outside a
 * function, `nonlocal` without a binding, a late or unknown `from __future__` import. (PLE0118 is left out: its message names a line number,
 * which would make a merely moved error look new.)
 */
export const COMPILE_ERROR_RULES = ['F404', 'F407', 'F701', 'F702', 'F704', 'F706', 'PLE0117'] as const;

export async function pythonSyntaxErrors(text: string, targetVersion?: string): Promise<RawSyntaxError[]> {
  const diagnostics = await ruffCheck(text, { select: COMPILE_ERROR_RULES, ...(targetVersion ? { targetVersion } : {}) });
  return diagnostics.map((d) => ({
    tool: 'ruff',
    code: d.code || RUFF_SYNTAX_CODE,
    line: d.row,
    column: d.column,
    message: d.message,
  }));
}
