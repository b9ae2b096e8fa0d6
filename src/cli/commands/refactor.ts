import { runRefactor } from '../../core/loop/runRefactor';
import { usage } from '../errors';
import type { CliIO } from '../io';
import { targetPath } from '../workspace';
import { engineOptions, guardedCommand, type RunFlags } from './guardedCommand';

export interface RefactorFlags extends RunFlags {
  target: string[];
  function?: string;
  allowNewFiles?: boolean;
}

export async function refactorCommand(instruction: string, flags: RefactorFlags, io: CliIO): Promise<number> {
  if (!instruction.trim())
    throw usage('The instruction is empty: say what to change, e.g. refactor "Add caching to getUser" -t src/user.ts.');
  if (flags.function && flags.target.length !== 1) throw usage('-f FUNCTION needs exactly one -t FILE.');
  return guardedCommand(flags, io, '-t FILE', (s) =>
    runRefactor({
      instruction,
      targets: flags.target.map((t) => ({ path: targetPath(s.ws, t), ...(flags.function ? { function: flags.function } : {}) })),
      ...engineOptions(s),
      allowNewFiles: flags.allowNewFiles ?? false,
    }),
  );
}
