import { Command, CommanderError, Option } from 'commander';
import { ProviderError } from '../core/models/provider';
import { PathError } from '../core/workspacePath';
import { StoreError, UnknownRunError } from '../core/provenance/errors';
import { ReviewError } from '../core/review/outcome';
import { WriteError } from '../core/host/durableWrite';
import { CliError, EXIT } from './errors';
import { errorLine } from '../core/errorLine';
import { processIO, type CliIO } from './io';
import { terminalLine, terminalText } from './terminalText';
import { refactorCommand } from './commands/refactor';
import { generateCommand } from './commands/generate';
import { validateCommand } from './commands/validate';
import { adoptCommand, decisionCommand, listRunsCommand, statusCommand, verifyCommand } from './commands/runs';
import { statsCommand } from './commands/stats';
import { contextCommand } from './commands/context';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command('refactor-guard')
    .description('Guarded AI refactoring: every candidate passes syntax, types, lint, rules and tests before you see it.')
    .version(process.env.REFACTOR_GUARD_VERSION ?? '0.1.0')
    .exitOverride()
    // Commander's own error print is two lines ("error: ..." and the help hint); main() prints
    // its message instead, as one `refactor-guard: ...` line like every other error.
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()), outputError: () => {} });
  const ws = new Option('--workspace <dir>', 'workspace folder (default: the current directory)');
  const json = new Option('--json', 'print one JSON document on stdout');
  const run =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A) =>
      setExit(await fn(...args));

  /** The flags of a guarded run, `refactor`'s and `generate`'s alike (commands/guardedCommand.ts). */
  const runFlags = (cmd: Command): Command =>
    cmd
      .addOption(new Option('--config <preset>', 'preset: model, token and repair budget').choices(['fast', 'balanced', 'quality']))
      .addOption(new Option('--provider <id>', 'model provider').choices(['anthropic', 'openai', 'replay']))
      .option('--transcript <file>', 'recorded transcript for --provider replay')
      .option('--dry-run', 'propose only; apply later with `apply RUN`')
      .option('--auto-apply', 'apply valid patches whose risk is at most --max-risk')
      .option('--max-risk <x>', 'risk limit for --auto-apply, 0 to 1 (default: setting maxRisk)')
      .option('--no-test-coverage', 'do not measure which changed lines the tests run')
      .addOption(ws)
      .addOption(json);

  const refactor = program
    .command('refactor')
    .description('propose a guarded refactor of the target files')
    .argument('<instruction>', 'what to change, e.g. "Add caching to getUser"')
    .requiredOption('-t, --target <file>', 'a target file, relative to the workspace (repeatable)', collect)
    .option('-f, --function <name>', 'narrow the target to one function')
    .option('--test-command <cmd>', "run the project's tests on each candidate in a sandbox copy")
    .option('--allow-new-files', 'let the model create files besides the targets');
  runFlags(refactor).action(run((instruction: string, flags) => refactorCommand(instruction, flags, io)));

  const generate = program
    .command('generate')
    .description('propose new code and tests for it, through the same gates, including its new tests in the sandbox')
    .argument('<spec>', 'what to write, e.g. "An LRU cache with get and set"')
    .requiredOption('--file <path>', 'the file to write, relative to the workspace (repeatable)', collect)
    .option('--tests <path>', "the test file to write (default: one the model names, in the project's test folder and naming)")
    .option(
      '--test-command <cmd>',
      "the command that runs the tests (default: setting testCommand, else the project's npm test or pytest)",
    );
  runFlags(generate).action(run((spec: string, flags) => generateCommand(spec, flags, io)));

  program
    .command('validate')
    .description('run the syntax, type and lint gates on files as they are')
    .argument('<files...>')
    .addOption(ws)
    .addOption(json)
    .action(run((files: string[], flags) => validateCommand(files, flags, io)));

  program
    .command('status')
    .description("show a run's attempts, findings, patches and decisions")
    .option('--run-id <id>', 'a run id or an unambiguous prefix')
    .option('--latest', 'the latest run (the default)')
    .option('--diff', 'print each patch with its diff and risk factors')
    .addOption(ws)
    .addOption(json)
    .action(run((flags) => statusCommand(flags, io)));

  program
    .command('list-runs')
    .description('list runs, newest first')
    .option('--limit <n>', 'how many', '20')
    .addOption(ws)
    .addOption(json)
    .action(run((flags) => listRunsCommand(flags, io)));

  for (const kind of ['apply', 'reject'] as const) {
    program
      .command(kind)
      .description(
        kind === 'apply'
          ? "apply a run's pending patches (refused for files changed since the proposal)"
          : "reject a run's pending patches",
      )
      .argument('<run>', 'run id, an unambiguous prefix, or "latest"')
      .option('--patch <ids...>', 'only these patches (e.g. --patch p1 p2)')
      .option('--hunk <ids...>', 'only these hunks (ids as `status --json` lists them)')
      .addOption(ws)
      .addOption(json)
      .action(run((runId: string, flags) => decisionCommand(kind, runId, flags, io)));
  }

  program
    .command('adopt')
    .description(
      'sign, with your key, the records an earlier release wrote before records were signed, so that apply and rollback act on them',
    )
    .addOption(ws)
    .addOption(json)
    .action(run((flags) => adoptCommand(flags, io)));

  program
    .command('rollback')
    .description("restore the exact bytes a run's applied patches replaced (refused for files changed since)")
    .argument('<run>', 'run id, an unambiguous prefix, or "latest"')
    .addOption(ws)
    .addOption(json)
    .action(run((runId: string, flags) => decisionCommand('rollback', runId, flags, io)));

  program
    .command('verify')
    .description('check the provenance hash chain for edited, removed or reordered records')
    .addOption(ws)
    .addOption(json)
    .action(run((flags) => verifyCommand(flags, io)));

  program
    .command('stats')
    .description('statistics over all runs in this workspace')
    .addOption(ws)
    .addOption(json)
    .action(run((flags) => statsCommand(flags, io)));

  program
    .command('context')
    .description('show what the model would see for a target, and why each piece was chosen')
    .requiredOption('-t, --target <file>', 'a target file (repeatable)', collect)
    .option('-f, --function <name>', 'narrow the target to one function')
    .option('--budget <tokens>', "token budget (default: the preset's)")
    .option('--instruction <text>', 'the instruction, whose words steer the ranking')
    .option('--whole-files', 'send the whole target files only')
    .addOption(ws)
    .addOption(json)
    .action(run((flags) => contextCommand(flags, io)));

  return program;
}

/** Runs the CLI; resolves to the exit code. Errors become one line on stderr, never a stack trace. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let code: number = EXIT.ok;
  // Every stderr line, whoever prints it (a command's warning, commander, the error below), has
  // its control characters made visible: messages quote config files and paths from the workspace.
  const safeIO: CliIO = { ...io, err: (text) => io.err(terminalText(text)) };
  const program = buildProgram(safeIO, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" to commander, as is the help shown for no command at all;
      // that text was already printed.
      if (err.exitCode === 0) return EXIT.ok;
      if (err.code !== 'commander.help') io.err(`refactor-guard: ${terminalLine(usageLine(err.message, program, argv))}`);
      return EXIT.usage;
    }
    const { message, exitCode } = describe(err);
    io.err(`refactor-guard: ${terminalLine(message)}`);
    if (process.env.REFACTOR_GUARD_DEBUG && err instanceof Error && err.stack) safeIO.err(err.stack);
    return exitCode;
  }
}

/** Commander's message as one line ("error: " dropped, a "Did you mean" joined on), with where to look. */
function usageLine(message: string, program: Command, argv: string[]): string {
  const text = message
    .replace(/^error:\s*/, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  const sub = program.commands.find((c) => c.name() === argv[0]);
  return `${text} (run refactor-guard ${sub ? `${sub.name()} ` : ''}--help for usage)`;
}

function describe(err: unknown): { message: string; exitCode: number } {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  if (err instanceof ProviderError) return { message: err.message, exitCode: EXIT.provider };
  if (err instanceof PathError) return { message: err.message, exitCode: EXIT.usage };
  if (err instanceof ReviewError) {
    if (err.reason === 'usage') return { message: err.message, exitCode: EXIT.usage };
    if (err.reason === 'unsigned')
      return {
        message: `${err.message} If this store is yours, run \`refactor-guard adopt\` once, then try again.`,
        exitCode: EXIT.failed,
      };
    return { message: err.message, exitCode: EXIT.failed };
  }
  if (err instanceof UnknownRunError) return { message: err.message, exitCode: EXIT.usage };
  if (err instanceof StoreError || err instanceof WriteError) return { message: err.message, exitCode: EXIT.failed };
  return { message: `${errorLine(err)} (set REFACTOR_GUARD_DEBUG=1 for details)`, exitCode: EXIT.failed };
}

if (require.main === module) {
  // main reports every error itself; this handler is for a defect in that reporting, still one line.
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`refactor-guard: ${terminalLine(errorLine(err))}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
