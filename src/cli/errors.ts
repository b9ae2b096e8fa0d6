/** Exit codes of the CLI contract (DESIGN.md). */
export const EXIT = { ok: 0, failed: 1, usage: 2, provider: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that ends the command with one line on stderr and a contract exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function usage(message: string): CliError {
  return new CliError(message, EXIT.usage);
}
