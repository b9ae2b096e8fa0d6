/**
 * Finding a function in a file's text, through the tree: the engine narrows a target to
 * `-f FUNCTION` with `findFunction`, and the editor finds the function at the cursor with
 * `functionAt`. Names may be qualified with their class: `UserService.getUser` (or `::`).
 */
import type { LanguageId } from '../languages';
import { extractDefinitions, isIndexedLanguage, type Definition } from './tags';

export interface FunctionRange {
  /** 1-based, inclusive; takes in decorators, `export` and the doc comment above. */
  startLine: number;
  endLine: number;
  /** Qualified with the enclosing class or type when there is one: `UserService.getUser`. */
  name: string;
}

const CALLABLE = new Set(['function', 'method']);

/** `Class.method` for a member, the plain name otherwise. */
export function qualifiedName(defs: readonly Definition[], index: number): string {
  const parts: string[] = [];
  for (let i: number | undefined = index; i !== undefined; i = defs[i]!.parent) {
    const d = defs[i]!;
    // A function nested in a function is named by its own name only.
    if (parts.length > 0 && CALLABLE.has(d.kind)) break;
    parts.unshift(d.name);
  }
  return parts.join('.');
}

/**
 * Index of the definition `name` names: a function or method first, then any other definition
 * (a class, a type), so `-f UserService` narrows to the class. Undefined when nothing matches.
 */
export function findDefinitionIndex(defs: readonly Definition[], name: string): number | undefined {
  const wanted = name.trim().replace(/::/g, '.');
  const matches = (i: number): boolean => {
    const q = qualifiedName(defs, i);
    return q === wanted || (!wanted.includes('.') && defs[i]!.name === wanted) || q.endsWith('.' + wanted);
  };
  const all = defs.map((_, i) => i).filter(matches);
  // Prefer callables, then the outermost (a top-level function over a nested one of the same name).
  return (
    all.find((i) => CALLABLE.has(defs[i]!.kind)) ?? all.find((i) => defs[i]!.kind !== 'impl' && defs[i]!.kind !== 'constant') ?? all[0]
  );
}

/** Index of the innermost function or method enclosing the 1-based `line`. */
export function definitionIndexAt(defs: readonly Definition[], line: number): number | undefined {
  let best: number | undefined;
  defs.forEach((d, i) => {
    if (!CALLABLE.has(d.kind) || line < d.startLine || line > d.endLine) return;
    if (best === undefined || d.endLine - d.startLine <= defs[best]!.endLine - defs[best]!.startLine) best = i;
  });
  return best;
}

export async function findFunction(language: LanguageId, text: string, name: string): Promise<FunctionRange | undefined> {
  if (!isIndexedLanguage(language)) return undefined;
  const defs = await extractDefinitions(language, text);
  const i = findDefinitionIndex(defs, name);
  return i === undefined ? undefined : rangeOf(defs, i);
}

export async function functionAt(language: LanguageId, text: string, line: number): Promise<FunctionRange | undefined> {
  if (!isIndexedLanguage(language)) return undefined;
  const defs = await extractDefinitions(language, text);
  const i = definitionIndexAt(defs, line);
  return i === undefined ? undefined : rangeOf(defs, i);
}

function rangeOf(defs: readonly Definition[], i: number): FunctionRange {
  const d = defs[i]!;
  return { startLine: d.startLine, endLine: d.endLine, name: qualifiedName(defs, i) };
}
