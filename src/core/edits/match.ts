/**
 * Finds where a patch_file's old_string goes, from strictest to most tolerant:
 * exact -> trailing whitespace -> indentation shifted as a block -> indentation in another unit
 * (tabs for spaces, two spaces for four, mapped level by level) -> line endings (CRLF vs LF,
 * together with the tolerances before it). A level is used only when it matches exactly one
 * place; two or more places at any level stop the chain, since a more tolerant level can only
 * find more. Only when nothing matches as written is the whole chain tried again on what models
 * copy wrongly: blank lines at the edges of old_string that the file lacks there, and the `12| `
 * line-number prefixes of our own "not found" quotes. A missing or ambiguous match is never
 * guessed: the failure quotes the real lines.
 */
import type { MatchKind } from './hunk';
import { isBlank, leadingWhitespace, lineEnd, lineTextEnd, splitLines, type Line } from './lines';
import { copyingSlips } from './copyingSlips';
import { convertIndent, fileIndentUnits, indentUnit } from './indentUnits';
import { nearestWindow } from './similarity';
import { convertLineEndings, detectLineEndings } from './textFormat';

export type MatchResult =
  | {
      ok: true;
      kind: MatchKind;
      text: string;
      /** 1-based line where the replaced region starts. */
      line: number;
      /** How much tolerance it took: the reading (as written, or a copying slip) and the level, as one ordinal; 0 is exact as written. */
      tolerance: number;
    }
  | { ok: false; reason: 'missing' | 'ambiguous' | 'noop'; message: string };

/** A span of the file to replace and what goes there. */
interface Replacement {
  start: number;
  end: number;
  insert: string;
  /** Set where a level has more than one reading (indentation: a shift, or another unit). */
  kind?: MatchKind;
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
    return {
      ok: false,
      reason: 'noop',
      message: `patch_file: old_string and new_string are identical, so nothing in ${path} would change.`,
    };
  }
  const fileLines = splitLines(text);
  const asWritten = matchChain(text, fileLines, oldString, newString, path);
  if (asWritten.ok || asWritten.reason === 'ambiguous') return asWritten;
  for (const [i, v] of copyingSlips(oldString, newString).entries()) {
    if (v.old === v.new) continue;
    const r = matchChain(text, fileLines, v.old, v.new, path);
    if (r.ok) return { ...r, kind: v.kind, tolerance: (i + 1) * 10 + r.tolerance };
    if (r.reason === 'ambiguous') return r;
  }
  return { ok: false, reason: 'missing', message: missingMessage(fileLines, oldString, path) };
}

function matchChain(text: string, fileLines: Line[], oldString: string, newString: string, path: string): MatchResult {
  const style = detectLineEndings(text);
  // Inserted line breaks follow the file; in a mixed file, the lines around the match.
  const eolNear = (offset: number): '\n' | '\r\n' => (style.lineEnding === 'mixed' ? localEol(fileLines, offset, style.eol) : style.eol);
  const eolOf = (s: string, offset: number): string => (style.lineEnding === 'none' ? s : convertLineEndings(s, eolNear(offset)));

  const levels: { kind: MatchKind; find: () => Replacement[] }[] = [
    { kind: 'exact', find: () => substringMatches(text, oldString, (at) => eolOf(newString, at)) },
    {
      kind: 'trailing_whitespace',
      find: () => lineMatches(fileLines, oldString, newString, eolOf, { trimTrailing: true, indent: false, anyEol: false }),
    },
    // One level for both readings of different indentation, a block shift and another unit: a
    // place found by one must not hide another place found by the other.
    { kind: 'indentation', find: () => indentationMatches(fileLines, oldString, newString, eolOf, false) },
    // Line endings, with the tolerances above again, least tolerant first.
    {
      kind: 'line_endings',
      find: () => {
        if (style.lineEnding !== 'lf' && style.lineEnding !== 'crlf') return [];
        const converted = convertLineEndings(oldString, style.eol);
        return converted === oldString ? [] : substringMatches(text, converted, (at) => eolOf(newString, at));
      },
    },
    {
      kind: 'line_endings',
      find: () => lineMatches(fileLines, oldString, newString, eolOf, { trimTrailing: false, indent: false, anyEol: true }),
    },
    {
      kind: 'line_endings',
      find: () => lineMatches(fileLines, oldString, newString, eolOf, { trimTrailing: true, indent: false, anyEol: true }),
    },
    { kind: 'line_endings', find: () => indentationMatches(fileLines, oldString, newString, eolOf, true) },
  ];

  for (const [rank, level] of levels.entries()) {
    const hits = level.find();
    if (hits.length === 1) {
      const r = hits[0]!;
      return {
        ok: true,
        kind: r.kind ?? level.kind,
        text: text.slice(0, r.start) + r.insert + text.slice(r.end),
        line: lineNumberAt(text, r.start),
        tolerance: rank,
      };
    }
    if (hits.length > 1) return { ok: false, reason: 'ambiguous', message: ambiguityMessage(text, fileLines, hits, path) };
  }
  return { ok: false, reason: 'missing', message: '' };
}

/**
 * Places where old_string fits with its indentation changed: shifted as a block, or in another
 * unit. A place both readings find takes the unit reading's replacement (the model wrote in
 * another unit, so its deeper new lines are levels of that unit, not a shifted width).
 */
function indentationMatches(
  fileLines: Line[],
  oldString: string,
  newString: string,
  eolOf: (s: string, offset: number) => string,
  anyEol: boolean,
): Replacement[] {
  const byRange = new Map<string, Replacement>();
  for (const h of lineMatches(fileLines, oldString, newString, eolOf, { trimTrailing: true, indent: true, anyEol }))
    byRange.set(`${h.start}:${h.end}`, { ...h, kind: anyEol ? 'line_endings' : 'indentation' });
  for (const h of unitMatches(fileLines, oldString, newString, eolOf, anyEol))
    byRange.set(`${h.start}:${h.end}`, { ...h, kind: anyEol ? 'line_endings' : 'indent_style' });
  return [...byRange.values()];
}

/**
 * old_string re-indented in the file's own unit (tabs, or its width of spaces), level for level,
 * with new_string converted the same way, so a tab-indented file stays tab-indented and Python
 * keeps its block structure. Tried for each unit the file uses (a mixed file has two); the places
 * found under all of them together must be exactly one.
 */
function unitMatches(
  fileLines: Line[],
  oldString: string,
  newString: string,
  eolOf: (s: string, offset: number) => string,
  anyEol: boolean,
): Replacement[] {
  // new_string is evidence of the model's unit too: its new lines often go one level deeper.
  const from = indentUnit([...splitLines(oldString), ...splitLines(newString)].map((l) => l.text));
  if (from === undefined) return [];
  const found = new Map<string, Replacement>();
  for (const to of fileIndentUnits(fileLines)) {
    if (to === from) continue;
    const hits = lineMatches(fileLines, convertIndent(oldString, from, to), convertIndent(newString, from, to), eolOf, {
      trimTrailing: true,
      indent: true,
      anyEol,
    });
    for (const h of hits) found.set(`${h.start}:${h.end}`, h);
  }
  return [...found.values()];
}
function substringMatches(text: string, needle: string, insertAt: (offset: number) => string): Replacement[] {
  const out: Replacement[] = [];
  const multiline = needle.includes('\n');
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
    // Lines found starting inside a line's indentation ("  }\n}" in "    }\n  }", "def f():\n..."
    // after four spaces) are lines indented differently, not a substring: the line levels find
    // them and re-indent every line of the replacement, where a substring match would shift only
    // its first line.
    if (multiline && i > 0 && /^[ \t]+$/.test(text.slice(text.lastIndexOf('\n', i - 1) + 1, i))) continue;
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
function lineMatches(
  fileLines: Line[],
  oldString: string,
  newString: string,
  eolOf: (s: string, offset: number) => string,
  rules: LineRules,
): Replacement[] {
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
  return s.replace(/^[ \t]+(?=[^\r\n]*\S)/gm, (lead) =>
    lead.startsWith(shift.remove) ? lead.slice(n) : lead.slice(Math.min(n, lead.length)),
  );
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
