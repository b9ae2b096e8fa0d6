/**
 * The first line of a thrown value's message, trimmed and bounded: what a user is shown. Stacks
 * and wrapped detail stay in the logs.
 */
export function errorLine(err: unknown, max = 300): string {
  const text = err instanceof Error ? err.message : String(err);
  const first = (text.split(/\r?\n/)[0] ?? '').replace(/^Error:\s*/, '').trim();
  if (!first) return 'Unknown error.';
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}
