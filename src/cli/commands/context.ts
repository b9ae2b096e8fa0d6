import { buildContext, formatContextReport } from '../../core/context/buildContext';
import { resolvePreset } from '../../core/settings';
import { EXIT, usage } from '../errors';
import type { CliIO } from '../io';
import { cliSettings, openWorkspace, targetPath } from '../workspace';

/** `context -t FILE [-f FUNCTION] [--budget N]`: what the model would see, and why each piece was chosen. */
export async function contextCommand(
  flags: {
    target: string[];
    function?: string;
    budget?: string;
    workspace?: string;
    json?: boolean;
    wholeFiles?: boolean;
    instruction?: string;
  },
  io: CliIO,
): Promise<number> {
  if (flags.target.length === 0) throw usage('Name at least one target with -t FILE.');
  const ws = openWorkspace(flags.workspace);
  const settings = cliSettings(ws, {}, { env: io.env, warn: io.err });
  const budget = flags.budget === undefined ? resolvePreset(settings).contextBudget : Number(flags.budget);
  if (!Number.isInteger(budget) || budget < 100) throw usage('--budget must be a whole number of tokens, at least 100.');
  const result = await buildContext({
    files: ws.files,
    cacheDir: `${ws.storeDir}/cache`,
    targets: flags.target.map((t) => ({ path: targetPath(ws, t), ...(flags.function ? { function: flags.function } : {}) })),
    instruction: flags.instruction ?? '',
    budgetTokens: budget,
    wholeFiles: flags.wholeFiles ?? settings['context.wholeFiles'],
  });
  if (flags.json) io.out(JSON.stringify(result, null, 2));
  else io.out(formatContextReport(result));
  return EXIT.ok;
}
