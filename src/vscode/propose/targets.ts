import * as vscode from 'vscode';
import type { VscodeWorkspaceFiles } from '../host/vscodeWorkspaceFiles';

export interface ProposeTargets {
  targets: { path: string; function?: string }[];
  /** Said to the model when the user selected lines that are not one function: "Focus on lines 10-24 of src/a.ts." */
  focus?: string;
}

/**
 * What Propose Refactor works on: the files selected in the explorer; else the file the command was
 * invoked on; else the active editor's file, narrowed to the function under the cursor or the
 * selected lines.
 */
export async function resolveTargets(files: VscodeWorkspaceFiles, uri?: vscode.Uri, uris?: vscode.Uri[]): Promise<ProposeTargets> {
  const picked = uris && uris.length > 0 ? uris : uri ? [uri] : [];
  const editor = vscode.window.activeTextEditor;
  if (picked.length > 0 && !(picked.length === 1 && editor && picked[0]!.toString() === editor.document.uri.toString())) {
    const paths: string[] = [];
    for (const u of picked) {
      const rel = files.relativeOf(u);
      if (!rel) throw new Error(`${u.fsPath} is not inside the workspace folder ${files.root}.`);
      const stat = await vscode.workspace.fs.stat(u);
      if (stat.type & vscode.FileType.Directory) continue;
      paths.push(rel);
    }
    if (paths.length === 0) throw new Error('Select one or more files, not folders.');
    return { targets: paths.map((path) => ({ path })) };
  }
  if (!editor) throw new Error('Open a file, or select files in the explorer, to propose a refactor.');
  const rel = files.relativeOf(editor.document.uri);
  if (!rel) throw new Error(`${editor.document.uri.fsPath} is not inside the workspace folder ${files.root}.`);
  const fn = await functionAtCursor(editor);
  if (fn) return { targets: [{ path: rel, function: fn }] };
  const sel = editor.selection;
  if (!sel.isEmpty) {
    const last = sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line : sel.end.line + 1;
    return { targets: [{ path: rel }], focus: `Focus on lines ${sel.start.line + 1}-${last} of ${rel}; change the rest only where that requires it.` };
  }
  return { targets: [{ path: rel }] };
}

/**
 * The function under the cursor, from the engine's tree-sitter tags when that helper is present in
 * this build; otherwise undefined and the whole file (or the selection) is the target.
 */
async function functionAtCursor(editor: vscode.TextEditor): Promise<string | undefined> {
  const finder = await loadFunctionAt();
  if (!finder) return undefined;
  try {
    return await finder(editor.document.languageId, editor.document.getText(), editor.selection.active.line + 1, editor.document.fileName);
  } catch {
    return undefined;
  }
}

type FunctionAt = (languageId: string, text: string, line: number, fileName: string) => Promise<string | undefined>;

let functionAtLoader: Promise<FunctionAt | undefined> | undefined;
function loadFunctionAt(): Promise<FunctionAt | undefined> {
  functionAtLoader ??= import('./functionAt.js').then((m) => m.functionAt).catch(() => undefined);
  return functionAtLoader;
}
