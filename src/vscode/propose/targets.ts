import * as vscode from 'vscode';
import type { FunctionRange } from '../../core/context/functions';
import type { VscodeWorkspaceFiles } from '../host/vscodeWorkspaceFiles';
import { editorEngine } from '../engineHost/editorEngine';

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
  const sel = editor.selection;
  const first = sel.start.line + 1;
  const last = sel.isEmpty ? first : sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line : sel.end.line + 1;
  const fn = await functionAtLine(editor, first);
  // The function is the target when it holds the whole selection (or the cursor).
  if (fn && fn.startLine <= first && last <= fn.endLine) return { targets: [{ path: rel, function: fn.name }] };
  if (!sel.isEmpty) {
    return { targets: [{ path: rel }], focus: `Focus on lines ${first}-${last} of ${rel}; change the rest only where that requires it.` };
  }
  return { targets: [{ path: rel }] };
}

/**
 * The function holding a line, from the engine's tree-sitter definitions, asked of the engine's
 * worker (which the run then uses, warm): loading tree-sitter here would hold the host's thread.
 * Undefined for languages it does not index, or when tree-sitter fails (then the selection or the
 * file is the target).
 */
function functionAtLine(editor: vscode.TextEditor, line: number): Promise<FunctionRange | undefined> {
  return editorEngine().functionAt(editor.document.fileName, editor.document.getText(), line);
}
