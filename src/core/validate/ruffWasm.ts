/**
 * Ruff (Python parser and linter) as wasm, loaded once on first use. Shared by the syntax gate
 * (Python syntax errors) and the semantic lint gate (F and E9 rules, configurable), so the 85-145 ms
 * load is paid once per process.
 *
 * In an esbuild bundle the package reads `ruff_wasm_bg.wasm` from the bundle's own folder
 * (`${__dirname}/ruff_wasm_bg.wasm`), so the build must copy `ruffWasmFile()` into dist/.
 */
import * as path from 'node:path';
import { errorLine } from '../errorLine';

type RuffModule = typeof import('@astral-sh/ruff-wasm-nodejs');
type RuffWorkspace = InstanceType<RuffModule['Workspace']>;

/** One ruff diagnostic, positions 1-based as ruff reports them, columns in UTF-16 code units. */
export interface RuffDiagnostic {
  /** A rule code such as 'F821', or 'invalid-syntax' for a parse error. */
  code: string;
  message: string;
  row: number;
  column: number;
  endRow: number;
  endColumn: number;
  /** True when ruff offers a fix for it. */
  fixable: boolean;
}

export interface RuffCheckOptions {
  /** Rule selectors ('F', 'E9', 'F401'). Empty: syntax errors only. Undefined: ruff's defaults. */
  select?: readonly string[];
  ignore?: readonly string[];
  /** Python version whose grammar applies, e.g. 'py311'. Default: the newest ruff knows (py314). */
  targetVersion?: string;
}

/** Newest grammar by default, so valid modern code (PEP 695/696, t-strings) is never flagged. */
export const DEFAULT_TARGET_VERSION = 'py314';

/** The code ruff gives every parse error and every "semantic syntax error". */
export const RUFF_SYNTAX_CODE = 'invalid-syntax';

let ruff: RuffModule | undefined;
const workspaces = new Map<string, RuffWorkspace>();

function loadRuff(): RuffModule {
  if (!ruff) {
    try {
      // Required lazily: the package reads and instantiates its wasm synchronously on require.
      ruff = require('@astral-sh/ruff-wasm-nodejs') as RuffModule;
    } catch (err) {
      throw new Error(`Could not load ruff (wasm): ${errorLine(err)}`);
    }
  }
  return ruff;
}

/** Absolute path of ruff's wasm file in node_modules, for the build script to copy next to the bundle. */
export function ruffWasmFile(): string {
  return path.join(path.dirname(require.resolve('@astral-sh/ruff-wasm-nodejs')), 'ruff_wasm_bg.wasm');
}

/** The ruff version in use, e.g. '0.17.3'. */
export function ruffVersion(): string {
  return loadRuff().Workspace.version();
}

function workspaceFor(options: RuffCheckOptions): RuffWorkspace {
  const settings: Record<string, unknown> = { 'target-version': options.targetVersion ?? DEFAULT_TARGET_VERSION };
  const lint: Record<string, unknown> = {};
  if (options.select) lint.select = [...options.select];
  if (options.ignore) lint.ignore = [...options.ignore];
  settings.lint = lint;
  const key = JSON.stringify(settings);
  let ws = workspaces.get(key);
  if (!ws) {
    const mod = loadRuff();
    try {
      ws = new mod.Workspace(settings, mod.PositionEncoding.Utf16);
    } catch (err) {
      throw new Error(`Invalid ruff settings: ${errorLine(err)}`);
    }
    workspaces.set(key, ws);
  }
  return ws;
}

/** Lints one Python source text (no file system, no config file lookup). */
export async function ruffCheck(source: string, options: RuffCheckOptions = {}): Promise<RuffDiagnostic[]> {
  const ws = workspaceFor(options);
  const raw = ws.check(source) as RawDiagnostic[];
  return raw.map((d) => ({
    code: d.code ?? RUFF_SYNTAX_CODE,
    message: d.message,
    row: d.start_location.row,
    column: d.start_location.column,
    endRow: d.end_location.row,
    endColumn: d.end_location.column,
    fixable: d.fix !== null && d.fix !== undefined,
  }));
}

interface RawDiagnostic {
  code: string | null;
  message: string;
  start_location: { row: number; column: number };
  end_location: { row: number; column: number };
  fix: unknown;
}
