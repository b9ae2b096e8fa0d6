import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TestConvention } from '../../core/loop/testConvention';
import { normalizeWorkspacePath, toolFolderOf } from '../../core/workspacePath';
import type { VscodeWorkspaceFiles } from '../host/vscodeWorkspaceFiles';

/** Extensions that count as a project's code when a folder says which language it is written in. */
const CODE_EXTENSIONS = new Set([
  '.js',
  '.mjs',
  '.cjs',
  '.jsx',
  '.ts',
  '.mts',
  '.cts',
  '.tsx',
  '.py',
  '.go',
  '.rs',
  '.java',
  '.rb',
  '.php',
  '.cs',
]);
const NEW_NAME = 'newModule';

/**
 * Where Propose Code suggests writing: in the folder the command was invoked on (or the folder of
 * the file it was invoked on, or of the active editor's file, else `src/` when there is one), named
 * `newModule` with the project's extension (the file's own; else the commonest in that folder;
 * else `.ts` with a tsconfig.json, `.py` with Python project files, `.js`). A name already taken
 * gets a number.
 */
export async function suggestModulePath(files: VscodeWorkspaceFiles, invokedOn: vscode.Uri | undefined): Promise<string> {
  let dir: string | undefined;
  let ext: string | undefined;
  const base = baseOf(files, invokedOn);
  if (base) {
    const type = await vscode.workspace.fs.stat(base.uri).then(
      (s) => s.type,
      () => vscode.FileType.Unknown,
    );
    const isFolder = (type & vscode.FileType.Directory) !== 0;
    dir = isFolder ? base.rel : parentOf(base.rel);
    if (!isFolder && CODE_EXTENSIONS.has(path.posix.extname(base.rel).toLowerCase())) ext = path.posix.extname(base.rel);
  }
  if (dir !== undefined && toolFolderOf(dir) !== undefined) dir = undefined;
  if (dir === undefined) dir = (await exists(files, 'src')) ? 'src' : '';
  ext ??= (await commonestExtension(files, dir)) ?? (await projectExtension(files));
  for (let n = 1; ; n++) {
    const candidate = joinPath(dir, `${NEW_NAME}${n === 1 ? '' : n}${ext}`);
    if (!(await exists(files, candidate))) return candidate;
  }
}

/**
 * Why a path typed for a new file cannot be used, or undefined when it can: empty, outside the
 * workspace, inside .git, node_modules or another tool folder, or an existing folder.
 */
export async function pathProblem(files: VscodeWorkspaceFiles, typed: string): Promise<string | undefined> {
  const rel = toWorkspacePath(files, typed);
  if (typeof rel !== 'string') return rel.problem;
  const tool = toolFolderOf(rel);
  if (tool !== undefined) return `${rel} is inside ${tool}/, where Refactor Guard does not create files.`;
  const stat = await vscode.workspace.fs.stat(files.uriOf(rel)).then(
    (s) => s,
    () => undefined,
  );
  if (stat && stat.type & vscode.FileType.Directory) return `${rel} is a folder; name a file in it.`;
  return undefined;
}

/** A typed path as a workspace-relative one (an absolute path inside the workspace is accepted too). */
export function toWorkspacePath(files: VscodeWorkspaceFiles, typed: string): string | { problem: string } {
  const text = typed.trim();
  if (!text) return { problem: 'Name the file to write, relative to the workspace folder.' };
  if (path.isAbsolute(text)) {
    const rel = files.relativeOf(vscode.Uri.file(text));
    return rel ?? { problem: `${text} is outside the workspace folder ${files.root}.` };
  }
  try {
    return normalizeWorkspacePath(text);
  } catch (err) {
    return { problem: (err as Error).message };
  }
}

/** Asks for the file to write, prefilled with `suggested` and its name selected; undefined when dismissed. */
export async function askModulePath(files: VscodeWorkspaceFiles, suggested: string): Promise<string | undefined> {
  const name = path.posix.basename(suggested, path.posix.extname(suggested));
  const start = suggested.length - path.posix.basename(suggested).length;
  const typed = await vscode.window.showInputBox({
    title: 'Refactor Guard: Propose Code: the file to write',
    prompt: 'A new file (or an existing one to add to), relative to the workspace folder',
    value: suggested,
    valueSelection: [start, start + name.length],
    ignoreFocusOut: true,
    validateInput: (value) => pathProblem(files, value),
  });
  if (typed === undefined) return undefined;
  const rel = toWorkspacePath(files, typed);
  return typeof rel === 'string' ? rel : undefined;
}

/** What the user chose for the tests: a file, or the model's choice within the convention. */
export type TestsChoice = { tests: string | undefined };

/**
 * Asks where the tests go: the convention's file for this module, the model's choice within the
 * convention, or another file typed in. Undefined when dismissed.
 */
export async function askTestFile(
  files: VscodeWorkspaceFiles,
  modulePath: string,
  convention: TestConvention,
): Promise<TestsChoice | undefined> {
  type Item = vscode.QuickPickItem & { choice: 'suggested' | 'model' | 'other' };
  const items: Item[] = [
    { label: convention.suggested, description: "the project's convention", detail: convention.describe, choice: 'suggested' },
    { label: 'Let the model choose', description: convention.describe, choice: 'model' },
    { label: 'Another file...', description: 'type its path', choice: 'other' },
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: `Refactor Guard: Propose Code: the tests for ${modulePath}`,
    placeHolder: 'Where the new tests go; they must run with the test command',
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  if (pick.choice === 'suggested') return { tests: convention.suggested };
  if (pick.choice === 'model') return { tests: undefined };
  const typed = await vscode.window.showInputBox({
    title: `Refactor Guard: Propose Code: the test file for ${modulePath}`,
    value: convention.suggested,
    ignoreFocusOut: true,
    validateInput: async (value) => {
      const rel = toWorkspacePath(files, value);
      if (typeof rel === 'string' && rel === modulePath) return 'The test file must be another file than the module.';
      return pathProblem(files, value);
    },
  });
  if (typed === undefined) return undefined;
  const rel = toWorkspacePath(files, typed);
  return typeof rel === 'string' ? { tests: rel } : undefined;
}

/** The explorer item the command was invoked on, else the active editor's file when it is in the workspace. */
function baseOf(files: VscodeWorkspaceFiles, invokedOn: vscode.Uri | undefined): { uri: vscode.Uri; rel: string } | undefined {
  if (invokedOn) {
    if (invokedOn.toString() === files.folder.uri.toString()) return { uri: invokedOn, rel: '' };
    const rel = files.relativeOf(invokedOn);
    if (rel === undefined) throw new Error(`${invokedOn.fsPath} is not inside the workspace folder ${files.root}.`);
    return { uri: invokedOn, rel };
  }
  const editor = vscode.window.activeTextEditor?.document.uri;
  const rel = editor ? files.relativeOf(editor) : undefined;
  return editor && rel !== undefined ? { uri: editor, rel } : undefined;
}

function parentOf(rel: string): string {
  const dir = path.posix.dirname(rel);
  return dir === '.' ? '' : dir;
}

function joinPath(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

async function exists(files: VscodeWorkspaceFiles, rel: string): Promise<boolean> {
  return vscode.workspace.fs.stat(files.uriOf(rel)).then(
    () => true,
    () => false,
  );
}

/** The code extension most files directly in `dir` have, tests aside. */
async function commonestExtension(files: VscodeWorkspaceFiles, dir: string): Promise<string | undefined> {
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(dir ? files.uriOf(dir) : files.folder.uri);
  } catch {
    return undefined;
  }
  const counts = new Map<string, number>();
  for (const [name, type] of entries) {
    if (!(type & vscode.FileType.File) || /[._-](test|spec)\.|^test_/i.test(name) || name.endsWith('.d.ts')) continue;
    const ext = path.posix.extname(name);
    if (CODE_EXTENSIONS.has(ext.toLowerCase())) counts.set(ext, (counts.get(ext) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

async function projectExtension(files: VscodeWorkspaceFiles): Promise<string> {
  if (await exists(files, 'tsconfig.json')) return '.ts';
  for (const f of ['pyproject.toml', 'setup.py', 'setup.cfg', 'pytest.ini']) if (await exists(files, f)) return '.py';
  return '.js';
}
