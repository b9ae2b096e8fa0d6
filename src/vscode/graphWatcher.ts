import * as vscode from 'vscode';
import { runningEngine } from './engineHost/editorEngine';
import { loadedRunner } from './loadEngine';
import type { Session } from './session';

/**
 * Keeps the symbol graph in step with the workspace as files are saved, created and deleted, so
 * the next run's context is built from a warm, current graph. It does nothing until the engine
 * has been loaded by a run: watching must not pull the engine into activation.
 */
export function watchSymbolGraph(session: Session): vscode.Disposable {
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(session.folder, '**/*'));
  const update = async (uri: vscode.Uri): Promise<void> => {
    // Relative to this session's folder only: asRelativePath answers for any folder of a
    // multi-root window, which would re-index the wrong file.
    const rel = session.files.relativeOf(uri);
    if (rel === undefined) return;
    // Runs build their graph in the engine's worker thread; it updates it there if a run built it.
    runningEngine()?.fileChanged(session.files.root, session.cacheDir, rel);
    const engine = await loadedRunner();
    if (!engine) return;
    const graph = engine.getSymbolGraph({ files: session.files, cacheDir: session.cacheDir });
    // The engine is also loaded by just reading the store (the Runs view). A graph no run has built
    // yet has neither its .gitignore rules nor its disk cache loaded: updating it would parse
    // ignored files and then save a cache of those few entries over the last session's.
    if (!graph.built) return;
    await graph.updateFile(rel).catch(() => undefined);
  };
  const onEvent = (uri: vscode.Uri) => void update(uri);
  return vscode.Disposable.from(watcher, watcher.onDidChange(onEvent), watcher.onDidCreate(onEvent), watcher.onDidDelete(onEvent));
}

/** On deactivate: the graph's pending cache write goes to disk, warm TypeScript services are freed. */
export async function flushEngineState(session: Session | undefined): Promise<void> {
  // The worker writes its graph caches, frees its TypeScript services and ends; the next run starts a fresh one.
  await runningEngine()?.dispose();
  const engine = await loadedRunner();
  if (!engine) return;
  if (session)
    await engine
      .getSymbolGraph({ files: session.files, cacheDir: session.cacheDir })
      .flush()
      .catch(() => undefined);
  engine.disposeTsProjects();
  engine.disposeSymbolGraphs();
}
