import * as path from 'node:path';
import * as vscode from 'vscode';
import { decode } from '../../core/edits/textFormat';
import type { Session } from '../session';
import { findPatch } from './decisions';
import { riskBadge } from './labels';
import { bytesWithHunks, loadVersions } from '../../core/review/hunkBytes';

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
 * Serves the proposed side of a diff: the original with every hunk that is not rejected, so a
 * partly reviewed patch shows what approving the rest would give. Read-only by construction.
 */
export class ProposalDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly open = new Set<string>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly session: Session) {
    this.subs.push(
      session.onDidChange(() => {
        for (const u of this.open) this.emitter.fire(vscode.Uri.parse(u));
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.open.delete(d.uri.toString())),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = parseProposalUri(uri);
    if (!ref || ref.patchId === NO_PATCH) return '';
    this.open.add(uri.toString());
    const view = await this.session.run(ref.runId);
    const { patch, state } = findPatch(view, ref.patchId);
    const versions = await loadVersions(await this.session.store(), patch);
    const shown = patch.hunks.filter((h) => !state.rejectedHunkIds.includes(h.id)).map((h) => h.id);
    const bytes = patch.hunks.length === 0 ? versions.after : bytesWithHunks(patch, versions, shown);
    return bytes === undefined ? '' : decode(bytes).text;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}

/** Opens the diff between the file as it is now and the proposal, titled with file and risk. */
export async function openPatchDiff(session: Session, runId: string, patchId: string, revealLine?: number): Promise<void> {
  const view = await session.run(runId);
  const { patch, state } = findPatch(view, patchId);
  const left = (await session.files.stat(patch.file))
    ? session.files.uriOf(patch.file)
    : proposalUri({ runId, patchId: NO_PATCH, file: patch.file });
  const right = proposalUri({ runId, patchId, file: patch.file });
  const validity = patch.valid ? '' : ', invalid';
  const title = `${path.posix.basename(patch.file)}: proposal (risk ${riskBadge(patch.risk)}${validity}, ${state.status.replace('_', ' ')})`;
  const options: vscode.TextDocumentShowOptions = { preview: false };
  if (revealLine !== undefined) options.selection = new vscode.Range(revealLine, 0, revealLine, 0);
  await vscode.commands.executeCommand('vscode.diff', left, right, title, options);
  void offerDiffCodeLens(session.context);
}

const CODELENS_NOTICE = 'refactorGuard.diffCodeLensNotice';

/**
 * The per-hunk Approve and Reject are CodeLenses, and VS Code hides CodeLenses in diff editors
 * unless `diffEditor.codeLens` is on. It is the user's setting, so we ask once rather than change it.
 */
async function offerDiffCodeLens(context: vscode.ExtensionContext): Promise<void> {
  if (vscode.workspace.getConfiguration('diffEditor').get<boolean>('codeLens') || context.globalState.get(CODELENS_NOTICE)) return;
  await context.globalState.update(CODELENS_NOTICE, true);
  const choice = await vscode.window.showInformationMessage(
    'Refactor Guard shows Approve and Reject above each hunk as CodeLenses, which VS Code hides in diff editors unless "diffEditor.codeLens" is on.',
    'Turn On',
    'Not Now',
  );
  if (choice === 'Turn On')
    await vscode.workspace.getConfiguration('diffEditor').update('codeLens', true, vscode.ConfigurationTarget.Global);
}
