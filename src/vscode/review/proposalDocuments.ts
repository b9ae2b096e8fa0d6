import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Session } from '../session';
import { findPatch } from './decisions';
import { riskBadge } from './labels';
import { bytesWithHunks, loadVersions } from '../../core/review/hunkBytes';
import { errorLine } from '../../core/errorLine';
import { log } from '../log';

export const PROPOSAL_SCHEME = 'refactor-guard-proposal';
/** Stands for "no file yet" on the left of a new file's diff. */
const NO_PATCH = '-';

export interface ProposalRef {
  runId: string;
  patchId: string;
  file: string;
}

/** `refactor-guard-proposal:/src/a.ts?run=...&patch=...`: the path keeps the file name so the language is detected. */
export function proposalUri(ref: ProposalRef): vscode.Uri {
  const query = new URLSearchParams({ run: ref.runId, patch: ref.patchId }).toString();
  return vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: '/' + ref.file, query });
}

export function parseProposalUri(uri: vscode.Uri): ProposalRef | undefined {
  if (uri.scheme !== PROPOSAL_SCHEME) return undefined;
  const q = new URLSearchParams(uri.query);
  const runId = q.get('run');
  const patchId = q.get('patch');
  if (!runId || !patchId) return undefined;
  return { runId, patchId, file: uri.path.replace(/^\//, '') };
}

/**
 * The proposal as a file system: the proposed side of a diff, or a proposal opened alone. It reads
 * as the original with every hunk that is not rejected, so a partly reviewed patch shows what
 * approving the rest would give. A pending proposal is writable: saving it is the person's edit
 * before approving (decisions.ts `revise`), checked by the same gates and recorded as theirs; any
 * other is read-only. Served as bytes, so VS Code keeps the file's line endings and BOM as they
 * are, and registered at activation (`onFileSystem`) so proposal tabs come back after a reload.
 */
export class ProposalDocuments implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private readonly open = new Map<string, vscode.Uri>();
  /** The proposal each document was last served, so an edit is checked against what the person saw. */
  private readonly served = new Map<string, string | null>();
  /** Bumped on every change of the store, so VS Code sees a new mtime and reloads what is shown. */
  private version = Date.now();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly session: Session) {
    this.subs.push(
      session.onDidChange(() => {
        this.version = Math.max(Date.now(), this.version + 1);
        this.emitter.fire([...this.open.values()].map((uri) => ({ type: vscode.FileChangeType.Changed, uri })));
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.open.delete(d.uri.toString())),
    );
  }

  watch(uri: vscode.Uri): vscode.Disposable {
    this.open.set(uri.toString(), uri);
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { bytes, editable } = await this.content(uri);
    return {
      type: vscode.FileType.File,
      ctime: 0,
      mtime: this.version,
      size: bytes.byteLength,
      ...(editable ? {} : { permissions: vscode.FilePermission.Readonly }),
    };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    this.open.set(uri.toString(), uri);
    const { bytes, base } = await this.content(uri);
    if (base !== undefined) this.served.set(uri.toString(), base);
    return bytes;
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const ref = parseProposalUri(uri);
    if (!ref || ref.patchId === NO_PATCH) throw vscode.FileSystemError.NoPermissions(uri);
    const { revise } = await import('./decisions.js');
    let outcome: Awaited<ReturnType<typeof revise>>;
    try {
      outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Refactor Guard: checking your edit of ${ref.file}` },
        () => revise(this.session, ref.runId, ref.patchId, content, this.served.get(uri.toString())),
      );
    } catch (err) {
      // VS Code shows it as the save's error ("Failed to save ...: <this line>"), and the editor stays dirty.
      throw new vscode.FileSystemError(errorLine(err));
    }
    // What this document now holds is the proposal as recorded: the base of its next edit.
    this.served.set(uri.toString(), outcome.patch.afterSha256);
    log().info(outcome.message);
    if (outcome.outcome === 'revised') {
      const show = outcome.patch.valid ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
      void show(`Refactor Guard: ${outcome.message}`);
    }
  }

  private async content(uri: vscode.Uri): Promise<{ bytes: Uint8Array; editable: boolean; base?: string | null }> {
    const ref = parseProposalUri(uri);
    if (!ref) throw vscode.FileSystemError.FileNotFound(uri);
    if (ref.patchId === NO_PATCH) return { bytes: new Uint8Array(), editable: false };
    let view;
    try {
      view = await this.session.run(ref.runId);
    } catch {
      throw vscode.FileSystemError.FileNotFound(uri);
    }
    const found = view.run.patches.find((p) => p.id === ref.patchId);
    const state = view.patches.find((p) => p.patchId === ref.patchId);
    if (!found || !state) throw vscode.FileSystemError.FileNotFound(uri);
    const versions = await loadVersions(await this.session.store(), found);
    const shown = found.hunks.filter((h) => !state.rejectedHunkIds.includes(h.id)).map((h) => h.id);
    const bytes = found.hunks.length === 0 ? versions.after : bytesWithHunks(found, versions, shown);
    const open = state.status === 'pending' || state.status === 'approved';
    const undecided = state.appliedHunkIds.length === 0 && state.rejectedHunkIds.length === 0;
    return { bytes: bytes ?? new Uint8Array(), editable: open && undecided && found.afterSha256 !== null, base: found.afterSha256 };
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}

/** Opens a proposal alone, as a document the person may edit and save before approving it. */
export async function openProposalForEdit(session: Session, runId: string, patchId: string): Promise<vscode.TextEditor> {
  const view = await session.run(runId);
  const { patch } = findPatch(view, patchId);
  return vscode.window.showTextDocument(proposalUri({ runId, patchId, file: patch.file }), { preview: false });
}

/** Opens the diff between the file as it is now and the proposal, titled with file and risk. */
export async function openPatchDiff(session: Session, runId: string, patchId: string, revealLine?: number): Promise<void> {
  const view = await session.run(runId);
  const { patch } = findPatch(view, patchId);
  const left = (await session.files.stat(patch.file))
    ? session.files.uriOf(patch.file)
    : proposalUri({ runId, patchId: NO_PATCH, file: patch.file });
  const right = proposalUri({ runId, patchId, file: patch.file });
  const validity = patch.valid ? '' : ', invalid';
  // No status in the title: a tab's title cannot change once open, and "pending" would outlive the
  // decision (the CodeLens and the Runs view say the status as it is now).
  const title = `${path.posix.basename(patch.file)}: proposal (risk ${riskBadge(patch.risk)}${validity})`;
  const options: vscode.TextDocumentShowOptions = { preview: false };
  if (revealLine !== undefined) options.selection = new vscode.Range(revealLine, 0, revealLine, 0);
  await vscode.commands.executeCommand('vscode.diff', left, right, title, options);
}
