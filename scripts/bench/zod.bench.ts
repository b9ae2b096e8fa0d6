/**
 * The gates and a whole run on a big real project: zod 3's own sources (src/v3 without its tests
 * and benchmarks: 13 files, types.ts 5.1k lines), from the registry as the `zod3` dev dependency,
 * copied to a temp folder with a strict tsconfig of its own. Every row stands beside `tsc --noEmit`
 * of the same project measured in the same run (TypeScript 6, and TypeScript 7 where the row is
 * about the native checker), because only the ratio means something on a noisy machine.
 *
 * - type gate, cold: the first check of a run in a fresh engine (no warm checker, no "before").
 * - type gate / all gates, warm: after a one-line edit to types.ts, "before" cached, as in a repair.
 * - warm attempt: one repair attempt of a replayed run, from the model's (replayed) reply to the
 *   end of its gates: apply the edit, build the candidate, every gate.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NodeWorkspaceFiles } from '../../src/core/host/nodeWorkspaceFiles';
import { runRefactor } from '../../src/core/loop/runRefactor';
import type { Transcript } from '../../src/core/models/replay';
import { ReplayProvider } from '../../src/core/models/replay';
import { silentLogger } from '../../src/core/ports';
import { StoreKey } from '../../src/core/provenance/key';
import { ProvenanceStore } from '../../src/core/provenance/store';
import { readSettings } from '../../src/core/settings';
import type { CandidateFile, GateContext } from '../../src/core/validate/gate';
import { parseGateSettings } from '../../src/core/validate/gateSettings';
import { createGates, disposeTsProjects, runGates } from '../../src/core/validate/pipeline';
import { disposeNative, loadNativeApi, nativeExecutable, NativeUnavailable } from '../../src/core/validate/tsNative';
import { createTypeScriptGate } from '../../src/core/validate/typescript';
import { median, type BenchRow } from '../bench';

const REPO = path.join(__dirname, '..', '..');
const TYPES = 'src/v3/types.ts';
/** A line types.ts has once, near its top: each edit adds or rewrites the line before it. */
const ANCHOR = 'export interface RefinementCtx {';

export default async function zodBench(): Promise<BenchRow[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'rg-zod-bench-'));
  try {
    cpSync(path.join(REPO, 'node_modules', 'zod3', 'src', 'v3'), path.join(root, 'src', 'v3'), {
      recursive: true,
      filter: (src) => !/[\\/](tests|benchmarks)$/.test(src),
    });
    writeFileSync(
      path.join(root, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          module: 'esnext',
          moduleResolution: 'bundler',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        include: ['src'],
      }),
    );
    const tsc = (pkg: string): number => {
      try {
        execFileSync(process.execPath, [path.join(REPO, 'node_modules', pkg, 'bin', 'tsc'), '--noEmit', '-p', root], { stdio: 'ignore' });
      } catch {
        throw new Error(`tsc (${pkg}) found errors in zod 3's sources; the bench needs a clean project`);
      }
      return 0;
    };
    const tsc6 = { name: 'tsc --noEmit (TypeScript 6.0.3)', ms: await median(() => tsc('typescript'), 5, 1) };
    const tsc7 = { name: 'tsc --noEmit (TypeScript 7.0.2)', ms: await median(() => tsc('typescript7'), 5, 1) };

    const before = readFileSync(path.join(root, TYPES), 'utf8');
    let n = 0;
    // A new one-line edit each time, as each repair attempt brings.
    const edit = (): CandidateFile[] => [
      { path: TYPES, language: 'typescript', before, after: before.replace(ANCHOR, `export const benchEdit = ${n++};\n${ANCHOR}`) },
    ];
    const ctx = (typeChecker: 'auto' | 'typescript6'): GateContext => ({
      files: new NodeWorkspaceFiles(root),
      logger: silentLogger,
      instruction: 'Tidy the error handling',
      trusted: true,
      settings: parseGateSettings({ typeChecker }),
    });
    const fresh = async (): Promise<void> => {
      disposeTsProjects();
      await disposeNative();
    };

    const rows: BenchRow[] = [];
    for (const [typeChecker, label, ref] of [
      ['auto', 'TypeScript 7 native', tsc7],
      ['typescript6', 'TypeScript 6 LanguageService', tsc6],
    ] as const) {
      const c = ctx(typeChecker);
      const cold = await median(
        async () => {
          await fresh();
          await createTypeScriptGate().check(edit(), c);
        },
        3,
        0,
      );
      await fresh();
      const gate = createTypeScriptGate();
      const warm = await median(() => gate.check(edit(), c), 7, 2);
      const checker = (await gate.check(edit(), c)).checker ?? '';
      rows.push(
        { name: `zod 3: type gate, cold first check (${label})`, ms: cold, reference: tsc6, note: checker },
        { name: `zod 3: type gate, warm, one-line edit to types.ts (${label})`, ms: warm, reference: tsc6, note: checker },
      );
      if (ref !== tsc6) rows.push({ name: `zod 3: type gate, warm (${label}) beside its own tsc`, ms: warm, reference: ref });
    }

    // The floor under every warm row: the native checker's own time (measured inside tsgo, no
    // transport, no gate) to check types.ts after the same one-line edit.
    rows.push({
      name: "zod 3: TypeScript 7's own time to check types.ts after a one-line edit (server side)",
      ms: await nativeFloor(root, before, () => n++),
      reference: tsc6,
      note: 'the floor the warm type gate stands on',
    });

    // Every gate a candidate meets there (syntax, types, lint, rules; no test command), warm.
    await fresh();
    const gates = createGates(readSettings({}));
    const c = ctx('auto');
    await runGates(gates, edit(), c);
    // Each gate's own time, so the row says where the time goes (rules summed).
    const perGate = new Map<string, number[]>();
    let calls = 0;
    const warmGates = await median(
      async () => {
        const run = new Map<string, number>();
        for (const r of await runGates(gates, edit(), c)) {
          if (r.skipped) continue;
          const name = r.gate.startsWith('rule:') ? 'rules' : r.gate;
          run.set(name, (run.get(name) ?? 0) + r.durationMs);
        }
        // The first two calls are median()'s warm-up: left out here as they are there.
        if (calls++ >= 2) for (const [name, ms] of run) perGate.set(name, [...(perGate.get(name) ?? []), ms]);
      },
      7,
      2,
    );
    const mid = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    rows.push({
      name: 'zod 3: all gates, warm, one-line edit to types.ts',
      ms: warmGates,
      reference: tsc6,
      note: [...perGate].map(([g, xs]) => `${g} ${Math.round(mid(xs))}`).join(', ') + ' ms, medians',
    });

    // A replayed run of four attempts, each a one-line edit; attempts 2-4 are warm repairs.
    await fresh();
    const attempts = await warmAttempts(root);
    rows.push({
      name: 'zod 3: one warm repair attempt (reply applied, every gate)',
      ms: attempts,
      reference: tsc6,
      note: 'median of attempts 2-4 of a replayed run',
    });
    return rows;
  } finally {
    await disposeNative();
    disposeTsProjects();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Median server-side time of tsgo's semantic check of types.ts, each after a new one-line edit, in a fresh snapshot. */
async function nativeFloor(root: string, before: string, next: () => number): Promise<number> {
  const exe = nativeExecutable(root);
  if (exe instanceof NativeUnavailable) throw exe;
  const { API } = await loadNativeApi();
  const file = path.join(root, TYPES).split(path.sep).join('/');
  const config = path.join(root, 'tsconfig.json').split(path.sep).join('/');
  let text = before;
  const api = new API({ cwd: root, tsserverPath: exe, collectTiming: true, fs: { readFile: (f) => (f === file ? text : undefined) } });
  try {
    let snapshot = api.updateSnapshot({ openProjects: [config] });
    const times: number[] = [];
    for (let i = 0; i < 12; i++) {
      text = before.replace(ANCHOR, `export const benchEdit = ${next()};\n${ANCHOR}`);
      const fresh = api.updateSnapshot({ fileChanges: { changed: [file], created: [], deleted: [] } });
      snapshot.dispose();
      snapshot = fresh;
      const program = snapshot.getProject(config)!.program;
      api.resetTimingInfo();
      program.getSemanticDiagnostics(file);
      const check = api.getTimingInfo().recentRequests.find((r) => r.method === 'getSemanticDiagnostics');
      // The first two are warm-ups, as in median().
      if (i >= 2 && check?.serverTimeMs !== undefined) times.push(check.serverTimeMs);
    }
    snapshot.dispose();
    if (times.length === 0) throw new Error('tsgo reported no server-side timing');
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  } finally {
    api.close();
  }
}

/** Runs a replayed refactor whose first three candidates have a type error; the median time of its repair attempts. */
async function warmAttempts(root: string): Promise<number> {
  const line = (value: string): string => `const benchValue: number = ${value};\n`;
  const patch = (oldString: string, newString: string) => ({
    name: 'patch_file',
    input: { path: TYPES, old_string: oldString, new_string: newString },
  });
  const transcript = {
    model: 'bench',
    replies: [
      { phase: 'generate', toolCalls: [patch(ANCHOR, `${line('"one"')}${ANCHOR}`)] },
      { phase: 'repair', toolCalls: [patch(line('"one"'), line('"two"'))] },
      { phase: 'repair', toolCalls: [patch(line('"two"'), line('"three"'))] },
      { phase: 'repair', toolCalls: [patch(line('"three"'), line('3'))] },
    ],
  } as unknown as Transcript;
  const store = await ProvenanceStore.open(path.join(root, '.refactor-guard'), {
    key: StoreKey.fromBytes(new Uint8Array(32).fill(3), 'bench'),
  });
  const settings = readSettings({ provider: 'replay', presets: { balanced: { repairRounds: 3 } } });
  const run = await runRefactor({
    instruction: 'Add a bench constant',
    targets: [{ path: TYPES }],
    settings,
    preset: 'balanced',
    provider: new ReplayProvider(transcript),
    files: new NodeWorkspaceFiles(root),
    store,
    trusted: true,
  });
  if (run.attempts.length !== 4 || run.status !== 'proposed')
    throw new Error(`the replayed zod run ended ${run.status} after ${run.attempts.length} attempt(s)`);
  const phases = run.timings.phases;
  const times: number[] = [];
  for (const k of [2, 3, 4]) {
    const start = phases.find((p) => p.name === `repair ${k}`)!;
    const end = phases.find((p) => p.name === `gates ${k}`)!;
    times.push(end.startMs + end.durationMs - start.startMs);
  }
  return times.sort((a, b) => a - b)[1]!;
}
