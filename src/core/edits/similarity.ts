/**
 * Finds the window of file lines most like a block the model quoted, so that a failed match can
 * show the model the real text it probably meant. Lines are compared by the Dice coefficient of
 * their character bigrams after trimming, which forgives small typos and re-indentation alike.
 */

/** Bigrams as sorted 32-bit codes: compared by a merge, far cheaper than maps on 50k lines. */
function bigrams(s: string): Uint32Array {
  if (s.length === 1) return Uint32Array.of(s.charCodeAt(0));
  const out = new Uint32Array(Math.max(0, s.length - 1));
  for (let i = 0; i + 1 < s.length; i++) out[i] = ((s.charCodeAt(i) << 16) | s.charCodeAt(i + 1)) >>> 0;
  return out.sort();
}

function diceOfBigrams(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  let common = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return (2 * common) / (a.length + b.length);
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
  const chosen: { j: number; grams: Uint32Array }[] = [];
  for (let x = 0; x < probes.length && chosen.length < MAX_PROBES; x += step) {
    const p = probes[Math.floor(x)]!;
    chosen.push({ j: p.j, grams: bigrams(p.text.trim()) });
  }
  const fileGrams: (Uint32Array | undefined)[] = new Array(fileLines.length);
  const gramsAt = (i: number): Uint32Array => (fileGrams[i] ??= bigrams(fileLines[i]!.trim()));
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
