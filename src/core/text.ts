/**
 * The three ways a text is made fit for one line of a message, each done one way everywhere. The
 * first line of a thrown value is errorLine.ts, built on these.
 */

/** Runs of whitespace (newlines included) as one space, trimmed: a multi-line text read as one line. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** At most `max` characters, the last an ellipsis when cut; never half a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = /[\ud800-\udbff]/.test(text[max - 2] ?? '') ? max - 2 : max - 1;
  return `${text.slice(0, Math.max(0, cut))}…`;
}

/** The first line, trimmed. */
export function firstLine(text: string): string {
  return (text.split(/\r?\n/)[0] ?? '').trim();
}
