import * as path from 'node:path';

export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathError';
  }
}

/**
 * Normalises a workspace-relative path and refuses anything that leaves the workspace: absolute
 * paths, drive letters, `..` segments that climb out, NUL bytes. Returns forward slashes.
 */
export function normalizeWorkspacePath(input: string): string {
  if (input.includes('\0')) throw new PathError(`Path "${printable(input)}" contains a NUL byte.`);
  const slashed = input.replace(/\\/g, '/').trim();
  if (slashed === '') throw new PathError('Path is empty.');
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed) || slashed.startsWith('//')) {
    throw new PathError(`Path "${printable(input)}" is absolute; use a path relative to the workspace root.`);
  }
  const normal = path.posix.normalize(slashed).replace(/^\.\//, '');
  if (normal === '..' || normal.startsWith('../')) {
    throw new PathError(`Path "${printable(input)}" is outside the workspace.`);
  }
  if (normal === '.' || normal === '') throw new PathError(`Path "${printable(input)}" names the workspace itself, not a file.`);
  return normal.replace(/\/$/, '');
}

/** Absolute path of a workspace-relative one, after the checks above. */
export function resolveInside(root: string, relative: string): string {
  const rel = normalizeWorkspacePath(relative);
  const abs = path.resolve(root, rel);
  const back = path.relative(root, abs);
  if (back.startsWith('..') || path.isAbsolute(back)) throw new PathError(`Path "${printable(relative)}" is outside the workspace.`);
  return abs;
}

/**
 * Folders whose files run code or hold state of the tools themselves: version control (its hooks
 * run on checkout), our own store, editor settings and installed dependencies. A model may never
 * create a file in one, and nothing outside a run's own targets is ever written into one.
 */
export const TOOL_FOLDERS = ['.git', '.hg', '.svn', '.refactor-guard', '.vscode', 'node_modules'] as const;

/**
 * The tool folder a workspace path lies in, at any depth (a sub-project's .git/hooks runs code as
 * surely as the root's), compared case-blind for the file systems (macOS, Windows) where .GIT is .git.
 */
export function toolFolderOf(relative: string): string | undefined {
  return relative.split('/').find((segment) => (TOOL_FOLDERS as readonly string[]).includes(windowsName(segment)));
}

/**
 * A path segment as Windows resolves it, lower-cased: trailing dots and spaces dropped and an
 * alternate data stream (`.git::$INDEX_ALLOCATION`) cut off, so `.git.`, `.git ` and `.GIT` all name
 * `.git`. Harmless elsewhere: nobody names a real folder `.git.`.
 */
function windowsName(segment: string): string {
  return segment
    .split(':')[0]!
    .replace(/[. ]+$/, (m) => (m === segment ? m : ''))
    .toLowerCase();
}

function printable(s: string): string {
  return s.replace(/[\u0000-\u001f]/g, '?').slice(0, 200);
}
