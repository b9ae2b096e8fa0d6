import { runGenerate } from '../../core/loop/runGenerate';
import { usage } from '../errors';
import type { CliIO } from '../io';
import { targetPath } from '../workspace';
import { engineOptions, guardedCommand, type RunFlags } from './guardedCommand';

export interface GenerateFlags extends RunFlags {
  file: string[];
  tests?: string;
}

/** `generate "SPEC" --file PATH [--tests PATH]`: new code and its tests, proposed as a refactor is. */
export async function generateCommand(spec: string, flags: GenerateFlags, io: CliIO): Promise<number> {
  if (!spec.trim())
    throw usage('The specification is empty: say what to write, e.g. generate "An LRU cache with get and set" --file src/lru.js.');
  return guardedCommand(flags, io, '--file PATH', (s) =>
    runGenerate({
      instruction: spec,
      paths: flags.file.map((f) => targetPath(s.ws, f)),
      ...(flags.tests !== undefined ? { tests: targetPath(s.ws, flags.tests) } : {}),
      ...engineOptions(s),
    }),
  );
}
