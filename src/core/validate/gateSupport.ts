import type { Finding } from '../findings';
import { collapseWhitespace } from '../text';

/**
 * Small helpers every gate shares: the finding a crash turns into, quoting a source line.
 */

/**
 * The finding for a gate that crashed or ran out of time. It blocks (introduced, error): a gate
 * that could not look is not a gate that passed.
 */
export function crashFinding(gate: string, file: string, message: string): Finding {
  return {
    tool: gate,
    code: 'gate-failed',
    category: 'other',
    severity: 'error',
    file,
    line: 1,
    column: 1,
    message: collapseWhitespace(message),
    introduced: true,
  };
}

/** The trimmed text of a 1-based line, cut to a readable length, for `Finding.excerpt`. */
export function excerptAt(text: string, line: number): string {
  let start = 0;
  for (let i = 1; i < line; i++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return '';
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return text
    .slice(start, end < 0 ? undefined : end)
    .trim()
    .slice(0, 200);
}
