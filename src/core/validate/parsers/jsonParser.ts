/**
 * JSON: whatever `JSON.parse` accepts is valid, full stop. tree-sitter-json rejects valid numbers
 * such as `1e+30` (an explicit `+` in the exponent), so it only speaks for text JSON.parse rejects,
 * where it also tolerates the comments of JSONC files (tsconfig.json, .vscode/settings.json) and
 * gives a position for a real mistake.
 */
import type { MemoTreeOptions } from '../parseMemo';
import type { RawSyntaxError } from './syntaxError';
import { treeSitterSyntaxErrors } from './treeSitterParser';

export async function jsonSyntaxErrors(text: string, options: MemoTreeOptions = {}): Promise<RawSyntaxError[]> {
  try {
    JSON.parse(text);
    return [];
  } catch {
    return treeSitterSyntaxErrors('json', text, options);
  }
}
