import { createInterface } from 'node:readline/promises';

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

export function processIO(): CliIO {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
    interactive: Boolean(process.stdin.isTTY),
    errIsTty: Boolean(process.stderr.isTTY),
    env: process.env,
    ask: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}
