import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/**
 * The CLI as users run it: bin/refactor-guard.js over the dist/cli.js bundle. RG_TEST_CLI points
 * the process tests at another build (an older release's dist/cli.js, to see them fail there).
 */
const OTHER_CLI = process.env.RG_TEST_CLI;
export const CLI = OTHER_CLI ?? join(ROOT, 'bin', 'refactor-guard.js');

let checked = false;

/**
 * Rebuilds dist/ when a source file is newer than the bundle, so process-level tests never run
 * yesterday's CLI against today's code (CI builds it in `npm ci`; a local edit may not have).
 */
export function ensureBuiltCli(): void {
  if (checked || OTHER_CLI) return;
  checked = true;
  const bundle = join(ROOT, 'dist', 'cli.js');
  const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  if (built > 0 && newestIn(join(ROOT, 'src')) <= built) return;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`The build failed: ${r.stderr.slice(-2000)}`);
}

function newestIn(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    newest = Math.max(newest, name.isDirectory() ? newestIn(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI; the caller must wait for it or kill it (by its pid). */
export function startCli(args: readonly string[], env: Record<string, string | undefined> = {}): ChildProcess {
  return spawn(
    process.execPath,
    OTHER_CLI
      ? ['-e', `require(${JSON.stringify(OTHER_CLI)}).main(process.argv.slice(1)).then((c) => (process.exitCode = c))`, '--', ...args]
      : [CLI, ...args],
    { env: { ...process.env, ANTHROPIC_API_KEY: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** Waits for a started CLI to end, killing it past `timeoutMs` so that a hang fails the test. */
export function finished(child: ChildProcess, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs the CLI to its end. */
export function runCli(args: readonly string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<CliResult> {
  return finished(startCli(args, env), timeoutMs);
}
