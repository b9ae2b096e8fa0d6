import * as vscode from 'vscode';
import type { ProvenanceDeps } from './index';
import type { PageSection, PageToHost, PanelVM } from './protocol';
import { ProvenanceSurface, type SurfaceActions } from './surface';

/**
 * The "Provenance" webview view in the Refactor Guard container. It shows the run the user
 * picked (in the approval tree or from "List Runs"), else the latest, under statistics over all
 * runs. The page and its messages are the surface's (surface.ts), shared with the editor panel.
 */
export class ProvenanceViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'refactorGuard.provenance';

  private view: vscode.WebviewView | undefined;
  private viewDisposables: vscode.Disposable[] = [];
  private readonly surface: ProvenanceSurface;

  constructor(extensionUri: vscode.Uri, deps: ProvenanceDeps, actions: SurfaceActions) {
    this.surface = new ProvenanceSurface(extensionUri, deps, 'Provenance view', actions);
    this.surface.pickedRunId = deps.selectedRunId();
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    this.view = view;
    this.surface.attach(view.webview);
    this.viewDisposables.push(
      // The page re-sends `ready` when it is shown again; changes while hidden wait for that.
      view.onDidDispose(() => {
        if (this.view === view) this.disposeView();
      }),
    );
  }

  /**
   * Shows `runId` (undefined: the latest again). Reveals the view when asked, with the run's
   * section scrolled into sight (the statistics above it can push it below a short side bar).
   */
  async showRun(runId: string | undefined, reveal = false): Promise<void> {
    this.surface.pickedRunId = runId;
    if (reveal) {
      this.surface.focusNext('run');
      await this.reveal();
    }
    await this.refresh();
  }

  /** Reveals the view and brings `section` into sight once drawn. */
  async focus(section: PageSection): Promise<void> {
    this.surface.focusNext(section);
    await this.reveal();
    await this.refresh();
  }

  /** The run picked into the view; undefined means it shows the latest. */
  get runId(): string | undefined {
    return this.surface.pickedRunId;
  }

  /** The run on screen: the picked one, else the latest as last drawn. */
  get shownRunId(): string | undefined {
    return this.surface.pickedRunId ?? this.surface.lastPosted?.run?.runId;
  }

  get lastPosted(): PanelVM | undefined {
    return this.surface.lastPosted;
  }

  get postCount(): number {
    return this.surface.postCount;
  }

  async reveal(): Promise<void> {
    if (this.view) this.view.show(true);
    else await vscode.commands.executeCommand(`${ProvenanceViewProvider.viewId}.focus`);
  }

  refresh(): Promise<void> {
    return this.surface.refresh();
  }

  /** What the page asks for. Public so the integration test can send what a click would. */
  handleMessage(m: PageToHost): Promise<void> {
    return this.surface.handleMessage(m);
  }

  private disposeView(): void {
    for (const d of this.viewDisposables.splice(0)) d.dispose();
    this.surface.detach();
    this.view = undefined;
  }

  dispose(): void {
    this.disposeView();
  }
}
