/**
 * diffFiles on 5k- and 50k-line files (a small edit, 10% of lines changed, every line changed),
 * beside `git diff --no-index` on the same pairs written to a temporary folder. The git figure
 * includes starting a process (a few ms); it is the reference, not a target.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffFiles } from '../../src/core/edits/diff';
import { median, type BenchRow } from '../bench';

/** Code-like lines with the repeats real code has (closing braces, blank lines). */
function source(n: number, changed: (i: number) => boolean): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const base =
      i % 7 === 6 ? '}' : i % 7 === 0 ? '' : i % 7 === 1 ? `function f${i}(a, b) {` : `  const v${i} = compute(a, ${i}, "k${i % 13}");`;
    out.push(changed(i) ? `${base} // edited ${i}` : base);
  }
  return out.join('\n') + '\n';
}

export default async function bench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'rg-diff-bench-'));
  try {
    for (const n of [5_000, 50_000]) {
      const before = source(n, () => false);
      const cases: [string, (i: number) => boolean][] = [
        ['small edit', (i) => i === Math.floor(n / 2)],
        ['10% changed', (i) => i % 10 === 4],
        ['every line changed', () => true],
      ];
      for (const [label, changed] of cases) {
        const after = source(n, changed);
        writeFileSync(join(dir, 'a'), before);
        writeFileSync(join(dir, 'b'), after);
        let last = diffFiles('f.ts', before, after);
        const runs = n >= 50_000 ? 5 : 9;
        const ms = await median(() => (last = diffFiles('f.ts', before, after)), runs);
        const gitMs = await median(
          () => spawnSync('git', ['diff', '--no-index', '--no-color', 'a', 'b'], { cwd: dir, maxBuffer: 1 << 28 }),
          runs,
        );
        const numstat = spawnSync('git', ['diff', '--no-index', '--numstat', 'a', 'b'], { cwd: dir, encoding: 'utf8' }).stdout.split('\t');
        rows.push({
          name: `diffFiles ${n / 1000}k lines, ${label}`,
          ms,
          reference: { name: 'git diff --no-index', ms: gitMs },
          note: `+${last.added} -${last.removed} in ${last.hunks.length} hunks${last.approximate ? ', replacement fallback' : ''}; git +${numstat[0]} -${numstat[1]}`,
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
