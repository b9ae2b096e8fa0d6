import { firstLine, truncate } from './text';

/**
 * The first line of a thrown value's message, trimmed and bounded: what a user is shown. Stacks
 * and wrapped detail stay in the logs.
 */
export function errorLine(err: unknown, max = 300): string {
  const first = firstLine(err instanceof Error ? err.message : String(err)).replace(/^Error:\s*/, '');
  return first ? truncate(first, max) : 'Unknown error.';
}
