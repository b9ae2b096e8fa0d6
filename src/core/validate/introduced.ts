import { diffArrays } from 'diff';
import { defaultFindingKey, type Finding } from '../findings';

type RawFinding = Omit<Finding, 'introduced'>;

/**
 * Marks which findings after an edit were there before it, in two passes:
 * 1. as `markIntroduced` does: tool, code, message and the text of the line, so an error the
 *    patch merely moved matches wherever it went;
 * 2. for what is left, the same tool, code and message on a line the patch rewrote, within the
 *    same changed region (hunk): an error on a line the patch touched but did not cause, such
 *    as a pre-existing type error on a line whose other half was edited.
 * Only findings matching neither way are introduced.
 */
export function markIntroducedThroughEdit(
  before: readonly RawFinding[],
  after: readonly RawFinding[],
  beforeText: string | undefined,
  afterText: string | undefined,
): Finding[] {
  const used = new Array<boolean>(before.length).fill(false);
  const byKey = new Map<string, number[]>();
  before.forEach((f, i) => {
    const k = defaultFindingKey(f);
    byKey.set(k, [...(byKey.get(k) ?? []), i]);
  });
  const result: Finding[] = after.map((f) => {
    const pool = byKey.get(defaultFindingKey(f));
    const i = pool?.find((j) => !used[j]);
    if (i === undefined) return { ...f, introduced: true };
    used[i] = true;
    return { ...f, introduced: false };
  });
  if (beforeText === undefined || afterText === undefined || beforeText === afterText || !result.some((f) => f.introduced)) return result;

  const hunks = changedRegions(beforeText, afterText);
  for (const f of result) {
    if (!f.introduced) continue;
    const h = hunks.after.get(f.line);
    if (h === undefined) continue;
    const i = before.findIndex(
      (b, j) => !used[j] && hunks.before.get(b.line) === h && b.tool === f.tool && b.code === f.code && b.message === f.message,
    );
    if (i < 0) continue;
    used[i] = true;
    f.introduced = false;
  }
  return result;
}

/** For each changed line (1-based) of each side, the index of the changed region it belongs to. */
export function changedRegions(beforeText: string, afterText: string): { before: Map<number, number>; after: Map<number, number> } {
  const a = beforeText.split(/\r\n|\r|\n/);
  const b = afterText.split(/\r\n|\r|\n/);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const out = { before: new Map<number, number>(), after: new Map<number, number>() };
  // Bounded (FACTS.md: jsdiff's cost grows with the change); past the bound the middle is one region.
  const changes = midA.length > 0 && midB.length > 0 ? diffArrays(midA, midB, { maxEditLength: 2000, timeout: 200 }) : undefined;
  const runs = changes ?? [
    { removed: true, added: false, count: midA.length },
    { removed: false, added: true, count: midB.length },
  ];
  let oldLine = head + 1;
  let newLine = head + 1;
  let region = 0;
  let inRegion = false;
  for (const c of runs) {
    if (!c.added && !c.removed) {
      if (inRegion) region++;
      inRegion = false;
      oldLine += c.count;
      newLine += c.count;
      continue;
    }
    inRegion = true;
    for (let k = 0; k < c.count; k++) {
      if (c.removed) out.before.set(oldLine++, region);
      else out.after.set(newLine++, region);
    }
  }
  return out;
}
