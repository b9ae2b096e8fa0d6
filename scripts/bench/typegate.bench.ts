/**
 * The TypeScript type gate on a real project: this repository's own src/ (about 160 files), copied
 * to a temp folder with a tsconfig of its own and node_modules linked, so edits never touch the
 * checkout. Measures the cold first check (LanguageService created, lib and sources parsed and
 * checked), the warm check after a small edit (the service kept, the "before" diagnostics cached,
 * as in a repair round), and the same for an edit to a file most of the project imports (every
 * importer is re-checked), each beside `tsc --noEmit -p` on the same project in the same run.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NodeWorkspaceFiles } from '../../src/core/host/nodeWorkspaceFiles';
import { silentLogger } from '../../src/core/ports';
import type { CandidateFile, GateContext } from '../../src/core/validate/gate';
import { disposeTsProjects } from '../../src/core/validate/tsServices';
import { createTypeScriptGate } from '../../src/core/validate/typescript';
import { median, type BenchRow } from '../bench';
import { parseGateSettings } from '../../src/core/validate/gateSettings';

const REPO = path.join(__dirname, '..', '..');
/** A leaf-ish module (few importers) and a hub (imported by most of the core). */
const LEAF = 'src/core/validate/classify.ts';
const HUB = 'src/core/findings.ts';

export default async function typegateBench(): Promise<BenchRow[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'rg-typegate-bench-'));
  try {
    cpSync(path.join(REPO, 'src'), path.join(root, 'src'), { recursive: true });
    symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    const repoConfig = JSON.parse(readFileSync(path.join(REPO, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    writeFileSync(
      path.join(root, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { ...repoConfig.compilerOptions, types: ['node'] }, include: ['src'] }, null, 2),
    );
    const fileCount = countTs(path.join(root, 'src'));

    const tscBin = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const tsc = await median(
      () => {
        try {
          execFileSync(process.execPath, [tscBin, '--noEmit', '-p', root], { stdio: 'ignore' });
        } catch {
          // Work in progress elsewhere may leave type errors: tsc exits non-zero, the time still counts.
        }
      },
      3,
      1,
    );
    const reference = { name: `tsc --noEmit -p (TypeScript 6, ${fileCount} files)`, ms: tsc };

    const ctx: GateContext = {
      files: new NodeWorkspaceFiles(root),
      logger: silentLogger,
      instruction: 'bench',
      trusted: true,
      settings: parseGateSettings(),
    };
    const text = (rel: string): string => readFileSync(path.join(root, rel), 'utf8');
    let n = 0;
    // Alternate two small edits so each check sees a new overlay, as each repair attempt does.
    const edit = (rel: string): CandidateFile => {
      const before = text(rel);
      return { path: rel, language: 'typescript', before, after: `${before}\nexport const benchEdit${n++ % 2} = ${n};\n` };
    };

    const cold = await median(
      async () => {
        disposeTsProjects();
        await createTypeScriptGate().check([edit(LEAF)], ctx);
      },
      3,
      0,
    );

    disposeTsProjects();
    const gate = createTypeScriptGate();
    const warmLeaf = await median(() => gate.check([edit(LEAF)], ctx), 7, 2);
    const warmHub = await median(() => gate.check([edit(HUB)], ctx), 5, 2);
    disposeTsProjects();

    return [
      { name: 'type gate: cold first check (service created, before + after)', ms: cold, reference },
      { name: `type gate: warm, small edit to ${path.basename(LEAF)}`, ms: warmLeaf, reference, note: 'service kept, before cached' },
      {
        name: `type gate: warm, small edit to ${path.basename(HUB)} (importers re-checked)`,
        ms: warmHub,
        reference,
        note: 'service kept, before cached',
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function countTs(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) n += countTs(path.join(dir, e.name));
    else if (/\.tsx?$/.test(e.name)) n++;
  }
  return n;
}
