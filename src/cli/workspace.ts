import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { NodeWorkspaceFiles } from '../core/host/nodeWorkspaceFiles';
import { ProvenanceStore } from '../core/provenance/store';
import { readSettings, SettingsError, type Settings } from '../core/settings';
import { usage } from './errors';
import { errorLine } from '../core/errorLine';
import { normalizeWorkspacePath } from '../core/workspacePath';

export const STORE_FOLDER = '.refactor-guard';

export interface CliWorkspace {
  root: string;
  files: NodeWorkspaceFiles;
  storeDir: string;
  openStore(): Promise<ProvenanceStore>;
}

export function openWorkspace(dir: string | undefined): CliWorkspace {
  const root = path.resolve(dir ?? process.cwd());
  if (!existsSync(root) || !statSync(root).isDirectory()) throw usage(`Workspace ${root} is not a folder.`);
  const storeDir = path.join(root, STORE_FOLDER);
  return { root, files: new NodeWorkspaceFiles(root), storeDir, openStore: () => ProvenanceStore.open(storeDir) };
}

/**
 * Settings for the CLI: `.refactor-guard/config.json` in the workspace (same keys as the editor's
 * `refactorGuard.*` settings), then the command's flags on top. One reader: core/settings.ts.
 */
export function cliSettings(ws: CliWorkspace, flags: Record<string, unknown>): Settings {
  const file = path.join(ws.storeDir, 'config.json');
  let fromFile: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('it must hold one JSON object');
      fromFile = parsed as Record<string, unknown>;
    } catch (err) {
      throw usage(`${file} is not valid settings: ${errorLine(err)}`);
    }
  }
  const merged = { ...fromFile };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) merged[k] = v;
  try {
    return readSettings(merged);
  } catch (err) {
    if (err instanceof SettingsError) throw usage(err.message);
    throw err;
  }
}

/**
 * Workspace-relative form of a target given on the command line (relative to the workspace, or
 * absolute inside it), normalised: the gates name files by this form, so `./src/a.ts` must become
 * `src/a.ts` or its findings would not be matched to it.
 */
export function targetPath(ws: CliWorkspace, input: string): string {
  if (path.isAbsolute(input)) {
    const rel = path.relative(ws.root, input);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw usage(`Target ${input} is outside the workspace ${ws.root}.`);
    return normalizeWorkspacePath(rel.split(path.sep).join('/'));
  }
  return normalizeWorkspacePath(input);
}
