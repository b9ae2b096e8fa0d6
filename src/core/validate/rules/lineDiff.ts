import { diffArrays } from 'diff';

export interface LineChanges {
  beforeLines: number;
  afterLines: number;
  /** Lines of before that the patch removed or replaced. */
  removed: number;
  /** Lines of after that the patch added or replaced. */
  added: number;
}

/**
 * How many lines a patch removed and added. The common head and tail are stripped first and the
 * diff is bounded (FACTS.md: jsdiff's cost grows with the changed lines); past the bound the
 * whole middle counts as replaced, which is what a diff that large means anyway.
 */
export function lineChanges(before: string, after: string): LineChanges {
  const a = before.split(/\r\n|\r|\n/);
  const b = after.split(/\r\n|\r|\n/);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const result = { beforeLines: a.length, afterLines: b.length, removed: midA.length, added: midB.length };
  if (midA.length === 0 || midB.length === 0) return result;
  const changes = diffArrays(midA, midB, { maxEditLength: 2000, timeout: 200 });
  if (!changes) return result;
  let removed = 0;
  let added = 0;
  for (const c of changes) {
    if (c.removed) removed += c.count;
    else if (c.added) added += c.count;
  }
  return { ...result, removed, added };
}
