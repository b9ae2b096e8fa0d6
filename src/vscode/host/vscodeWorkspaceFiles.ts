import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkspaceFiles } from '../../core/ports';
import { NodeWorkspaceFiles } from '../../core/host/nodeWorkspaceFiles';
import { normalizeWorkspacePath, resolveInside } from '../../core/workspacePath';

const BOM = [0xef, 0xbb, 0xbf];

/**
 * WorkspaceFiles for the engine over VS Code's file system API. A file open in an editor with
 * unsaved changes is read from the editor, so the model and the gates see what the user sees, and
 * a proposal made from unsaved text is recognised as such when it is applied.
 */
export class VscodeWorkspaceFiles implements WorkspaceFiles {
  readonly root: string;
  private readonly node: NodeWorkspaceFiles | undefined;

  constructor(readonly folder: vscode.WorkspaceFolder) {
    this.root = folder.uri.fsPath;
    // Atomic writes and link checks need node:fs; only a local (file:) folder has them.
    this.node = folder.uri.scheme === 'file' ? new NodeWorkspaceFiles(this.root) : undefined;
  }

  uriOf(relative: string): vscode.Uri {
    const rel = normalizeWorkspacePath(relative);
    if (this.node) return vscode.Uri.file(resolveInside(this.root, rel));
    return vscode.Uri.joinPath(this.folder.uri, ...rel.split('/'));
  }

  /** Workspace-relative path of a URI in this folder, or undefined when it lies outside. */
  relativeOf(uri: vscode.Uri): string | undefined {
    // Against this folder only: asRelativePath would answer for any folder of a multi-root window.
    if (uri.scheme !== this.folder.uri.scheme || uri.authority !== this.folder.uri.authority) return undefined;
    const rel = path.posix.relative(this.folder.uri.path, uri.path);
    try {
      return normalizeWorkspacePath(rel);
    } catch {
      return undefined;
    }
  }

  async read(relative: string): Promise<Uint8Array | undefined> {
    const uri = this.uriOf(relative);
    const disk = await this.readDisk(uri);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc && doc.isDirty) return encodeLikeDisk(doc.getText(), disk);
    return disk;
  }

  async readDisk(uri: vscode.Uri): Promise<Uint8Array | undefined> {
    try {
      return await vscode.workspace.fs.readFile(uri);
    } catch (err) {
      if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return undefined;
      throw err;
    }
  }

  async realPath(relative: string): Promise<string> {
    return this.node ? this.node.realPath(relative) : normalizeWorkspacePath(relative);
  }

  async readSaved(relative: string): Promise<Uint8Array | undefined> {
    return this.readDisk(this.uriOf(relative));
  }

  async writeAtomic(relative: string, bytes: Uint8Array, options: { tempPath?: string } = {}): Promise<void> {
    if (this.node) return this.node.writeAtomic(relative, bytes, options);
    const uri = this.uriOf(relative);
    await vscode.workspace.fs.writeFile(uri, bytes);
    // A remote file system has no rename-into-place here: at least check what it holds now.
    const back = await this.readDisk(uri);
    if (!back || back.byteLength !== bytes.byteLength || !back.every((b, i) => b === bytes[i]))
      throw new Error(`${relative} does not hold the bytes written.`);
  }

  async remove(relative: string): Promise<void> {
    if (this.node) return this.node.remove(relative);
    try {
      await vscode.workspace.fs.delete(this.uriOf(relative));
    } catch (err) {
      if (!(err instanceof vscode.FileSystemError && err.code === 'FileNotFound')) throw err;
    }
  }

  async stat(relative: string): Promise<{ size: number; mtimeMs: number } | undefined> {
    try {
      const s = await vscode.workspace.fs.stat(this.uriOf(relative));
      return { size: s.size, mtimeMs: s.mtime };
    } catch {
      return undefined;
    }
  }

  async list(dir: string): Promise<string[]> {
    if (this.node) return this.node.list(dir);
    const base = dir === '' || dir === '.' ? this.folder.uri : this.uriOf(dir);
    const found = await vscode.workspace.findFiles(new vscode.RelativePattern(base, '**/*'), '**/{.git,node_modules}/**');
    return found.map((u) => this.relativeOf(u)).filter((p): p is string => p !== undefined);
  }
}

/**
 * An editor's text as bytes, keeping the byte order mark the file on disk has. The document's own
 * text already carries its line endings. Only UTF-8 is handled, as everywhere in the engine.
 */
export function encodeLikeDisk(text: string, disk: Uint8Array | undefined): Uint8Array {
  const body = new TextEncoder().encode(text);
  if (!disk || !hasBom(disk)) return body;
  const out = new Uint8Array(body.length + 3);
  out.set(BOM, 0);
  out.set(body, 3);
  return out;
}

export function hasBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];
}
