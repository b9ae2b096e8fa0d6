import { buildContext } from '../context/buildContext';
import type { RunOptions } from './runOptions';

export interface RunContext {
  text: string;
  tokens: number;
  pieces: { path: string; kind: string; tokens: number; reason: string }[];
}

/**
 * The context the model sees: the symbol graph's ranked pieces within the preset's token budget,
 * or the whole target files when the user prefers that (setting `context.wholeFiles`).
 */
export async function buildRunContext(
  opts: RunOptions,
  targets: { path: string; function?: string }[],
  budgetTokens: number,
): Promise<RunContext> {
  const result = await buildContext({
    files: opts.files,
    ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
    targets,
    instruction: opts.instruction,
    budgetTokens,
    wholeFiles: opts.settings['context.wholeFiles'],
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return {
    text: result.text,
    tokens: result.tokens,
    pieces: result.pieces.map((p) => ({ path: p.path, kind: p.kind, tokens: p.tokens, reason: p.reason })),
  };
}
