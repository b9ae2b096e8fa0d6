/**
 * Finds where a patch_file's old_string goes, from strictest to most tolerant:
 * exact -> trailing whitespace -> indentation shifted as a block -> line endings (CRLF vs LF,
 * together with the two tolerances before it). A level is used only when it matches exactly one
 * place; two or more places at any level stop the chain, since a more tolerant level can only
 * find more. A missing or ambiguous match is never guessed: the failure quotes the real lines.
 */
import type { MatchKind } from './hunk';
import { isBlank, leadingWhitespace, lineEnd, lineTextEnd, splitLines, type Line } from './lines';
import { nearestWindow } from './similarity';
import { convertLineEndings, detectLineEndings } from './textFormat';

export type MatchResult =
  | { ok: true; kind: MatchKind; text: string; /** 1-based line where the replaced region starts. */ line: number }
  | { ok: false; reason: 'missing' | 'ambiguous' | 'noop'; message: string };

/** A span of the file to replace and what goes there. */
interface Replacement {
  start: number;
  end: number;
  insert: string;
}

interface LineRules {
  trimTrailing: boolean;
  indent: boolean;
  /** CRLF and LF count as the same line break. */
  anyEol: boolean;
}

type Shift = { add: string } | { remove: string };

/** How many places to list in an ambiguity message. */
const MAX_LISTED = 5;
/** How many lines to quote from the nearest window. */
const MAX_QUOTED = 15;

export function replaceOnce(text: string, oldString: string, newString: string, path: string): MatchResult {
  if (oldString === newString) {
    return { ok: false, reason: 'noop', message: `patch_file: old_string and new_string are identical, so nothing in ${path} would change.` };
  }
  const style = detectLineEndings(text);
  const fileLines = splitLines(text);
  // Inserted line breaks follow the file; in a mixed file, the lines around the match.
  const eolNear = (offset: number): '\n' | '\r\n' => (style.lineEnding === 'mixed' ? localEol(fileLines, offset, style.eol) : style.eol);
  const eolOf = (s: string, offset: number): string => (style.lineEnding === 'none' ? s : convertLineEndings(s, eolNear(offset)));

  const levels: { kind: MatchKind; find: () => Replacement[] }[] = [
    { kind: 'exact', find: () => substringMatches(text, oldString, (at) => eolOf(newString, at)) },
    { kind: 'trailing_whitespace', find: () => lineMatches(fileLines, oldString, newString, eolOf, { trimTrailing: true, indent: false, anyEol: false }) },
    { kind: 'indentation', find: () => lineMatches(fileLines, oldString, newString, eolOf, { trimTrailing: true, indent: true, anyEol: false }) },
    {
      kind: 'line_endings',
      find: () => {
        // Within this level, still prefer the least tolerant reading that finds something.
        if (style.lineEnding === 'lf' || style.lineEnding === 'crlf') {
          const converted = convertLineEndings(oldString, style.eol);
          if (converted !== oldString) {
            const hits = substringMatches(text, converted, (at) => eolOf(newString, at));
            if (hits.length > 0) return hits;
          }
        }
        for (const rules of [
          { trimTrailing: false, indent: false, anyEol: true },
          { trimTrailing: true, indent: false, anyEol: true },
          { trimTrailing: true, indent: true, anyEol: true },
        ]) {
          const hits = lineMatches(fileLines, oldString, newString, eolOf, rules);
          if (hits.length > 0) return hits;
        }
        return [];
      },
    },
  ];

  for (const level of levels) {
    const hits = level.find();
    if (hits.length === 1) {
      const r = hits[0]!;
      return { ok: true, kind: level.kind, text: text.slice(0, r.start) + r.insert + text.slice(r.end), line: lineNumberAt(text, r.start) };
    }
    if (hits.length > 1) return { ok: false, reason: 'ambiguous', message: ambiguityMessage(text, fileLines, hits, path) };
  }
  return { ok: false, reason: 'missing', message: missingMessage(fileLines, oldString, path) };
}

function substringMatches(text: string, needle: string, insertAt: (offset: number) => string): Replacement[] {
  const out: Replacement[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
    // A match that begins or ends inside a CRLF pair would leave a lone CR behind ("\n  x" found in
    // "\r\n  x"); the line-endings level finds the same place whole.
    if (splitsCrlf(text, i) || splitsCrlf(text, i + needle.length)) continue;
    out.push({ start: i, end: i + needle.length, insert: insertAt(i) });
  }
  return out;
}

function splitsCrlf(text: string, offset: number): boolean {
  return offset > 0 && offset < text.length && text.charCodeAt(offset - 1) === 13 && text.charCodeAt(offset) === 10;
}

/** The terminator of the line holding `offset`, or of the line before it when that one has none. */
function localEol(fileLines: Line[], offset: number, fallback: '\n' | '\r\n'): '\n' | '\r\n' {
  let lo = 0;
  let hi = fileLines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fileLines[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  for (let i = lo; i >= 0 && i >= lo - 1; i--) {
    const eol = fileLines[i]!.eol;
    if (eol !== '') return eol;
  }
  return fallback;
}

/** Whole-line matches of old_string's lines under `rules`, each with its replacement built. */
function lineMatches(fileLines: Line[], oldString: string, newString: string, eolOf: (s: string, offset: number) => string, rules: LineRules): Replacement[] {
  const oldLines = splitLines(oldString);
  const oldEndsWithNewline = oldLines[oldLines.length - 1]!.eol !== '';
  const k = oldLines.length;
  if (oldLines.every((l) => isBlank(l.text))) return [];
  const out: Replacement[] = [];
  for (let i = 0; i + k <= fileLines.length; i++) {
    const shift = windowMatches(fileLines, i, oldLines, oldEndsWithNewline, rules);
    if (shift === undefined) continue;
    const last = fileLines[i + k - 1]!;
    // A quoted final newline the file lacks at its end is tolerated; the file keeps lacking it.
    const takesTerminator = oldEndsWithNewline && last.eol !== '';
    const at = fileLines[i]!.start;
    let insert = eolOf(reindent(newString, shift), at);
    if (oldEndsWithNewline && !takesTerminator) insert = insert.replace(/\r?\n$/, '');
    insert = keepUnchangedEdges(fileLines.slice(i, i + k), insert, eolOf(reindent(oldString, shift), at));
    out.push({ start: at, end: takesTerminator ? lineEnd(last) : lineTextEnd(last), insert });
  }
  return out;
}

/** The indentation shift under which the window matches, or undefined when it does not. */
function windowMatches(fileLines: Line[], i: number, oldLines: Line[], oldEndsWithNewline: boolean, rules: LineRules): Shift | undefined {
  let shift: Shift | undefined = rules.indent ? undefined : { add: '' };
  const k = oldLines.length;
  for (let j = 0; j < k; j++) {
    const f = fileLines[i + j]!;
    const o = oldLines[j]!;
    const isLast = j === k - 1;
    if (!isLast && !rules.anyEol && f.eol !== o.eol) return undefined;
    if (isLast && oldEndsWithNewline && f.eol !== '' && !rules.anyEol && f.eol !== o.eol) return undefined;
    if (isLast && oldEndsWithNewline && f.eol === '' && !rules.trimTrailing) return undefined;
    const ft = rules.trimTrailing ? f.text.trimEnd() : f.text;
    const ot = rules.trimTrailing ? o.text.trimEnd() : o.text;
    if (!rules.indent) {
      if (ft !== ot) return undefined;
      continue;
    }
    if (isBlank(ot) || isBlank(ft)) {
      if (isBlank(ot) && isBlank(ft)) continue;
      return undefined;
    }
    const fl = leadingWhitespace(ft);
    const ol = leadingWhitespace(ot);
    if (ft.slice(fl.length) !== ot.slice(ol.length)) return undefined;
    let here: Shift;
    if (fl.length >= ol.length && fl.endsWith(ol)) here = { add: fl.slice(0, fl.length - ol.length) };
    else if (ol.endsWith(fl)) here = { remove: ol.slice(0, ol.length - fl.length) };
    else return undefined;
    if (shift === undefined) shift = here;
    else if (!sameShift(shift, here)) return undefined;
  }
  return shift ?? { add: '' };
}

function sameShift(a: Shift, b: Shift): boolean {
  if ('add' in a && 'add' in b) return a.add === b.add;
  if ('remove' in a && 'remove' in b) return a.remove === b.remove;
  return ('add' in a ? a.add : a.remove) === '' && ('add' in b ? b.add : b.remove) === '';
}

/** Moves every non-blank line of `s` by the block shift found between old_string and the file. */
function reindent(s: string, shift: Shift): string {
  if ('add' in shift) {
    if (shift.add === '') return s;
    return s.replace(/^(?=[^\r\n]*\S)/gm, shift.add);
  }
  const n = shift.remove.length;
  return s.replace(/^[ \t]+(?=[^\r\n]*\S)/gm, (lead) => (lead.startsWith(shift.remove) ? lead.slice(n) : lead.slice(Math.min(n, lead.length))));
}

/**
 * Lines that old_string and new_string share at their start and end are written back as the file
 * had them (its own trailing whitespace, its own terminators), so tolerant matching does not turn
 * unchanged context lines into diff noise.
 */
function keepUnchangedEdges(window: Line[], insert: string, oldConverted: string): string {
  const ins = splitLines(insert);
  const old = splitLines(oldConverted);
  if (old.length !== window.length || ins.length === 0) return insert;
  let head = 0;
  while (head < ins.length - 1 && head < old.length - 1 && ins[head]!.text === old[head]!.text) head++;
  let tail = 0;
  while (
    tail < ins.length - 1 - head &&
    tail < old.length - 1 - head &&
    ins[ins.length - 2 - tail]!.text === old[old.length - 2 - tail]!.text
  )
    tail++;
  // Only whole inner lines (never the last one, whose terminator belongs to the match rules) are swapped.
  if (head === 0 && tail === 0) return insert;
  const pieces: string[] = [];
  for (let j = 0; j < ins.length; j++) {
    const fromHead = j < head;
    const fromTail = j >= ins.length - 1 - tail && j < ins.length - 1;
    if (fromHead) pieces.push(window[j]!.text + window[j]!.eol);
    else if (fromTail) {
      const w = window[window.length - 1 - (ins.length - 1 - j)]!;
      pieces.push(w.text + w.eol);
    } else pieces.push(ins[j]!.text + ins[j]!.eol);
  }
  return pieces.join('');
}

function lineNumberAt(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function quote(fileLines: Line[], from: number, to: number): string {
  const width = String(to).length;
  const out: string[] = [];
  for (let i = from; i <= to && i <= fileLines.length; i++) out.push(`${String(i).padStart(width)}| ${fileLines[i - 1]!.text}`);
  return out.join('\n');
}

function ambiguityMessage(text: string, fileLines: Line[], hits: Replacement[], path: string): string {
  // Line numbers only for the places listed: a one-character old_string can match thousands.
  const listed = hits.slice(0, MAX_LISTED).map((h) => lineNumberAt(text, h.start));
  const more = hits.length > listed.length ? ` and ${hits.length - listed.length} more` : '';
  const quotes = listed.map((n) => quote(fileLines, n, n)).join('\n');
  return (
    `patch_file: old_string matches ${hits.length} places in ${path} (at lines ${listed.join(', ')}${more}); ` +
    `include more surrounding lines so that it matches exactly one.\n${quotes}`
  );
}

function missingMessage(fileLines: Line[], oldString: string, path: string): string {
  const needle = splitLines(oldString).map((l) => l.text);
  if (needle.length > 1 && needle[needle.length - 1] === '') needle.pop();
  const { start, score } = nearestWindow(
    fileLines.map((l) => l.text),
    needle,
  );
  const from = start + 1;
  const to = Math.min(fileLines.length, from + Math.min(needle.length, MAX_QUOTED) - 1);
  const hint = score < 0.3 ? ' (nothing in the file is close; re-read the file before patching)' : '';
  return (
    `patch_file: old_string was not found in ${path}. The nearest lines in the file are ${from}-${to}${hint}; ` +
    `copy old_string from them exactly:\n${quote(fileLines, from, to)}`
  );
}
