import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { NodeWorkspaceFiles } from '../core/host/nodeWorkspaceFiles';
import { readRegularFileSync } from '../core/host/regularFile';
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
 * Settings a workspace's own config file may not set: each runs a program or sends the code
 * somewhere, and a repository someone else wrote can carry a `.refactor-guard/config.json`
 * (VS Code restricts the same keys in untrusted workspaces). They come from the user's config
 * file or the command line.
 */
export const USER_ONLY_SETTINGS = ['testCommand', 'pyrightPath', 'promptsFolder', 'replay.transcript', 'openai.baseUrl'] as const;

export interface SettingsSources {
  /** The environment, for the user config's location (XDG_CONFIG_HOME, HOME, REFACTOR_GUARD_CONFIG). */
  env?: Record<string, string | undefined>;
  /** Told once per ignored key. */
  warn?: (message: string) => void;
}

/** `$REFACTOR_GUARD_CONFIG`, else `$XDG_CONFIG_HOME/refactor-guard/config.json`, else `~/.config/refactor-guard/config.json`. */
export function userConfigFile(env: Record<string, string | undefined>): string {
  if (env.REFACTOR_GUARD_CONFIG) return path.resolve(env.REFACTOR_GUARD_CONFIG);
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || homedir(), '.config');
  return path.join(base, 'refactor-guard', 'config.json');
}

/**
 * Settings for the CLI, later sources winning: the user's config file, the workspace's
 * `.refactor-guard/config.json` (same keys as the editor's `refactorGuard.*` settings, less
 * USER_ONLY_SETTINGS), then the command's flags. One reader: core/settings.ts.
 */
export function cliSettings(ws: CliWorkspace, flags: Record<string, unknown>, sources: SettingsSources = {}): Settings {
  const env = sources.env ?? process.env;
  const fromUser = readConfigFile(userConfigFile(env));
  const workspaceFile = path.join(ws.storeDir, 'config.json');
  const fromWorkspace = readConfigFile(workspaceFile);
  for (const key of USER_ONLY_SETTINGS) {
    if (key in fromWorkspace) {
      delete fromWorkspace[key];
      sources.warn?.(`refactor-guard: ignored ${key} from ${workspaceFile}: a workspace may not set it; put it in ${userConfigFile(env)} or pass it as a flag.`);
    }
  }
  const merged = { ...fromUser, ...fromWorkspace };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) merged[k] = v;
  try {
    return readSettings(merged);
  } catch (err) {
    if (err instanceof SettingsError) throw usage(err.message);
    throw err;
  }
}

function readConfigFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  try {
    // readRegularFileSync: a FIFO as the workspace's config.json would block every command.
    const parsed: unknown = JSON.parse(readRegularFileSync(file).toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('it must hold one JSON object');
    return { ...(parsed as Record<string, unknown>) };
  } catch (err) {
    throw usage(`${file} is not valid settings: ${errorLine(err)}`);
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
