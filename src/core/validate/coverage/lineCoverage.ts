import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { preparePython } from './pythonCoverage';
import { prepareV8 } from './v8Coverage';

/**
 * Which lines of the candidate files a test run executed. The test gate runs the project's own
 * command, which we cannot wrap; so coverage is switched on through the environment every process
 * inherits (NODE_V8_COVERAGE for node, a sitecustomize on PYTHONPATH for python), and read back
 * from a scratch folder inside the sandbox once the command is over.
 */

export type CoverageTool = 'v8' | 'coverage.py';

export interface FileCoverage {
  tool: CoverageTool;
  /** 1-based line numbers that executed at least once. */
  executed: ReadonlySet<number>;
  /** 1-based lines that can execute (statements/code lines), where the tool knows; else undefined. */
  executable?: ReadonlySet<number>;
  /** For a test file: whether a line inside a function body of it executed (a test callback ran). */
  ranFunctionBody: boolean;
}

export interface CoverageResult {
  /** Workspace-relative paths (forward slashes) of the files asked about that were measured. */
  files: Map<string, FileCoverage>;
  /** Files asked about that could not be measured, each with a one-line reason. */
  unmeasured: Map<string, string>;
}

export interface CoverageSetup {
  /**
   * Environment variables to add to the test command's environment. PYTHONPATH, when present, is
   * our folder alone: a caller that also sets PYTHONPATH must prepend this value to its own
   * (`${ours}${path.delimiter}${theirs}`), since only the first sitecustomize on the path is run.
   */
  env: Record<string, string>;
  /** After the command ended: read what it wrote, then remove its scratch files. */
  collect(): Promise<CoverageResult>;
}

/** A file asked about, as the tool modules see it. */
export interface CoverageFile {
  /** Workspace-relative, forward slashes. */
  path: string;
  /** Absolute path in the sandbox. */
  abs: string;
  /** Its text after the patch. */
  text: string;
}

/** What each tool module is given: its own scratch folder and the sandbox's spellings. */
export interface ToolOptions {
  /** A folder of its own inside the sandbox, created empty; removed by the entry point. */
  dir: string;
  /** The sandbox folder's spellings, the given one first. */
  roots: readonly string[];
  files: readonly CoverageFile[];
  /** Workspace-relative path (forward slashes) of an absolute one under any root, else undefined. */
  relative(abs: string): string | undefined;
}

/** Inside the sandbox, because under bubblewrap it is the only folder we can read back. */
export const SCRATCH_FOLDER = '.refactor-guard-coverage';

const V8_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts']);

/**
 * sandboxRoot: the sandbox copy's folder on disk (the test command runs there; under bubblewrap it
 * is bound at the same path); aliases: other spellings of that folder a process may report (its
 * realpath, the non-real path), all made relative; files: the candidate files, workspace-relative,
 * with their text after the patch. Each file goes to a tool by its extension: JavaScript (and
 * TypeScript run with a source map) to V8, .py to coverage.py; others are unmeasured.
 */
export async function prepareCoverage(opts: {
  sandboxRoot: string;
  aliases?: readonly string[];
  files: readonly { path: string; text: string }[];
}): Promise<CoverageSetup> {
  const real = await fs.realpath(opts.sandboxRoot).catch(() => opts.sandboxRoot);
  const roots = [...new Set([opts.sandboxRoot, ...(opts.aliases ?? []), real].map((r) => path.resolve(r)))];
  const relative = (abs: string): string | undefined => {
    for (const root of roots) {
      const rel = path.relative(root, abs);
      if (rel && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
    }
    return undefined;
  };
  const unmeasured = new Map<string, string>();
  const v8: CoverageFile[] = [];
  const python: CoverageFile[] = [];
  for (const f of opts.files) {
    const file = { path: f.path, abs: path.join(opts.sandboxRoot, f.path), text: f.text };
    const ext = path.extname(f.path).toLowerCase();
    if (V8_EXTENSIONS.has(ext)) v8.push(file);
    else if (ext === '.py') python.push(file);
    else unmeasured.set(f.path, 'no coverage tool for this language');
  }

  const scratch = path.join(opts.sandboxRoot, SCRATCH_FOLDER);
  await fs.rm(scratch, { recursive: true, force: true });
  const tool = async (name: string, files: CoverageFile[], prepare: (o: ToolOptions) => Promise<CoverageSetup>) => {
    if (files.length === 0) return undefined;
    const dir = path.join(scratch, name);
    await fs.mkdir(dir, { recursive: true });
    return prepare({ dir, roots, files, relative });
  };
  const setups = [await tool('v8', v8, prepareV8), await tool('python', python, preparePython)].filter((s) => s !== undefined);

  return {
    env: Object.assign({}, ...setups.map((s) => s.env)) as Record<string, string>,
    async collect() {
      try {
        const result: CoverageResult = { files: new Map(), unmeasured };
        for (const part of await Promise.all(setups.map((s) => s.collect()))) {
          for (const [p, c] of part.files) result.files.set(p, c);
          for (const [p, why] of part.unmeasured) result.unmeasured.set(p, why);
        }
        return result;
      } finally {
        await fs.rm(scratch, { recursive: true, force: true, maxRetries: 3 });
      }
    },
  };
}
