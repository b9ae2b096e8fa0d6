import * as vscode from 'vscode';
import { decode } from '../../core/edits/textFormat';
import type { VscodeWorkspaceFiles } from '../host/vscodeWorkspaceFiles';
import { log } from '../log';
import { sameBytes } from '../../core/sha256';
import { changedSpan } from './textSpan';

/**
 * Puts bytes into a workspace file through the editor: one WorkspaceEdit covering only the changed
 * span (so Undo in the editor takes it back), then a save. Save participants (format on save, trim
 * whitespace) or the editor's single line-ending model can make the saved bytes differ from what was
 * approved; then the exact bytes are written over them, because provenance and rollback promise
 * exact bytes. Returns whether the editor path alone produced them.
 */
export async function writeThroughEditor(
  files: VscodeWorkspaceFiles,
  rel: string,
  bytes: Uint8Array | undefined,
  tempPath?: string,
): Promise<{ viaEditor: boolean }> {
  const exact = tempPath === undefined ? {} : { tempPath };
  const uri = files.uriOf(rel);
  if (bytes === undefined) {
    const edit = new vscode.WorkspaceEdit();
    edit.deleteFile(uri, { ignoreIfNotExists: true });
    if (!(await vscode.workspace.applyEdit(edit))) await files.remove(rel);
    return { viaEditor: true };
  }
  const disk = await files.readDisk(uri);
  if (disk === undefined) {
    await files.writeAtomic(rel, bytes, exact);
    return { viaEditor: false };
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  const target = decode(bytes).text;
  const current = doc.getText();
  if (current !== target) {
    const { start, endCurrent, endTarget } = changedSpan(current, target);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(start), doc.positionAt(endCurrent)), target.slice(start, endTarget));
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`The editor refused the edit to ${rel}.`);
  }
  if (doc.isDirty && !(await doc.save())) throw new Error(`Could not save ${rel}.`);
  const written = await files.readDisk(uri);
  if (sameBytes(written, bytes)) return { viaEditor: true };
  log().warn(`Saving ${rel} through the editor changed its bytes (save participants or line endings); writing the exact approved bytes.`);
  await files.writeAtomic(rel, bytes, exact);
  return { viaEditor: false };
}
