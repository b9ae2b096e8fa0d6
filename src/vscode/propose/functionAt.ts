import { functionAt as engineFunctionAt, type FunctionRange } from '../../core/context/functions';
import { languageOf } from '../../core/languages';

/**
 * The function enclosing a 1-based line, through the engine's tree-sitter definitions (the same
 * ones the run narrows a `function` target with, so the name given here is found there).
 * Kept in its own module so tree-sitter loads only when Propose Refactor first asks.
 */
export async function functionAt(fileName: string, text: string, line: number): Promise<FunctionRange | undefined> {
  const language = languageOf(fileName);
  return language ? engineFunctionAt(language, text, line) : undefined;
}
