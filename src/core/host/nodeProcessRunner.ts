import { spawn } from 'node:child_process';
import type { ProcessResult, ProcessRunner } from '../ports';

export interface NodeProcessRunnerOptions {
  /** Bytes kept per stream; past it the middle is dropped (heads name the run, tails hold summaries). */
  maxOutputBytes?: number;
  /**
   * Kill what is left of the process group once the main process exits: a test suite that forks
   * a server and forgets it must not outlive the gate.
   */
  killGroupOnExit?: boolean;
}

/**
 * ProcessRunner on node:child_process. Each command runs in its own process group (`detached`),
 * so a timeout or an abort kills the whole tree with one `kill(-pid)`, not only the shell that
 * started it. Output is capped in memory. The pid of the last process started is kept for tests
 * that check nothing is left running.
 */
export class NodeProcessRunner implements ProcessRunner {
  private readonly maxOutputBytes: number;
  private readonly killGroupOnExit: boolean;
  /** Process group ids of every command started, newest last (bounded). */
  readonly startedPids: number[] = [];

  constructor(options: NodeProcessRunnerOptions = {}) {
    this.maxOutputBytes = options.maxOutputBytes ?? 2 * 1024 * 1024;
    this.killGroupOnExit = options.killGroupOnExit ?? true;
  }

  run(command: string, options: Parameters<ProcessRunner['run']>[1]): Promise<ProcessResult> {
    const started = performance.now();
    return new Promise<ProcessResult>((resolve, reject) => {
      if (options.signal?.aborted) {
        resolve({ exitCode: null, signal: 'SIGKILL', stdout: '', stderr: 'Cancelled before start.', timedOut: false, durationMs: 0 });
        return;
      }
      const child = spawn(command, options.args ?? [], {
        cwd: options.cwd,
        env: withoutVariables({ ...process.env, ...(options.env ?? {}) }, options.unsetEnv ?? []),
        shell: options.shell ?? options.args === undefined,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
      const pid = child.pid;
      if (pid !== undefined) {
        this.startedPids.push(pid);
        if (this.startedPids.length > 100) this.startedPids.shift();
      }
      const stdout = new CappedBuffer(this.maxOutputBytes);
      const stderr = new CappedBuffer(this.maxOutputBytes);
      child.stdout.on('data', (b: Buffer) => stdout.push(b));
      child.stderr.on('data', (b: Buffer) => stderr.push(b));
      child.stdin.on('error', () => {}); // a command that never reads stdin closes it early
      child.stdin.end(options.stdin ?? '');

      let timedOut = false;
      let settled = false;
      const killGroup = (): void => {
        if (pid === undefined) return;
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          try {
            child.kill('SIGKILL');
          } catch {
            // already gone
          }
        }
      };
      const timer = setTimeout(
        () => {
          timedOut = true;
          killGroup();
        },
        Math.max(1, options.timeoutMs),
      );
      const onAbort = (): void => killGroup();
      options.signal?.addEventListener('abort', onAbort, { once: true });

      child.on('exit', () => {
        // Descendants may still hold the pipes open; without this 'close' would wait for them.
        if (this.killGroupOnExit) killGroup();
      });
      child.on('error', (err) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        reject(new Error(`Could not start "${command}": ${err.message}`));
      });
      child.on('close', (code, signal) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve({
          exitCode: code,
          signal: signal ?? null,
          stdout: stdout.text(),
          stderr: stderr.text(),
          timedOut,
          durationMs: performance.now() - started,
        });
      });
    });
  }
}

function withoutVariables(env: NodeJS.ProcessEnv, names: readonly string[]): NodeJS.ProcessEnv {
  for (const name of names) delete env[name];
  return env;
}

/** Keeps the first quarter and the newest rest of a stream, dropping the middle past the cap. */
class CappedBuffer {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;

  constructor(private readonly cap: number) {}

  push(b: Buffer): void {
    const headCap = Math.floor(this.cap / 4);
    if (this.headBytes < headCap) {
      const take = b.subarray(0, headCap - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      b = b.subarray(take.length);
      if (b.length === 0) return;
    }
    this.tail.push(b);
    this.tailBytes += b.length;
    const tailCap = this.cap - headCap;
    while (this.tailBytes > tailCap && this.tail.length > 0) {
      const first = this.tail[0]!;
      const over = this.tailBytes - tailCap;
      if (first.length <= over) {
        this.tail.shift();
        this.tailBytes -= first.length;
        this.dropped += first.length;
      } else {
        this.tail[0] = first.subarray(over);
        this.tailBytes -= over;
        this.dropped += over;
      }
    }
  }

  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    return this.dropped > 0 ? `${head}\n[... ${this.dropped} bytes omitted ...]\n${tail}` : head + tail;
  }
}
