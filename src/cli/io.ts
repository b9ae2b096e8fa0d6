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
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
    interactive: Boolean(process.stdin.isTTY),
    errIsTty: Boolean(process.stderr.isTTY),
    env: process.env,
    ask: async (question) => {
      const rl = createInterface({ input, output: prompt });
      // When input ends at the prompt (Ctrl-D), readline closes and its question never settles;
      // the process would then exit 0 in silence, half way through the patches.
      const closed = new Promise<never>((_, reject) =>
        rl.once('close', () => reject(new CliError('No answer: the input ended at the prompt; the patches not yet decided stay pending.', EXIT.failed))),
      );
      try {
        return await Promise.race([rl.question(question), closed]);
      } finally {
        rl.close();
      }
    },
  };
}
