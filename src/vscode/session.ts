import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProvenanceStore } from '../core/provenance/store';
import type { RunView } from '../core/provenance/views';
import { VscodeWorkspaceFiles } from './host/vscodeWorkspaceFiles';
import { loadEngine } from './loadEngine';
import { log } from './log';

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
    this.storePromise ??= this.openStore();
    // A failed open is not cached: the next command tries again (the folder may have been fixed).
    this.storePromise.catch(() => (this.storePromise = undefined));
    return this.storePromise;
  }

  /**
   * The store signed with this user's key (kept in the extension's global storage, never in the
   * workspace), after settling what an interrupted apply or rollback left. Unsigned records an
   * earlier release wrote here are adopted: this folder is VS Code's own per-workspace storage,
   * which no repository can carry, so they can only be this installation's.
   */
  private async openStore(): Promise<ProvenanceStore> {
    const { ProvenanceStore, StoreKey, review } = await loadEngine();
    const key = await StoreKey.loadOrCreate(path.join(this.context.globalStorageUri.fsPath, 'store.key'));
    const store = await ProvenanceStore.open(this.storeDir, { key });
    for (const r of await review.recoverJournal(store, review.workspaceWriter(this.files))) {
      log().warn(r.message);
      void vscode.window.showWarningMessage(`Refactor Guard: ${r.message}`);
    }
    const { unsigned } = await store.verify();
    if (unsigned > 0) {
      const adopted = await store
        .adopt(this.actor())
        .catch((err: unknown) =>
          log().warn(`Records from an earlier release were not adopted: ${err instanceof Error ? err.message : String(err)}`),
        );
      if (adopted) log().info(`Adopted ${unsigned} record(s) written by an earlier release, through record ${adopted.throughSeq}.`);
    }
    return store;
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
