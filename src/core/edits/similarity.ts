/**
 * Finds the window of file lines most like a block the model quoted, so that a failed match can
 * show the model the real text it probably meant. Lines are compared by the Dice coefficient of
 * their character bigrams after trimming, which forgives small typos and re-indentation alike.
 */

/** Dice similarity of two strings' bigram multisets, in [0,1]. */
export function lineSimilarity(a: string, b: string): number {
  return diceOfBigrams(bigrams(a.trim()), bigrams(b.trim()));
}

function bigrams(s: string): Map<string, number> {
  const m = new Map<string, number>();
  if (s.length === 1) m.set(s, 1);
  for (let i = 0; i + 1 < s.length; i++) {
    const g = s.slice(i, i + 2);
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

function size(m: Map<string, number>): number {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}

function diceOfBigrams(a: Map<string, number>, b: Map<string, number>): number {
  const na = size(a);
  const nb = size(b);
  if (na === 0 && nb === 0) return 1;
  if (na === 0 || nb === 0) return 0;
  let common = 0;
  for (const [g, n] of a) common += Math.min(n, b.get(g) ?? 0);
  return (2 * common) / (na + nb);
}

/** At most this many of the quoted lines are scored per window, which bounds the cost on big files. */
const MAX_PROBES = 8;

/**
 * 0-based start of the window of `needle.length` file lines most similar to `needle`, with its mean
 * similarity. Blank needle lines are skipped as they carry no signal; ties go to the earliest window.
 */
export function nearestWindow(fileLines: readonly string[], needle: readonly string[]): { start: number; score: number } {
  const probes = needle.map((text, j) => ({ text, j })).filter((p) => p.text.trim() !== '');
  if (probes.length === 0 || fileLines.length === 0) return { start: 0, score: 0 };
  const step = probes.length / Math.min(probes.length, MAX_PROBES);
  const chosen: { j: number; grams: Map<string, number> }[] = [];
  for (let x = 0; x < probes.length && chosen.length < MAX_PROBES; x += step) {
    const p = probes[Math.floor(x)]!;
    chosen.push({ j: p.j, grams: bigrams(p.text.trim()) });
  }
  const fileGrams: (Map<string, number> | undefined)[] = new Array(fileLines.length);
  const gramsAt = (i: number): Map<string, number> => (fileGrams[i] ??= bigrams(fileLines[i]!.trim()));
  const lastStart = Math.max(0, fileLines.length - needle.length);
  let best = { start: 0, score: -1 };
  for (let start = 0; start <= lastStart; start++) {
    let sum = 0;
    for (const c of chosen) {
      const i = start + c.j;
      if (i < fileLines.length) sum += diceOfBigrams(c.grams, gramsAt(i));
    }
    const score = sum / chosen.length;
    if (score > best.score) best = { start, score };
  }
  return best;
}
