import * as vscode from 'vscode';
import { errorLine } from '../../core/errorLine';
import { showError } from '../log';
import { mediaRoot, pageHtml } from './html';
import type { ProvenanceDeps } from './index';
import { isPageToHost, type HostToPage, type PageCommand, type PageSection, type PageToHost, type PanelVM } from './protocol';

/** What a surface does with the page's clicks that depend on where the page is shown. */
export interface SurfaceActions {
  /** A toolbar button of the page ("Other run…", "Verify"...). */
  command(command: PageCommand): Promise<void>;
  /** A finding: opens the file at the finding's line, as the attempt named left it when one is. */
  openFinding(m: Extract<PageToHost, { type: 'openFinding' }>): Promise<void>;
  /** Called with each model delivered to the page (the editor panel takes its title from it). */
  rendered?(model: PanelVM): void;
}

/**
 * One webview showing the Provenance page: the side view's, or the editor panel's. Both are the
 * same page (media/provenance/page.js) speaking the one protocol (protocol.ts); a surface holds
 * which run it shows and delivers the model to its page. The page is thrown away when hidden
 * (`retainContextWhenHidden: false`, cheap on memory); it keeps what was open in `vscode.setState`
 * and asks for the model again with `ready`.
 */
export class ProvenanceSurface implements vscode.Disposable {
  private webview: vscode.Webview | undefined;
  private disposables: vscode.Disposable[] = [];
  /** The run this surface shows; undefined means the latest. */
  pickedRunId: string | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private pendingFocus: PageSection | undefined;
  /** What the page was last sent: for the integration test (a hidden command returns it). */
  lastPosted: PanelVM | undefined;
  postCount = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deps: ProvenanceDeps,
    private readonly name: string,
    private readonly actions: SurfaceActions,
  ) {}

  get attached(): boolean {
    return this.webview !== undefined;
  }

  /** Takes over `webview`: the page shell, its resource roots, and its messages until `detach`. */
  attach(webview: vscode.Webview): void {
    this.detach();
    this.webview = webview;
    webview.options = { enableScripts: true, localResourceRoots: [mediaRoot(this.extensionUri)] };
    webview.html = pageHtml(webview, this.extensionUri);
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => {
        if (isPageToHost(m)) void this.handleMessage(m);
        else this.deps.log.warn(`${this.name}: ignored an unknown message from the page.`);
      }),
    );
  }

  detach(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.webview = undefined;
  }

  /** Brings `section` into sight after the next render. */
  focusNext(section: PageSection): void {
    this.pendingFocus = section;
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
    if (!this.webview) return;
    let model: PanelVM;
    try {
      const store = await this.deps.getStore();
      // Loaded when first drawn, not at activation: the view models bring zod and the record schemas.
      const { loadPanelModel } = await import('./panelModel.js');
      model = await loadPanelModel(store, this.pickedRunId);
    } catch (err) {
      this.deps.log.error(`${this.name}: ${errorLine(err)}`);
      model = { stats: null, run: null, notice: `The provenance store could not be read: ${errorLine(err)}` };
    }
    const focus = this.pendingFocus;
    if (await this.post({ type: 'render', model, ...(focus ? { focus } : {}) })) {
      this.pendingFocus = undefined;
      this.actions.rendered?.(model);
    }
  }

  private async post(message: HostToPage): Promise<boolean> {
    if (!this.webview) return false;
    const delivered = await this.webview.postMessage(message);
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
          await this.actions.openFinding(m);
          return;
        case 'command':
          await this.actions.command(m.command);
          return;
      }
    } catch (err) {
      showError(this.name, err);
    }
  }

  dispose(): void {
    this.detach();
  }
}
