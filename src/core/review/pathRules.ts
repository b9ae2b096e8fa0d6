import type { Patch, RunRecord } from '../provenance/schema';
import { normalizeWorkspacePath, PathError, toolFolderOf } from '../workspacePath';

/**
 * Where a stored patch may write, checked again right before writing: the record is signed, but
 * a rule that also holds for every record is cheap, and it keeps a store written by a buggy or
 * compromised installation from writing into version control's hooks. A patch writes a file the
 * run targeted, or a new file outside the tool folders.
 */
const NEVER_WRITTEN = ['.git', '.hg', '.svn', '.refactor-guard'];

export function writeRefusal(run: RunRecord, patch: Patch, realPath?: string): string | undefined {
  let normal: string;
  try {
    normal = normalizeWorkspacePath(patch.file);
  } catch (err) {
    if (err instanceof PathError) return `patch ${patch.id} names a path that is not inside the workspace (${err.message})`;
    throw err;
  }
  if (normal !== patch.file) return `patch ${patch.id} names ${JSON.stringify(patch.file.slice(0, 200))}, not a normalised workspace path`;
  const targeted = run.targets.some((t) => {
    try {
      return normalizeWorkspacePath(t.path) === normal;
    } catch {
      return false;
    }
  });
  const tool = toolFolderOf(normal)?.toLowerCase();
  // A target the user named in node_modules or .vscode is theirs to change; version control and
  // our own store never are.
  if (tool !== undefined && (!targeted || NEVER_WRITTEN.includes(tool))) {
    return `patch ${patch.id} would write ${normal}, inside ${tool}/, where Refactor Guard never writes`;
  }
  if (!targeted && patch.beforeSha256 !== null) return `patch ${patch.id} would change ${normal}, which is not one of the run's targets`;
  const twins = run.patches.filter((p) => p.file === normal);
  if (twins.length > 1) return `the run has ${twins.length} patches for ${normal}`;
  // The same rule for where the write really lands: a link (src/h -> ../.git/hooks) must not lead there.
  const realTool = realPath === undefined ? undefined : toolFolderOf(realPath)?.toLowerCase();
  if (realTool !== undefined && (NEVER_WRITTEN.includes(realTool) || realTool !== tool)) {
    return `patch ${patch.id} would write ${normal}, which leads through a link to ${realPath}, inside ${realTool}/`;
  }
  return undefined;
}

/**
 * Refusals for a run's patches with their paths resolved through links by the writer: each
 * patch's own rules, and no two patches reaching one file (a link between two targets), since
 * the second write would silently undo the first.
 */
export async function writeRefusals(
  run: RunRecord,
  patches: readonly Patch[],
  realPath: ((path: string) => Promise<string>) | undefined,
): Promise<string | undefined> {
  const seen = new Map<string, string>();
  for (const patch of patches) {
    const real = realPath ? await realPath(patch.file).catch(() => undefined) : undefined;
    const why = writeRefusal(run, patch, real);
    if (why) return why;
    const key = (real ?? patch.file).toLowerCase();
    const other = seen.get(key);
    if (other !== undefined) return `patches ${other} and ${patch.id} would both write ${real ?? patch.file} (one path links to the other)`;
    seen.set(key, patch.id);
  }
  return undefined;
}
