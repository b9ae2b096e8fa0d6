import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CoverageResult, CoverageSetup, ToolOptions } from './lineCoverage';
import { SITECUSTOMIZE_PY } from './sitecustomize.py';

/**
 * Line coverage of Python with coverage.py, an optional module of the interpreter the tests use.
 * The project's command picks its own python and cannot be wrapped, so a sitecustomize.py first
 * on PYTHONPATH starts coverage.py in every python process (sitecustomize.py.ts) and writes what
 * each measured into out/ here. A python run with -S, -E or -I reads no PYTHONPATH and is not
 * measured; nor is a process that ends by os._exit (a multiprocessing worker), which skips atexit.
 */

interface FileReport {
  executed?: number[];
  statements?: number[];
  ranFunctionBody?: boolean;
  reason?: string;
}
interface ProcessReport {
  files?: Record<string, FileReport>;
  /** Why this process measured nothing, or not everything (coverage.py missing, another measurement). */
  reason?: string;
}

export async function preparePython(opts: ToolOptions): Promise<CoverageSetup> {
  await fs.writeFile(path.join(opts.dir, 'sitecustomize.py'), SITECUSTOMIZE_PY);
  await fs.writeFile(path.join(opts.dir, 'config.json'), JSON.stringify({ roots: opts.roots, files: opts.files.map((f) => f.path) }));
  // The caller prepends this to any PYTHONPATH of its own (see CoverageSetup.env).
  return { env: { PYTHONPATH: opts.dir }, collect: () => collectPython(opts) };
}

async function collectPython(opts: ToolOptions): Promise<CoverageResult> {
  const result: CoverageResult = { files: new Map(), unmeasured: new Map() };
  const reports = await readReports(path.join(opts.dir, 'out'));
  if (reports.length === 0) {
    for (const f of opts.files) {
      result.unmeasured.set(f.path, 'no python process ran with coverage (none started, or it ignored PYTHONPATH)');
    }
    return result;
  }
  // A process that could not measure (no coverage.py, its lines taken by another measurement) may
  // have run any of the files: what the others saw is then no proof of what did not run.
  const processReason = reports.find((r) => r.reason)?.reason;
  for (const f of opts.files) {
    const seen = reports.map((r) => r.files?.[f.path]).filter((r) => r !== undefined);
    const measured = seen.filter((r) => r.reason === undefined);
    if (processReason || measured.length === 0) {
      result.unmeasured.set(f.path, processReason ?? seen.find((r) => r.reason)?.reason ?? 'no python process found it in the sandbox');
      continue;
    }
    const statements = new Set(measured.flatMap((r) => r.statements ?? []));
    result.files.set(f.path, {
      tool: 'coverage.py',
      executed: new Set(measured.flatMap((r) => r.executed ?? []).filter((n) => statements.has(n))),
      executable: statements,
      ranFunctionBody: measured.some((r) => r.ranFunctionBody === true),
    });
  }
  return result;
}

async function readReports(dir: string): Promise<ProcessReport[]> {
  const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
  const reports: ProcessReport[] = [];
  for (const name of names) {
    try {
      const report = JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')) as unknown;
      if (report && typeof report === 'object') reports.push(report as ProcessReport);
    } catch {
      // renamed into place whole, so only a foreign file fails here
    }
  }
  return reports;
}
