import type { CliIO } from '../../src/cli/io';

/** A CliIO that records what the CLI prints and answers prompts from a list. */
export function captureIO(
  options: { interactive?: boolean; answers?: string[]; env?: Record<string, string | undefined> } = {},
): CliIO & { stdout: string; stderr: string } {
  const answers = [...(options.answers ?? [])];
  const io = {
    stdout: '',
    stderr: '',
    interactive: options.interactive ?? false,
    errIsTty: false,
    env: options.env ?? {},
    out(text: string) {
      io.stdout += text.endsWith('\n') ? text : text + '\n';
    },
    err(text: string) {
      io.stderr += text.endsWith('\n') ? text : text + '\n';
    },
    async ask(question: string) {
      io.stderr += question;
      return answers.shift() ?? '';
    },
  };
  return io;
}
