/**
 * Pieces of source text for the context: line ranges, signatures with their bodies elided,
 * outlines of a file, the lines around a call. Line numbers are 1-based and inclusive.
 */
import type { LanguageId } from '../languages';
import type { Definition, FileTags } from './tags';

export function lineRange(text: string, start: number, end: number): string {
  return text
    .split('\n')
    .slice(start - 1, end)
    .join('\n');
}

export function lineCount(text: string): number {
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}

/** The definition's signature, with `{ … }` or `...` standing for the body it leaves out. */
export function signatureBlock(def: Definition, language: LanguageId): string {
  const sig = def.signature;
  if (def.sigEndLine >= def.endLine) return sig;
  if (language === 'python') return `${sig} ...`;
  if (sig.endsWith('{')) return `${sig} … }`;
  return `${sig} { … }`;
}

/** Last line of the signature (for the range a signature piece covers). */
export function signatureEndLine(def: Definition): number {
  return Math.min(def.endLine, def.sigEndLine);
}

function depthOf(defs: readonly Definition[], i: number): number {
  let depth = 0;
  for (let p = defs[i]!.parent; p !== undefined; p = defs[p]!.parent) depth++;
  return depth;
}

function topLevelName(defs: readonly Definition[], i: number): string {
  let top = i;
  while (defs[top]!.parent !== undefined) top = defs[top]!.parent!;
  return defs[top]!.name;
}

function insideFunction(defs: readonly Definition[], i: number): boolean {
  for (let p = defs[i]!.parent; p !== undefined; p = defs[p]!.parent)
    if (defs[p]!.kind === 'function' || defs[p]!.kind === 'method') return true;
  return false;
}

export interface OutlineOptions {
  /** Only what other files may use. */
  exportedOnly?: boolean;
  /** Only these top-level names (and their members): what a file imports from the outlined one. */
  only?: ReadonlySet<string>;
  /** List members only of these definitions (the target's class); others show their own line only. */
  expand?: ReadonlySet<number>;
  /** Start with the file's import block verbatim (exact text a patch can anchor on). */
  withImports?: boolean;
  maxLines?: number;
}

/**
 * One line per definition (`14: class UserService`, members indented), functions nested in
 * functions left out. Each line starts with its line number in the file.
 */
export function outline(tags: FileTags, text: string, opts: OutlineOptions = {}): { code: string; startLine: number; endLine: number } {
  const out: string[] = [];
  let startLine = Number.MAX_SAFE_INTEGER;
  let endLine = 0;
  // The import block at the top of the file (imports inside functions come later and are left out).
  const codeDefs = tags.defs.filter((d) => d.kind !== 'constant');
  const firstDef = codeDefs.length > 0 ? Math.min(...codeDefs.map((d) => d.startLine)) : Number.MAX_SAFE_INTEGER;
  const header = tags.imports.filter((i) => i.line < firstDef);
  if (opts.withImports && header.length > 0) {
    const last = Math.max(...header.map((i) => i.endLine));
    if (last <= 60) {
      out.push(lineRange(text, 1, last));
      out.push('…');
      startLine = 1;
      endLine = last;
    }
  }
  const width = String(lineCount(text)).length;
  tags.defs.forEach((d, i) => {
    if (insideFunction(tags.defs, i)) return;
    if (opts.exportedOnly && !d.exported && d.kind !== 'impl') return;
    if (opts.only && !opts.only.has(topLevelName(tags.defs, i))) return;
    if (opts.expand && d.parent !== undefined && !opts.expand.has(d.parent)) return;
    const head = d.signature
      .replace(/\s*\n\s*/g, ' ')
      .replace(/\s+/g, ' ')
      .slice(0, 200);
    out.push(`${String(d.sigLine).padStart(width)}: ${'  '.repeat(depthOf(tags.defs, i))}${head}`);
    startLine = Math.min(startLine, d.sigLine);
    endLine = Math.max(endLine, d.endLine);
  });
  const max = opts.maxLines ?? 200;
  const lines = out.join('\n').split('\n');
  const code = lines.length > max ? [...lines.slice(0, max), `… ${lines.length - max} more lines`].join('\n') : lines.join('\n');
  return {
    code,
    startLine: startLine === Number.MAX_SAFE_INTEGER ? 1 : startLine,
    endLine: Math.max(endLine, startLine === Number.MAX_SAFE_INTEGER ? 1 : startLine),
  };
}

/**
 * The lines around each use (one line either side), under the enclosing definition's signature
 * when there is one; gaps are marked with `…`.
 */
export function callSites(
  text: string,
  useLines: readonly number[],
  within?: Definition,
): { code: string; startLine: number; endLine: number } {
  const all = text.split('\n');
  const keep = new Set<number>();
  if (within) for (let l = within.sigLine; l <= signatureEndLine(within); l++) keep.add(l);
  for (const l of useLines)
    for (let k = l - 1; k <= l + 1; k++)
      if (k >= 1 && k <= all.length && (!within || (k >= within.startLine && k <= within.endLine))) keep.add(k);
  const sorted = [...keep].sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const l of sorted) {
    if (prev !== 0 && l > prev + 1) out.push('…');
    out.push(all[l - 1]!);
    prev = l;
  }
  return { code: out.join('\n'), startLine: sorted[0] ?? 1, endLine: sorted[sorted.length - 1] ?? 1 };
}
