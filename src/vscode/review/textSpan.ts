/**
 * The smallest span to replace to turn one text into another, kept off CRLF pairs and surrogate
 * pairs so the editor never sees half a line break or half a character. Without 'vscode' so it is
 * unit-tested in Node.
 */
/** The span that differs between two texts, trimmed of their common prefix and suffix. */
export function changedSpan(a: string, b: string): { start: number; endCurrent: number; endTarget: number } {
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  // Never split a CRLF or a surrogate pair: back off to a safe boundary.
  while (start > 0 && (a.charCodeAt(start - 1) === 13 || isHighSurrogate(a.charCodeAt(start - 1)))) start--;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  while (endA < a.length && ((a.charCodeAt(endA) === 10 && a.charCodeAt(endA - 1) === 13) || isLowSurrogate(a.charCodeAt(endA)))) {
    endA++;
    endB++;
  }
  return { start, endCurrent: endA, endTarget: endB };
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
