/**
 * The syntax gate and every guard rule on a ~5k-line TypeScript file after a one-line edit, warm:
 * the same "before" text every attempt (as within a run) and a new "after" text each attempt that
 * differs from the last by a line or two, gates in pipeline order. Each row stands beside a full
 * tree-sitter parse of the same text (the reference). The file is zod 3's src/v3/types.ts (5.1k
 * lines) from `RG_BENCH_ZOD3` or node_modules/zod3, else a generated 5k-line file; the note says
 * which. Nothing is downloaded.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { silentLogger } from '../../src/core/ports';
import type { AnyGate, CandidateFile, GateContext } from '../../src/core/validate/gate';
import { parseGateSettings } from '../../src/core/validate/gateSettings';
import { createRuleGates } from '../../src/core/validate/rules';
import { syntaxGate } from '../../src/core/validate/syntax';
import { parserFor } from '../../src/core/validate/treeSitter';
import { median, type BenchRow } from '../bench';

const ROOT = path.resolve(__dirname, '../..');
const ATTEMPTS = 15;
const WARMUP = 3;

const ctx: GateContext = {
  files: { root: ROOT, read: async () => undefined, writeAtomic: async () => {}, remove: async () => {}, stat: async () => undefined },
  logger: silentLogger,
  instruction: 'Tidy the error handling',
  trusted: true,
  settings: parseGateSettings({ safeMode: false }),
};

/** zod 3's types.ts where one is installed, else a generated file of the same size and shape. */
function sample(): { text: string; label: string } {
  const candidates = [process.env.RG_BENCH_ZOD3, path.join(ROOT, 'node_modules/zod3/src/v3/types.ts')].filter((p): p is string => !!p);
  for (const p of candidates) if (existsSync(p)) return { text: readFileSync(p, 'utf8'), label: `zod 3 ${path.basename(p)}` };
  return { text: generated(5_000), label: 'generated file (no zod 3: set RG_BENCH_ZOD3 or install node_modules/zod3)' };
}

/** Classes of branchy methods, exported functions and types, about `lines` lines. */
function generated(lines: number): string {
  const out: string[] = [];
  for (let c = 0; out.length < lines; c++) {
    out.push(`export interface Options${c} {`, `  limit?: number;`, `  name: string;`, `}`, '');
    out.push(`export class Service${c} {`, `  private readonly items: number[] = [];`);
    for (let m = 0; m < 8; m++) {
      out.push(
        `  method${m}(input: Options${c}, flag = false): number {`,
        `    let total = 0;`,
        `    for (const item of this.items) {`,
        `      if (item > (input.limit ?? 0) && flag) {`,
        `        total += item;`,
        `      } else if (item < 0 || input.name === 'x') {`,
        `        total -= item;`,
        `      }`,
        `    }`,
        `    return total > 10 ? total : this.items.filter((v) => v % 2 === 0).length;`,
        `  }`,
      );
    }
    out.push(`}`, '', `export function helper${c}(a: number, b: number): number {`, `  return a && b ? a + b : a - b;`, `}`, '');
  }
  return out.join('\n') + '\n';
}

/** Lines a one-line edit can touch without breaking the syntax: statements inside function bodies. */
function editableLines(text: string): number[] {
  const ls = text.split('\n');
  const out: number[] = [];
  ls.forEach((l, i) => {
    if (/^\s{4,}(?:return|const|let)\b.*;$/.test(l) && !l.includes('//')) out.push(i);
  });
  if (out.length === 0) throw new Error('no line to edit in the bench sample');
  return out;
}

/** Attempt `k`'s text: one statement near the middle of the file with a comment appended. */
function attemptText(text: string, lines: number[], k: number): string {
  const ls = text.split('\n');
  const at = lines[(Math.floor(lines.length / 2) + k) % lines.length]!;
  ls[at] = `${ls[at]} // attempt ${k}`;
  return ls.join('\n');
}

export default async function bench(): Promise<BenchRow[]> {
  const { text, label } = sample();
  const lineCount = text.split('\n').length;
  const parser = await parserFor('typescript');
  const reference = { name: `tree-sitter full parse, ${lineCount} lines`, ms: await median(() => parser.parse(text)!.delete(), 15, 3) };

  const gates: AnyGate[] = [syntaxGate, ...createRuleGates()];
  const times = new Map<string, number[]>(gates.map((g) => [g.name, []]));
  const whole: number[] = [];
  const lines = editableLines(text);
  for (let k = 0; k < WARMUP + ATTEMPTS; k++) {
    // A whole-file write, so the truncation rule does its full work too.
    const file: CandidateFile = {
      path: 'src/types.ts',
      language: 'typescript',
      before: text,
      after: attemptText(text, lines, k),
      wholeFileWrite: true,
    };
    let sum = 0;
    for (const gate of gates) {
      const started = performance.now();
      await gate.check([file], { ...ctx, settings: gate.settings.parse(ctx.settings) });
      const ms = performance.now() - started;
      sum += ms;
      if (k >= WARMUP) times.get(gate.name)!.push(ms);
    }
    if (k >= WARMUP) whole.push(sum);
  }
  const mid = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rows: BenchRow[] = gates.map((g) => ({
    name: `${g.name}, one-line edit, warm`,
    ms: mid(times.get(g.name)!),
    reference,
    note: `${label}; max ${Math.max(...times.get(g.name)!).toFixed(1)} ms of ${ATTEMPTS} attempts`,
  }));
  rows.push({ name: 'syntax gate + all rules, one-line edit, warm', ms: mid(whole), reference, note: label });
  return rows;
}
