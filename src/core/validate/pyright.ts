import { createHash } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../findings';
import { throwIfAborted } from '../ports';
import type { CandidateFile, Gate, GateContext, GateResult } from './gate';
import { settingsSlice, type SettingsOf } from './gateSettings';
import { classify } from './classify';
import { markIntroducedThroughEdit } from './introduced';
import { crashFinding, excerptAt } from './gateSupport';
import { errorLine } from '../errorLine';
import { collapseWhitespace } from '../text';
import { Sandbox, SandboxError, scanWorkspace } from './sandbox';

type RawFinding = Omit<Finding, 'introduced'>;

const PYTHON_FILES = /(?:\.pyi?|(?:^|\/)(?:pyproject\.toml|pyrightconfig\.json|setup\.cfg|py\.typed))$/;
const MAX_IMPORTERS = 50;
/** One pyright run over the changed files and their importers; the pipeline's gate timeout bounds the whole gate. */
const PYRIGHT_TIMEOUT_MS = 60_000;

const PYRIGHT_GATE_SETTINGS = settingsSlice('pyrightPath', 'pythonVersion');
type PyrightSettings = SettingsOf<typeof PYRIGHT_GATE_SETTINGS>;

/**
 * pyright, when it is installed (on PATH, or `pyrightPath` in the settings); off otherwise. pyright
 * reads files, not text (its `-` argument is a list of file names), so the gate copies the
 * workspace's Python files into a temp folder with the same layout, checks the changed files and
 * the files that import them there, writes the candidate in, and checks again.
 *
 * Settings: `pyrightPath`, `pythonVersion`.
 */
export class PyrightGate implements Gate<PyrightSettings> {
  readonly name = 'pyright';
  readonly stage = 'semantic';
  readonly settings = PYRIGHT_GATE_SETTINGS;
  private readonly beforeCache = new Map<string, Map<string, RawFinding[]>>();

  async check(files: readonly CandidateFile[], ctx: GateContext<PyrightSettings>): Promise<GateResult> {
    const started = performance.now();
    const done = (findings: Finding[], skipped?: string): GateResult => ({
      gate: this.name,
      findings,
      durationMs: performance.now() - started,
      ...(skipped ? { skipped } : {}),
    });
    const python = files.filter((f) => f.language === 'python');
    if (python.length === 0) return done([], 'no Python files');
    const exe = await findPyright(ctx.settings.pyrightPath);
    if (!exe) return done([], 'pyright not found');
    if (!ctx.processes) return done([], 'no process runner');
    // pyright runs the interpreter a project's config names to find its search paths.
    if (!ctx.trusted) return done([], 'workspace is not trusted');

    let sandbox: Sandbox | undefined;
    try {
      const scan = await scanWorkspace(ctx.files.root, {
        fileFilter: (rel) => PYTHON_FILES.test(rel),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      sandbox = await Sandbox.create(scan, ctx.signal);
      const changed = python.map((f) => f.path);
      const importers = await findImporters(
        sandbox.root,
        scan.entries.filter((e) => e.kind === 'file' && /\.pyi?$/.test(e.rel)).map((e) => e.rel),
        changed,
      );
      const key = createHash('sha256')
        .update(scan.fingerprint)
        .update(JSON.stringify(python.map((f) => [f.path, f.before ?? null])))
        .digest('hex');

      let before = this.beforeCache.get(key);
      if (!before) {
        // The copy holds the disk's texts; the candidate's "before" wins where they differ.
        await sandbox.writeCandidate(python.map((f) => ({ ...f, after: f.before })));
        before = await this.run(exe, sandbox.root, [...changed, ...importers], ctx);
        this.beforeCache.set(key, before);
        while (this.beforeCache.size > 8) this.beforeCache.delete(this.beforeCache.keys().next().value!);
      }
      throwIfAborted(ctx.signal);
      await sandbox.writeCandidate(python);
      const afterTargets = [...python.filter((f) => f.after !== undefined).map((f) => f.path), ...importers];
      const after = await this.run(exe, sandbox.root, afterTargets, ctx);
      const findings: Finding[] = [];
      const byPath = new Map(python.map((f) => [f.path, f]));
      for (const [file, list] of after)
        findings.push(...markIntroducedThroughEdit(before.get(file) ?? [], list, byPath.get(file)?.before, byPath.get(file)?.after));
      return done(findings);
    } catch (err) {
      throwIfAborted(ctx.signal);
      if (err instanceof SandboxError)
        return done(
          [{ ...crashFinding(this.name, python[0]!.path, err.message), severity: 'warning' }],
          'workspace too large for the sandbox',
        );
      return done([crashFinding(this.name, python[0]!.path, `pyright failed: ${errorLine(err)}`)]);
    } finally {
      await sandbox?.dispose().catch(() => {});
    }
  }

  /** Runs pyright on `targets` in the copy; findings grouped by workspace-relative file. */
  private async run(exe: string, root: string, targets: string[], ctx: GateContext<PyrightSettings>): Promise<Map<string, RawFinding[]>> {
    const timeoutMs = PYRIGHT_TIMEOUT_MS;
    const existing: string[] = [];
    for (const t of new Set(targets)) if (await exists(path.join(root, t))) existing.push(t);
    const out = new Map<string, RawFinding[]>();
    if (existing.length === 0) return out;
    const result = await ctx.processes!.run(exe, {
      cwd: root,
      timeoutMs,
      args: ['--outputjson', ...existing],
      shell: false,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    throwIfAborted(ctx.signal);
    if (result.timedOut) throw new Error(`it did not finish within ${Math.round(timeoutMs / 1000)} s`);
    let report: PyrightReport;
    try {
      report = JSON.parse(result.stdout) as PyrightReport;
    } catch {
      throw new Error(`exit code ${result.exitCode}: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`);
    }
    const texts = new Map<string, string>();
    for (const d of report.generalDiagnostics ?? []) {
      if (d.severity !== 'error' && d.severity !== 'warning') continue;
      const rel = path.relative(root, d.file).split(path.sep).join('/');
      if (rel.startsWith('..')) continue;
      if (!texts.has(rel)) texts.set(rel, await fs.readFile(path.join(root, rel), 'utf8').catch(() => ''));
      const line = (d.range?.start.line ?? 0) + 1;
      const code = d.rule ?? '';
      const list = out.get(rel) ?? [];
      list.push({
        tool: 'pyright',
        code,
        category: classify('pyright', code, d.message),
        severity: d.severity,
        file: rel,
        line,
        column: (d.range?.start.character ?? 0) + 1,
        message: collapseWhitespace(d.message),
        excerpt: excerptAt(texts.get(rel)!, line),
      });
      out.set(rel, list);
    }
    return out;
  }

  dispose(): void {
    this.beforeCache.clear();
  }
}

export function createPyrightGate(): PyrightGate {
  return new PyrightGate();
}

interface PyrightReport {
  generalDiagnostics?: {
    file: string;
    severity: 'error' | 'warning' | 'information';
    message: string;
    rule?: string;
    range?: { start: { line: number; character: number } };
  }[];
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

/** The pyright executable: the setting (a path or a name on PATH), else `pyright` on PATH. */
export async function findPyright(setting: string): Promise<string | undefined> {
  const name = setting || 'pyright';
  if (name.includes('/') || name.includes('\\')) return (await isExecutable(name)) ? name : undefined;
  const names = process.platform === 'win32' ? [`${name}.cmd`, `${name}.exe`, name] : [name];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const n of names) {
      const candidate = path.join(dir, n);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

async function isExecutable(p: string): Promise<boolean> {
  try {
    await fs.access(p, constants.X_OK);
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

/**
 * Python files that import one of the changed modules, by their import lines: `import a.b`,
 * `from a.b import c`, `from .b import c`, `from . import b`. A text match on the module's last
 * name, then a look at the statement, bounded to MAX_IMPORTERS files.
 */
async function findImporters(root: string, pythonFiles: string[], changed: string[]): Promise<string[]> {
  const stems = changed.map((c) => {
    const base = path.posix.basename(c).replace(/\.pyi?$/, '');
    return base === '__init__' ? path.posix.basename(path.posix.dirname(c)) : base;
  });
  const changedSet = new Set(changed);
  const found: string[] = [];
  for (const rel of pythonFiles) {
    if (found.length >= MAX_IMPORTERS) break;
    if (changedSet.has(rel)) continue;
    const text = await fs.readFile(path.join(root, rel), 'utf8').catch(() => '');
    const hit = stems.some((stem) => {
      if (!stem || !text.includes(stem)) return false;
      const s = stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return new RegExp(
        `^\\s*(?:from\\s+[\\w.]*\\b${s}\\b[\\w.]*\\s+import\\b|import\\s+[\\w., ]*\\b${s}\\b|from\\s+\\.+\\s+import\\s+[\\w, ()]*\\b${s}\\b)`,
        'm',
      ).test(text);
    });
    if (hit) found.push(rel);
  }
  return found;
}
