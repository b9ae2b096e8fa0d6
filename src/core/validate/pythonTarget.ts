import type { GateContext, GateSettings } from './gate';
import { DEFAULT_TARGET_VERSION } from './ruffWasm';

/**
 * The Python version a workspace's code must run on, as ruff names it (`py39`): the setting
 * `pythonVersion` ("3.9") when set, else the lower bound of `requires-python` in pyproject.toml,
 * else the newest Python ruff knows. Syntax newer than the target (a `match` statement for 3.9)
 * is then a syntax error, as it would be for the interpreter the project supports.
 */
export async function pythonTargetVersion(
  ctx: Pick<GateContext<Pick<GateSettings, 'pythonVersion'>>, 'files' | 'settings'>,
): Promise<string> {
  const setting = ctx.settings.pythonVersion;
  if (setting.trim()) return toRuff(setting.trim()) ?? DEFAULT_TARGET_VERSION;
  try {
    const bytes = await ctx.files.read('pyproject.toml');
    if (bytes) return fromRequiresPython(new TextDecoder().decode(bytes)) ?? DEFAULT_TARGET_VERSION;
  } catch {
    // An unreadable pyproject.toml says nothing about the version; the default stands.
  }
  return DEFAULT_TARGET_VERSION;
}

/** The lowest 3.x that `requires-python` admits: `>=3.9`, `~=3.10`, `==3.11.*`, `>=3.8,<4`. */
export function fromRequiresPython(pyproject: string): string | undefined {
  const m = /^\s*requires-python\s*=\s*["']([^"']+)["']/m.exec(pyproject);
  if (!m) return undefined;
  let lowest: [number, number] | undefined;
  for (const clause of m[1]!.split(',')) {
    const c = /^\s*(>=|~=|==|>)\s*(\d+)\.(\d+)/.exec(clause);
    if (!c) continue;
    const v: [number, number] = [Number(c[2]), Number(c[3]) + (c[1] === '>' ? 1 : 0)];
    if (!lowest || v[0] < lowest[0] || (v[0] === lowest[0] && v[1] < lowest[1])) lowest = v;
  }
  return lowest ? toRuff(`${lowest[0]}.${lowest[1]}`) : undefined;
}

function toRuff(version: string): string | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m || m[1] !== '3') return undefined;
  // ruff knows 3.7 onwards; older bounds are checked as 3.7, the closest it can.
  return `py3${Math.max(7, Number(m[2]))}`;
}
