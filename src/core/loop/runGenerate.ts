import * as path from 'node:path';
import { decode } from '../edits/textFormat';
import type { RunRecord } from '../provenance/schema';
import { resolvePreset } from '../settings';
import { normalizeWorkspacePath, toolFolderOf } from '../workspacePath';
import { runGuarded, type RunTarget } from './guardedRun';
import { buildRunContext, type RunContext } from './runContext';
import { RunInputError } from './runRefactor';
import type { RunOptions } from './runOptions';
import { testConventionFor } from './testConvention';
import { detectTestCommand } from './testCommand';

export interface GenerateOptions extends Omit<RunOptions, 'targets' | 'allowNewFiles'> {
  /** The files to write (new, or existing ones to add to), workspace-relative. */
  paths: string[];
  /** The test file to write; when absent the model names one within the project's test convention. */
  tests?: string;
}

/**
 * New code from a specification (the instruction), with tests for it, through the same loop as a
 * refactor: the same gates, repair, risk, review and record. The new tests must run and pass in
 * the sandbox, so a generate run needs a test command and a trusted workspace; a test file that
 * runs no test is a finding (testGate.ts).
 */
export async function runGenerate(opts: GenerateOptions): Promise<RunRecord> {
  if (opts.paths.length === 0) throw new RunInputError('No file to write: name the new module.', 'no-targets');
  const paths = opts.paths.map((p) => checkedPath(p, 'File'));
  const tests = opts.tests === undefined ? undefined : checkedPath(opts.tests, 'Test file');
  if (tests !== undefined && paths.includes(tests)) throw new RunInputError(`${tests} is named both as the module and as its test file.`);
  if (!opts.trusted) throw new RunInputError('Generating code runs its new tests, which this untrusted workspace may not do.', 'untrusted');
  if (!opts.processes) throw new RunInputError('Generating code runs its new tests, and this host cannot run processes.', 'untrusted');

  const existing: string[] = [];
  for (const p of [...paths, ...(tests ? [tests] : [])]) {
    const bytes = await opts.files.read(p);
    if (bytes === undefined) continue;
    try {
      decode(bytes);
    } catch (err) {
      throw new RunInputError(`${p}: ${(err as Error).message}`);
    }
    existing.push(p);
  }
  const testCommand = opts.settings.testCommand.trim() || (await detectTestCommand(opts.files));
  if (!testCommand)
    throw new RunInputError(
      'Generating code needs a test command to run its new tests, and none is set or found in package.json or the Python project files.',
      'test-command',
    );
  const settings = { ...opts.settings, testCommand };

  const convention = tests === undefined ? await testConventionFor(opts.files, paths[0]!) : undefined;
  const targets: RunTarget[] = [...paths, ...(tests ? [tests] : [])].map((p) => ({ path: p }));
  const testsLine = tests
    ? `Write the tests in ${tests}.`
    : `Write the tests in one new test file: ${convention!.describe} (the project's convention), for example ${convention!.suggested}.`;
  const runOpts: RunOptions = { ...opts, settings, targets };

  return runGuarded(runOpts, {
    mode: 'generate',
    targets,
    requireTests: true,
    requiredTestFile: tests ? { path: tests } : convention!,
    ...(tests ? { testFile: tests } : {}),
    allowed: {
      targets: targets.map((t) => t.path),
      allowNewFiles: false,
      ...(convention ? { newTestFile: convention } : {}),
    },
    context: () => generateContext(runOpts, existing, convention?.example ?? undefined, paths),
    system: (prompts) =>
      prompts.render('generate-code-system', {
        allowedFiles: [...targets.map((t) => t.path), ...(convention ? [`one new test file (${convention.describe})`] : [])].join(', '),
      }),
    firstTurn: (prompts, context, plan) =>
      prompts.render('generate-code', {
        spec: opts.instruction,
        files: paths.join(', '),
        tests: testsLine,
        testCommand,
        context: context.text,
        plan: plan ? `Plan agreed before writing:\n${plan}\n` : '',
      }),
  });
}

function checkedPath(p: string, what: string): string {
  let normal: string;
  try {
    normal = normalizeWorkspacePath(p);
  } catch (err) {
    throw new RunInputError(`${what} ${(err as Error).message}`);
  }
  const tool = toolFolderOf(normal);
  if (tool !== undefined) throw new RunInputError(`${what} ${normal} is inside ${tool}/, where Refactor Guard does not create files.`);
  return normal;
}

/**
 * What the model sees: the named files that exist, an existing test of the project (its style and
 * imports), and a neighbour of the new module, each with what the symbol graph ranks around them.
 */
async function generateContext(opts: RunOptions, existing: string[], example: string | undefined, paths: string[]): Promise<RunContext> {
  const starts = new Set(existing);
  if (example) starts.add(example);
  if (existing.length === 0 && opts.files.list) {
    const dir = path.posix.dirname(paths[0]!);
    const ext = path.posix.extname(paths[0]!);
    const listed = await opts.files.list(dir === '.' ? '' : dir);
    const sibling = listed.find((f) => path.posix.dirname(f) === dir && path.posix.extname(f) === ext && !starts.has(f));
    if (sibling) starts.add(sibling);
  }
  if (starts.size === 0) return { text: '(The workspace has no existing code near the new files.)', tokens: 0, pieces: [] };
  return buildRunContext(
    opts,
    [...starts].map((p) => ({ path: p })),
    resolvePreset(opts.settings, opts.preset).contextBudget,
  );
}
