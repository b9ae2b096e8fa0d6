import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProvenanceStore } from '../core/provenance/store';
import type { RunView } from '../core/provenance/views';
import { VscodeWorkspaceFiles } from './host/vscodeWorkspaceFiles';
import { loadEngine } from './loadEngine';

/**
 * What every review command works on: the workspace folder, its files, and the provenance store in
 * the extension's workspace storage. Opened on first use, not at activation, so a window that never
 * uses Refactor Guard never loads the store. Every state change goes through `changed()`, which
 * the approval tree, the CodeLenses and the proposal documents listen to.
 */
export class Session implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private storePromise: Promise<ProvenanceStore> | undefined;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly folder: vscode.WorkspaceFolder,
    readonly files: VscodeWorkspaceFiles,
    readonly storeDir: string,
    /** The symbol graph's disk cache, beside the provenance store in workspace storage. */
    readonly cacheDir: string = path.join(path.dirname(storeDir), 'cache'),
  ) {}

  static create(context: vscode.ExtensionContext): Session | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const storage = context.storageUri;
    if (!folder || !storage) return undefined;
    return new Session(context, folder, new VscodeWorkspaceFiles(folder), path.join(storage.fsPath, 'provenance'));
  }

  store(): Promise<ProvenanceStore> {
    this.storePromise ??= loadEngine().then(({ ProvenanceStore }) => ProvenanceStore.open(this.storeDir));
    // A failed open is not cached: the next command tries again (the folder may have been fixed).
    this.storePromise.catch(() => (this.storePromise = undefined));
    return this.storePromise;
  }

  async views(): Promise<RunView[]> {
    const { views } = await (await this.store()).allViews();
    return views.reverse();
  }

  async run(runId: string): Promise<RunView> {
    return (await this.store()).getRun(runId);
  }

  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Runs review operations one at a time. Two quick clicks on Approve would otherwise both see the
   * patch pending; the second would find the file already changed and mark the applied patch stale.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  changed(): void {
    this.emitter.fire();
  }

  /** Who decided, for the provenance record. */
  actor(): string {
    let user = 'user';
    try {
      user = os.userInfo().username || user;
    } catch {
      // No user name on this host (some containers): the generic one is still honest.
    }
    return `vscode:${user}`;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
