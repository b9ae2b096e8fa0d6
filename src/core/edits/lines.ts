/**
 * Text as lines that remember their terminators, so a change to some lines can be written back
 * without touching the bytes of the others.
 */
export interface Line {
  /** The line without its terminator (and without the CR of a CRLF). */
  text: string;
  /** '\r\n', '\n', or '' for a last line without a line break. */
  eol: '' | '\n' | '\r\n';
  /** Offset of the line's first character in the whole text. */
  start: number;
}

export function splitLines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      // A text ending in a line break has no extra empty line after it.
      if (start < text.length || out.length === 0) out.push({ text: text.slice(start), eol: '', start });
      return out;
    }
    const cr = nl > start && text.charCodeAt(nl - 1) === 13;
    out.push({ text: text.slice(start, cr ? nl - 1 : nl), eol: cr ? '\r\n' : '\n', start });
    start = nl + 1;
  }
}

/** Offset just past the line's text (before its terminator). */
export function lineTextEnd(line: Line): number {
  return line.start + line.text.length;
}

/** Offset just past the line's terminator. */
export function lineEnd(line: Line): number {
  return line.start + line.text.length + line.eol.length;
}

export function leadingWhitespace(s: string): string {
  const m = /^[ \t]*/.exec(s);
  return m ? m[0] : '';
}

export function isBlank(s: string): boolean {
  return s.trim() === '';
}
