import { decode } from '../edits/textFormat';
import { findFunction } from '../context';
import { languageOf } from '../languages';
import type { RunRecord } from '../provenance/schema';
import { normalizeWorkspacePath } from '../workspacePath';
import { buildRunContext } from './runContext';
import { runGuarded } from './guardedRun';
import type { RunOptions } from './runOptions';
import { resolvePreset } from '../settings';

/**
 * What the run was asked is wrong (a missing or unreadable target). The message names no CLI flag
 * or editor command: each host says how to fix it in its own terms, by `problem`.
 */
export class RunInputError extends Error {
  constructor(
    message: string,
    readonly problem: 'no-targets' | 'target' | 'test-command' | 'untrusted' = 'target',
  ) {
    super(message);
    this.name = 'RunInputError';
  }
}

/**
 * A refactor: the model changes the named files (narrowed to one function each where asked) and,
 * where the caller allows it, creates new ones. The targets are checked first: a missing target
 * or function is the caller's mistake, and no run is recorded for it.
 */
export async function runRefactor(opts: RunOptions): Promise<RunRecord> {
  const targets = opts.targets.map((t) => {
    try {
      return { path: normalizeWorkspacePath(t.path), ...(t.function ? { function: t.function } : {}) };
    } catch (err) {
      throw new RunInputError(`Target ${(err as Error).message}`);
    }
  });
  if (targets.length === 0) throw new RunInputError('No target files: name at least one file to change.', 'no-targets');
  for (const t of targets) {
    const bytes = await opts.files.read(t.path);
    if (bytes === undefined) throw new RunInputError(`Target ${t.path} does not exist in ${opts.files.root}.`);
    let text: string;
    try {
      text = decode(bytes).text;
    } catch (err) {
      throw new RunInputError(`Target ${t.path}: ${(err as Error).message}`);
    }
    if (t.function) {
      const language = languageOf(t.path);
      if (!language)
        throw new RunInputError(
          `Target ${t.path} is not in a language Refactor Guard parses, so its function ${t.function} cannot be found.`,
        );
      if (!(await findFunction(language, text, t.function))) throw new RunInputError(`Target ${t.path} has no function ${t.function}.`);
    }
  }

  return runGuarded(opts, {
    mode: 'refactor',
    targets,
    allowed: { targets: targets.map((t) => t.path), allowNewFiles: opts.allowNewFiles ?? false },
    context: () => buildRunContext(opts, targets, resolvePreset(opts.settings, opts.preset).contextBudget),
    system: (prompts) => prompts.render('system', { allowedFiles: targets.map((t) => t.path).join(', ') }),
    firstTurn: (prompts, context, plan) =>
      prompts.render('generate', {
        instruction: opts.instruction,
        context: context.text,
        plan: plan ? `Plan agreed before editing:\n${plan}\n` : '',
      }),
  });
}
