/**
 * Unified diffs of one file, as hunks with stable ids, and the inverse: applying some of a diff's
 * hunks to the original text (per-hunk approval).
 *
 * Line model: a file whose lines all end in CRLF is diffed as lines without the CR and put back
 * together with CRLF, so its diff shows content changes only. Any other file (LF, mixed, or one
 * whose line-ending style the patch changes) is split at LF and a CR stays part of its line, which
 * keeps the diff exact. A last line without a line break is marked as unified diffs do, with
 * "\ No newline at end of file" after it; hunk `lines` carry that marker too.
 */
import { createHash } from 'node:crypto';
import { FILE_HEADERS_ONLY, formatPatch } from 'diff';
import type { Hunk } from './hunk';
import { diffTokens, type Op } from './lineDiff';
import { detectLineEndings } from './textFormat';

export interface FileDiff {
  unified: string;
  hunks: Hunk[];
  added: number;
  removed: number;
  /** True when a region changed too much to diff line by line and is shown as one replacement. */
  approximate: boolean;
  /** The line terminator hunks stand for ('\r\n' only for files uniformly CRLF on both sides). */
  eol: '\n' | '\r\n';
}

export const CONTEXT_LINES = 3;
export const NO_NEWLINE = '\\ No newline at end of file';

/**
 * A token is a line's content; the one line a text may end without a line break carries a '\n'
 * (which no line's content can hold), so "x" at the end of a file differs from "x\n". Tokens are
 * slices of the text, not concatenations, which keeps comparing 50k of them cheap.
 */
function tokenize(text: string, eol: '\n' | '\r\n'): string[] {
  if (text === '') return [];
  const out = text.split(eol);
  const last = out.pop()!;
  if (last !== '') out.push(last + UNTERMINATED);
  return out;
}

const UNTERMINATED = '\n';

function isTerminated(token: string): boolean {
  return !token.endsWith(UNTERMINATED);
}

function contentOf(token: string): string {
  return isTerminated(token) ? token : token.slice(0, -UNTERMINATED.length);
}

/** Uniformly CRLF, with no CR that could be mistaken for part of a terminator. */
function cleanCrlf(text: string): boolean {
  return detectLineEndings(text).lineEnding === 'crlf' && !text.includes('\r\r\n') && !text.endsWith('\r');
}

function chooseEol(before: string | undefined, after: string | undefined): '\n' | '\r\n' {
  if (before === undefined || !cleanCrlf(before)) return '\n';
  if (after === undefined || cleanCrlf(after)) return '\r\n';
  const style = detectLineEndings(after).lineEnding;
  return style === 'none' && !after.endsWith('\r') ? '\r\n' : '\n';
}

export function diffFiles(path: string, before: string | undefined, after: string | undefined, context = CONTEXT_LINES): FileDiff {
  const eol = chooseEol(before, after);
  const { ops, approximate } = diffTokens(tokenize(before ?? '', eol), tokenize(after ?? '', eol));
  const hunks = buildHunks(path, ops, context);
  const added = hunks.reduce((n, h) => n + h.added, 0);
  const removed = hunks.reduce((n, h) => n + h.removed, 0);
  const unified =
    hunks.length === 0
      ? ''
      : formatPatch(
          {
            oldFileName: before === undefined ? '/dev/null' : `a/${path}`,
            newFileName: after === undefined ? '/dev/null' : `b/${path}`,
            oldHeader: undefined,
            newHeader: undefined,
            // jsdiff keeps the start of an empty side one higher than the header shows.
            hunks: hunks.map((h) => ({
              oldStart: h.oldLines === 0 ? h.oldStart + 1 : h.oldStart,
              oldLines: h.oldLines,
              newStart: h.newLines === 0 ? h.newStart + 1 : h.newStart,
              newLines: h.newLines,
              lines: h.lines,
            })),
          },
          FILE_HEADERS_ONLY,
        );
  return { unified, hunks, added, removed, approximate, eol };
}

function buildHunks(path: string, ops: Op[], context: number): Hunk[] {
  // Line counts before each op, on each side.
  const oldBefore = new Array<number>(ops.length + 1);
  const newBefore = new Array<number>(ops.length + 1);
  oldBefore[0] = 0;
  newBefore[0] = 0;
  ops.forEach((op, i) => {
    oldBefore[i + 1] = oldBefore[i]! + (op.kind === '+' ? 0 : 1);
    newBefore[i + 1] = newBefore[i]! + (op.kind === '-' ? 0 : 1);
  });
  const groups: [number, number][] = [];
  for (let i = 0; i < ops.length; i++) {
    if (ops[i]!.kind === ' ') continue;
    let end = i;
    while (end < ops.length && ops[end]!.kind !== ' ') end++;
    const last = groups[groups.length - 1];
    if (last && i - last[1] <= 2 * context) last[1] = end;
    else groups.push([i, end]);
    i = end - 1;
  }
  return groups.map(([first, end]) => {
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length, end + context);
    const lines: string[] = [];
    let added = 0;
    let removed = 0;
    for (let i = from; i < to; i++) {
      const { kind, token } = ops[i]!;
      lines.push(kind + contentOf(token));
      if (!isTerminated(token)) lines.push(NO_NEWLINE);
      if (kind === '+') added++;
      if (kind === '-') removed++;
    }
    const oldLines = oldBefore[to]! - oldBefore[from]!;
    const newLines = newBefore[to]! - newBefore[from]!;
    // Unified diff headers name the line before an empty side (0 at the top of the file).
    const oldStart = oldLines === 0 ? oldBefore[from]! : oldBefore[from]! + 1;
    const newStart = newLines === 0 ? newBefore[from]! : newBefore[from]! + 1;
    return { id: hunkId(path, oldStart, lines), oldStart, oldLines, newStart, newLines, lines, added, removed };
  });
}

/** Same content at the same place in the same file, same id. */
export function hunkId(path: string, oldStart: number, lines: readonly string[]): string {
  return createHash('sha256')
    .update(`${path}\0${oldStart}\0${lines.join('\n')}`)
    .digest('hex')
    .slice(0, 12);
}

/** Raised when hunks do not fit the text they are applied to (not from the same diff, or stale). */
export class HunkMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HunkMismatchError';
  }
}

/**
 * Applies some of the hunks that diffFiles produced for `before` (in any order, each at most once)
 * and keeps the original lines wherever a hunk is left out. `eol` is the FileDiff's; without it,
 * the line model is inferred the way diffFiles chose it.
 */
export function applyHunks(before: string, hunks: readonly Hunk[], eol: '\n' | '\r\n' = inferEol(before, hunks)): string {
  const tokens = tokenize(before, eol);
  const sorted = [...hunks].sort((x, y) => x.oldStart - y.oldStart);
  const out: string[] = [];
  let cursor = 0;
  for (const h of sorted) {
    const at = h.oldLines === 0 ? h.oldStart : h.oldStart - 1;
    if (at < cursor) throw new HunkMismatchError(`Hunk ${h.id} overlaps the hunk before it.`);
    while (cursor < at) out.push(tokens[cursor++]!);
    for (let i = 0; i < h.lines.length; i++) {
      const line = h.lines[i]!;
      if (line === NO_NEWLINE) continue;
      const terminated = h.lines[i + 1] !== NO_NEWLINE;
      const token = line.slice(1) + (terminated ? '' : UNTERMINATED);
      if (line[0] === '+') {
        out.push(token);
        continue;
      }
      if (tokens[cursor] !== token) throw new HunkMismatchError(`Hunk ${h.id} does not fit the text at line ${cursor + 1}.`);
      if (line[0] === ' ') out.push(token);
      cursor++;
    }
  }
  while (cursor < tokens.length) out.push(tokens[cursor++]!);
  return out.map((t) => (isTerminated(t) ? t + eol : contentOf(t))).join('');
}

/**
 * diffFiles takes the CRLF model only when `before` is cleanly CRLF; when it did not (the patch
 * changed the style), lines from `before` in the hunks keep their CR, and every hunk has one.
 */
function inferEol(before: string, hunks: readonly Hunk[]): '\n' | '\r\n' {
  if (!cleanCrlf(before)) return '\n';
  const carriesCr = hunks.some((h) => h.lines.some((l) => (l[0] === ' ' || l[0] === '-') && l.endsWith('\r')));
  return carriesCr ? '\n' : '\r\n';
}
