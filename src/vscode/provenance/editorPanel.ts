import * as vscode from 'vscode';
import { collapseWhitespace, truncate } from '../../core/text';
import type { ProvenanceDeps } from './index';
import type { PageToHost, PanelVM } from './protocol';
import { ProvenanceSurface, type SurfaceActions } from './surface';

/**
 * "Open Provenance in Editor": the same page as the side view, in a webview panel in the editor
 * area, where a run with long findings and many patches has room. One panel: opening it for
 * another run shows that run in it. It stays on the run it was opened for (the side view
 * follows the Runs tree's selection), and redraws when the store changes.
 */
export class ProvenanceEditorPanel implements vscode.Disposable {
  static readonly viewType = 'refactorGuard.provenanceEditor';

  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly surface: ProvenanceSurface;

  constructor(
    private readonly extensionUri: vscode.Uri,
    deps: ProvenanceDeps,
    actions: SurfaceActions,
  ) {
    this.surface = new ProvenanceSurface(extensionUri, deps, 'Provenance editor', {
      ...actions,
      rendered: (model) => this.retitle(model),
    });
  }

  /** Opens (or brings forward) the panel showing `runId`; undefined shows the latest run. */
  async open(runId: string | undefined): Promise<void> {
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(
        ProvenanceEditorPanel.viewType,
        'Provenance',
        { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
        { enableScripts: true, retainContextWhenHidden: false, enableFindWidget: true },
      );
      panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'refactor-guard.svg');
      this.panel = panel;
      this.surface.attach(panel.webview);
      this.panelDisposables.push(
        panel.onDidDispose(() => {
          if (this.panel === panel) this.disposePanel();
        }),
      );
    } else {
      this.panel.reveal(undefined, false);
    }
    this.surface.pickedRunId = runId;
    await this.surface.refresh();
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  get title(): string | undefined {
    return this.panel?.title;
  }

  get runId(): string | undefined {
    return this.surface.pickedRunId;
  }

  get lastPosted(): PanelVM | undefined {
    return this.surface.lastPosted;
  }

  get postCount(): number {
    return this.surface.postCount;
  }

  /** Shows another run in the open panel ("Other run…" from its page). */
  async showRun(runId: string): Promise<void> {
    this.surface.pickedRunId = runId;
    await this.surface.refresh();
  }

  refresh(): Promise<void> {
    return this.surface.refresh();
  }

  handleMessage(m: PageToHost): Promise<void> {
    return this.surface.handleMessage(m);
  }

  private retitle(model: PanelVM): void {
    if (!this.panel) return;
    const instruction = model.run ? truncate(collapseWhitespace(model.run.instruction), 40) : undefined;
    this.panel.title = instruction ? `Provenance: ${instruction}` : 'Provenance';
  }

  private disposePanel(): void {
    for (const d of this.panelDisposables.splice(0)) d.dispose();
    this.surface.detach();
    this.panel = undefined;
  }

  dispose(): void {
    const panel = this.panel;
    this.disposePanel();
    panel?.dispose();
  }
}
