import { spawn } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');

export interface SourceCliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the process had to be killed at the deadline: a hang. */
  timedOut: boolean;
}

/**
 * The CLI from source (`node --import tsx src/cli/main.ts`) as a real process, for what only a
 * process shows: a read that blocks, a pipe closed under it. No build is needed, so a test never
 * runs a stale bundle; past `timeoutMs` it is killed and the result says so, so a hang fails the
 * test instead of hanging the suite.
 */
export function runSourceCli(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; timeoutMs?: number; closeStdout?: boolean } = {},
): Promise<SourceCliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, ANTHROPIC_API_KEY: '', REFACTOR_GUARD_DEBUG: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  // Our end of the pipe closed before the CLI writes a byte, as `| head -c 0` would.
  if (options.closeStdout) child.stdout.destroy();
  else child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}
