/**
 * Line diff whose cost stays bounded however much changed. jsdiff's Myers diff grows with the
 * number of changed lines (FACTS.md: 10% of a 50k-line file takes 9 s), so:
 *   1. the common prefix and suffix are cut off (most patches touch a small middle);
 *   2. the middle is diffed with a bounded edit length;
 *   3. past the bound, lines that occur once on each side anchor the two sides (patience diff),
 *      and each gap between anchors is diffed the same way, from step 1, a few levels deep;
 *   4. a gap still past the bound with no anchors becomes one replacement (all removed, then all added).
 * Every step is deterministic, so the same texts always give the same hunks and hunk ids.
 */
import { diffArrays } from 'diff';

export type Op = { kind: ' ' | '-' | '+'; token: string };

/** Most edits Myers may spend on one region before we stop asking it for a minimal diff. */
export const MAX_EDIT_LENGTH = 200;

export interface LineDiffResult {
  ops: Op[];
  /** True when some region was too different and is shown as a single replacement. */
  approximate: boolean;
}

export function diffTokens(a: readonly string[], b: readonly string[], maxEditLength = MAX_EDIT_LENGTH): LineDiffResult {
  const state = { approximate: false, maxEditLength };
  const ops: Op[] = [];
  region(a, b, 0, state, ops);
  return { ops, approximate: state.approximate };
}

/** How deep patience splitting recurses into gaps before a gap becomes a replacement. */
const MAX_DEPTH = 4;

/** Diffs a region: common ends, then Myers within the bound, then patience anchors, then replacement. */
function region(
  a: readonly string[],
  b: readonly string[],
  depth: number,
  state: { approximate: boolean; maxEditLength: number },
  out: Op[],
): void {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  for (let i = 0; i < p; i++) out.push({ kind: ' ', token: a[i]! });
  const ma = a.slice(p, a.length - s);
  const mb = b.slice(p, b.length - s);
  const direct = myers(ma, mb, state.maxEditLength);
  const anchors = direct || depth >= MAX_DEPTH ? [] : uniqueCommonAnchors(ma, mb);
  if (direct) append(out, direct);
  else if (anchors.length === 0) {
    state.approximate = true;
    append(out, replacement(ma, mb));
  } else {
    let ia = 0;
    let ib = 0;
    for (const [x, y] of anchors) {
      region(ma.slice(ia, x), mb.slice(ib, y), depth + 1, state, out);
      out.push({ kind: ' ', token: ma[x]! });
      ia = x + 1;
      ib = y + 1;
    }
    region(ma.slice(ia), mb.slice(ib), depth + 1, state, out);
  }
  for (let i = a.length - s; i < a.length; i++) out.push({ kind: ' ', token: a[i]! });
}

/** push(...items) overflows the call stack on very large arrays. */
function append(to: Op[], items: readonly Op[]): void {
  for (const op of items) to.push(op);
}

/** Myers through jsdiff, or undefined when the region needs more than `maxEditLength` edits. */
function myers(a: string[], b: string[], maxEditLength: number): Op[] | undefined {
  if (a.length === 0 || b.length === 0) return replacement(a, b);
  const changes = diffArrays(a, b, { maxEditLength });
  if (!changes) return undefined;
  const out: Op[] = [];
  for (const c of changes) {
    const kind = c.added ? '+' : c.removed ? '-' : ' ';
    for (const token of c.value) out.push({ kind, token });
  }
  return out;
}

function replacement(a: readonly string[], b: readonly string[]): Op[] {
  return [...a.map((token) => ({ kind: '-' as const, token })), ...b.map((token) => ({ kind: '+' as const, token }))];
}

/**
 * Pairs (index in a, index in b) of lines that occur exactly once in each, longest chain increasing
 * on both sides (patience sorting, O(n log n)).
 */
export function uniqueCommonAnchors(a: readonly string[], b: readonly string[]): [number, number][] {
  const seen = new Map<string, { ca: number; cb: number; ia: number; ib: number }>();
  a.forEach((t, i) => {
    const e = seen.get(t);
    if (e) e.ca++;
    else seen.set(t, { ca: 1, cb: 0, ia: i, ib: -1 });
  });
  b.forEach((t, i) => {
    const e = seen.get(t);
    if (e) {
      e.cb++;
      e.ib = i;
    }
  });
  const pairs: [number, number][] = [];
  for (const e of seen.values()) if (e.ca === 1 && e.cb === 1) pairs.push([e.ia, e.ib]);
  pairs.sort((x, y) => x[0] - y[0]);
  // Longest increasing subsequence on the b index.
  const tails: number[] = [];
  const prev: number[] = new Array(pairs.length).fill(-1);
  for (let i = 0; i < pairs.length; i++) {
    const yb = pairs[i]![1];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]!]![1] < yb) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const chain: [number, number][] = [];
  for (let i = tails.length > 0 ? tails[tails.length - 1]! : -1; i >= 0; i = prev[i]!) chain.push(pairs[i]!);
  return chain.reverse();
}
