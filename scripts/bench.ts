/**
 * `npm run bench`: runs every scripts/bench/*.bench.ts and prints one table. Each row is measured
 * beside a reference measured in the same run (a raw parse, `tsc --noEmit`, `git diff`), because
 * these machines are noisy and only the ratio means something.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchRow {
  /** What was measured. */
  name: string;
  /** Median milliseconds. */
  ms: number;
  /** The reference measured in the same run, if any. */
  reference?: { name: string; ms: number };
  note?: string;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const dir = join(__dirname, 'bench');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const rows: BenchRow[] = [];
  for (const f of files) {
    const mod = (await import(join(dir, f))) as { default: () => Promise<BenchRow[]> };
    process.stderr.write(`bench: ${f}\n`);
    rows.push(...(await mod.default()));
  }
  const fmt = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
  console.log('| measured | median ms | reference | reference ms | ratio | note |');
  console.log('|---|---:|---|---:|---:|---|');
  for (const r of rows) {
    const ratio = r.reference ? (r.ms / r.reference.ms).toFixed(2) + 'x' : '';
    console.log(
      `| ${r.name} | ${fmt(r.ms)} | ${r.reference?.name ?? ''} | ${r.reference ? fmt(r.reference.ms) : ''} | ${ratio} | ${r.note ?? ''} |`,
    );
  }
}

/** Median of `runs` timings of `fn`, after `warmup` untimed calls. */
export async function median(fn: () => unknown, runs = 7, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
