import { createInterface } from 'node:readline/promises';
import { CliError, EXIT } from './errors';

/**
 * All user interaction goes through this interface so tests swap in their own streams; the
 * command code never touches process.stdout directly.
 */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdin is a terminal a person can answer at. */
  interactive: boolean;
  /** Whether stderr is a terminal (progress is drawn only then). */
  errIsTty: boolean;
  ask(question: string): Promise<string>;
  /** Environment variables (the API key, the base URL). */
  env: Record<string, string | undefined>;
}

export function processIO(input: NodeJS.ReadableStream = process.stdin, prompt: NodeJS.WritableStream = process.stderr): CliIO {
  return {
    out: lineWriter(process.stdout, 'stdout'),
    err: lineWriter(process.stderr, 'stderr'),
    interactive: Boolean(process.stdin.isTTY),
    errIsTty: Boolean(process.stderr.isTTY),
    env: process.env,
    ask: async (question) => {
      const rl = createInterface({ input, output: prompt });
      // When input ends at the prompt (Ctrl-D), readline closes and its question never settles;
      // the process would then exit 0 in silence, half way through the patches.
      const closed = new Promise<never>((_, reject) =>
        rl.once('close', () =>
          reject(new CliError('No answer: the input ended at the prompt; the patches not yet decided stay pending.', EXIT.failed)),
        ),
      );
      try {
        return await Promise.race([rl.question(question), closed]);
      } finally {
        rl.close();
      }
    },
  };
}

/**
 * Lines to a standard stream. A reader that stops early (`refactor-guard list-runs | head -1`)
 * closes the pipe, and the next write fails with EPIPE, emitted as an 'error' event that nothing
 * would handle: Node would print a stack trace. The CLI then behaves as Unix tools do, quietly: it
 * writes nothing more to that stream and the command ends with its own exit code (a run already
 * under way still finishes and is recorded). Any other write error (a full disk under a redirect)
 * is said once on stderr and fails the process.
 */
function lineWriter(stream: NodeJS.WriteStream, name: 'stdout' | 'stderr'): (text: string) => void {
  watchForClose(stream, name);
  return (text) => {
    if (closedStreams.has(stream) || stream.destroyed) return;
    stream.write(text.endsWith('\n') ? text : text + '\n');
  };
}

const closedStreams = new WeakSet<NodeJS.WriteStream>();
const watchedStreams = new WeakSet<NodeJS.WriteStream>();

function watchForClose(stream: NodeJS.WriteStream, name: 'stdout' | 'stderr'): void {
  // Once per stream, however many CliIOs are made (tests make many).
  if (watchedStreams.has(stream)) return;
  watchedStreams.add(stream);
  stream.on('error', (err: NodeJS.ErrnoException) => {
    const first = !closedStreams.has(stream);
    closedStreams.add(stream);
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED' || !first) return;
    // The command may already have set its exit code, or may set it after this; the output was
    // lost either way, so the process fails whatever it would have said.
    process.once('exit', () => {
      if (!process.exitCode) process.exitCode = EXIT.failed;
    });
    if (name === 'stdout' && !closedStreams.has(process.stderr) && !process.stderr.destroyed) {
      process.stderr.write(`refactor-guard: could not write the output: ${err.code ?? err.message}\n`);
    }
  });
}
