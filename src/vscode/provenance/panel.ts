import * as vscode from 'vscode';
import { normalizeWorkspacePath } from '../../core/workspacePath';
import { COMMANDS } from '../commands/commandIds';
import { errorLine } from '../../core/errorLine';
import { showError } from '../log';
import { mediaRoot, pageHtml } from './html';
import { isPageToHost, type HostToPage, type PageCommand, type PageSection, type PageToHost, type PanelVM } from './protocol';
import type { ProvenanceDeps } from './index';

/** The palette command each of the page's toolbar buttons runs. */
const PAGE_COMMAND_IDS: Record<PageCommand, string> = {
  listRuns: COMMANDS.listRuns.id,
  showStatistics: COMMANDS.showStatistics.id,
  exportProvenance: COMMANDS.exportProvenance.id,
  verifyProvenance: COMMANDS.verifyProvenance.id,
  refresh: COMMANDS.refreshProvenance.id,
};

/**
 * The "Provenance" webview view in the Refactor Guard container. It shows the run the user
 * picked (in the approval tree or from "List Runs"), else the latest, under statistics over all
 * runs. The page is thrown away when hidden (`retainContextWhenHidden: false`, cheap on memory);
 * it keeps what was open in `vscode.setState` and asks for the model again with `ready`.
 */
export class ProvenanceViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'refactorGuard.provenance';

  private view: vscode.WebviewView | undefined;
  private viewDisposables: vscode.Disposable[] = [];
  /** The run picked most recently, by the tree or by "List Runs"; undefined means the latest. */
  private pickedRunId: string | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private pendingFocus: PageSection | undefined;
  /** What the page was last sent: for the integration test (a hidden command returns it). */
  lastPosted: PanelVM | undefined;
  postCount = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deps: ProvenanceDeps,
  ) {
    this.pickedRunId = deps.selectedRunId();
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    this.view = view;
    view.webview.options = { enableScripts: true, localResourceRoots: [mediaRoot(this.extensionUri)] };
    view.webview.html = pageHtml(view.webview, this.extensionUri);
    this.viewDisposables.push(
      view.webview.onDidReceiveMessage((m: unknown) => {
        if (isPageToHost(m)) void this.handleMessage(m);
        else this.deps.log.warn(`Provenance view: ignored an unknown message from the page.`);
      }),
      // The page re-sends `ready` when it is shown again; changes while hidden wait for that.
      view.onDidDispose(() => {
        if (this.view === view) this.disposeView();
      }),
    );
  }

  /** Shows `runId` (undefined: the latest again). Reveals the view when asked. */
  async showRun(runId: string | undefined, reveal = false): Promise<void> {
    this.pickedRunId = runId;
    if (reveal) await this.reveal();
    await this.refresh();
  }

  /** Reveals the view and brings `section` into sight once drawn. */
  async focus(section: PageSection): Promise<void> {
    this.pendingFocus = section;
    await this.reveal();
    await this.refresh();
  }

  get runId(): string | undefined {
    return this.pickedRunId;
  }

  async reveal(): Promise<void> {
    if (this.view) this.view.show(true);
    else await vscode.commands.executeCommand(`${ProvenanceViewProvider.viewId}.focus`);
  }

  /** Rebuilds the model and posts it. Calls that arrive while one runs coalesce into one more. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        await this.renderOnce();
      } while (this.refreshAgain);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async renderOnce(): Promise<void> {
    if (!this.view) return;
    let model: PanelVM;
    try {
      const store = await this.deps.getStore();
      // Loaded when first drawn, not at activation: the view models bring zod and the record schemas.
      const { loadPanelModel } = await import('./panelModel.js');
      model = await loadPanelModel(store, this.pickedRunId);
    } catch (err) {
      this.deps.log.error(`Provenance view: ${errorLine(err)}`);
      model = { stats: null, run: null, notice: `The provenance store could not be read: ${errorLine(err)}` };
    }
    const focus = this.pendingFocus;
    if (await this.post({ type: 'render', model, ...(focus ? { focus } : {}) })) this.pendingFocus = undefined;
  }

  private async post(message: HostToPage): Promise<boolean> {
    if (!this.view) return false;
    const delivered = await this.view.webview.postMessage(message);
    if (delivered) {
      this.lastPosted = message.model;
      this.postCount++;
    }
    return delivered;
  }

  /** What the page asks for. Public so the integration test can send what a click would. */
  async handleMessage(m: PageToHost): Promise<void> {
    try {
      switch (m.type) {
        case 'ready':
          await this.refresh();
          return;
        case 'openPatch':
          await this.deps.openPatchDiff(m.runId, m.patchId);
          return;
        case 'openFinding':
          await this.openFinding(m.file, m.line, m.column);
          return;
        case 'command':
          await vscode.commands.executeCommand(PAGE_COMMAND_IDS[m.command]);
          return;
      }
    } catch (err) {
      showError('Provenance view', err);
    }
  }

  /** Opens a finding's file at its position. The path comes from the page, so it must stay in the workspace. */
  private async openFinding(file: string, line: number, column: number): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error('Open a folder to go to a finding.');
    let normal: string;
    try {
      normal = normalizeWorkspacePath(file);
    } catch {
      // The engine's reason names a "Path"; the user clicked a finding, so say that.
      throw new Error(`Finding path ${file} is outside the workspace.`);
    }
    const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
    await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, normal), {
      selection: new vscode.Range(position, position),
      preview: true,
    });
  }

  private disposeView(): void {
    for (const d of this.viewDisposables.splice(0)) d.dispose();
    this.view = undefined;
  }

  dispose(): void {
    this.disposeView();
  }
}
