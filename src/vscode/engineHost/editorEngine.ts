import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VscodeWorkspaceFiles } from '../host/vscodeWorkspaceFiles';
import { engineLogger } from '../log';
import { VscodeLmProvider } from '../vscodeLmProvider';
import { EngineHost, type HostModel } from './engineHost';

let engine: EngineHost | undefined;

/**
 * The editor's one engine worker, made on first use (the worker itself starts with the first
 * request: a run, or Propose Refactor asking which function holds the cursor). The bundle puts
 * engineWorker.js beside extension.js.
 */
export function editorEngine(): EngineHost {
  engine ??= new EngineHost({ script: path.join(__dirname, 'engineWorker.js'), logger: engineLogger() });
  return engine;
}

/** The engine if a worker is up: the file watcher and deactivate have nothing to do otherwise. */
export function runningEngine(): EngineHost | undefined {
  return engine?.running ? engine : undefined;
}

/** vscode.lm answers the worker's model calls: the Language Model API exists only on the extension host. */
export function vscodeLmModel(family: string): HostModel {
  const provider = new VscodeLmProvider(family);
  return (request, signal, onProgress) => provider.complete({ ...request, signal, onProgress });
}

/**
 * The bytes VscodeWorkspaceFiles.read gives for files of this folder open with unsaved changes:
 * the worker reads everything else from disk, so its reads answer as the host's would.
 */
export async function dirtyBuffers(files: VscodeWorkspaceFiles): Promise<{ path: string; bytes: Uint8Array }[]> {
  const out: { path: string; bytes: Uint8Array }[] = [];
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty) continue;
    const rel = files.relativeOf(doc.uri);
    if (rel === undefined) continue;
    const bytes = await files.read(rel);
    if (bytes) out.push({ path: rel, bytes });
  }
  return out;
}
