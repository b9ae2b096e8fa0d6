import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { NodeWorkspaceFiles } from '../core/host/nodeWorkspaceFiles';
import { readRegularFileSync } from '../core/host/regularFile';
import { StoreKey } from '../core/provenance/key';
import { ProvenanceStore } from '../core/provenance/store';
import { recoverJournal } from '../core/review/recover';
import { workspaceWriter } from '../core/review/writer';
import { readSettings, SettingsError, USER_ONLY_SETTINGS, type Settings } from '../core/settings';
import { usage } from './errors';
import { errorLine } from '../core/errorLine';
import { normalizeWorkspacePath } from '../core/workspacePath';

export const STORE_FOLDER = '.refactor-guard';

export interface CliWorkspace {
  root: string;
  files: NodeWorkspaceFiles;
  storeDir: string;
  /**
   * The store, signed with the user's key, after settling what an interrupted apply or rollback
   * left (every command does that first); `notify` hears what was settled, one line each.
   */
  openStore(notify?: (message: string) => void): Promise<ProvenanceStore>;
}

export function openWorkspace(dir: string | undefined): CliWorkspace {
  const root = path.resolve(dir ?? process.cwd());
  if (!existsSync(root) || !statSync(root).isDirectory()) throw usage(`Workspace ${root} is not a folder.`);
  const storeDir = path.join(root, STORE_FOLDER);
  const files = new NodeWorkspaceFiles(root);
  const openStore = async (notify?: (message: string) => void): Promise<ProvenanceStore> => {
    const key = await StoreKey.loadOrCreate(userKeyFile(process.env));
    const store = await ProvenanceStore.open(storeDir, { key, ignoreFile: true, ...lockWait(process.env) });
    for (const r of await recoverJournal(store, workspaceWriter(files))) notify?.(`refactor-guard: ${r.message}`);
    return store;
  };
  return { root, files, storeDir, openStore };
}

/**
 * The key that signs this user's provenance records: `$REFACTOR_GUARD_KEY_FILE`, else
 * `store.key` beside the user config (`$XDG_CONFIG_HOME/refactor-guard/`, `~/.config/refactor-guard/`).
 * It never lives in a workspace, so a store a repository carries cannot be signed with it.
 */
export function userKeyFile(env: Record<string, string | undefined>): string {
  if (env.REFACTOR_GUARD_KEY_FILE) return path.resolve(env.REFACTOR_GUARD_KEY_FILE);
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || homedir(), '.config');
  return path.join(base, 'refactor-guard', 'store.key');
}

/** `REFACTOR_GUARD_LOCK_WAIT_MS`: how long to wait for another command holding the store (default 30 s). */
function lockWait(env: Record<string, string | undefined>): { lockWaitMs?: number } {
  const ms = Number(env.REFACTOR_GUARD_LOCK_WAIT_MS);
  return env.REFACTOR_GUARD_LOCK_WAIT_MS !== undefined && Number.isFinite(ms) && ms >= 0 ? { lockWaitMs: ms } : {};
}

/**
 * A workspace's own `.refactor-guard/config.json` may not set USER_ONLY_SETTINGS: a repository
 * someone else wrote can carry one. They come from the user's config file or the command line.
 */

/** The flags that set some of them, for the warning (the others have none). */
const USER_ONLY_FLAGS: Partial<Record<(typeof USER_ONLY_SETTINGS)[number], string>> = {
  testCommand: '--test-command CMD',
  'replay.transcript': '--transcript FILE',
};

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
      const flag = USER_ONLY_FLAGS[key];
      sources.warn?.(
        `refactor-guard: ignored ${key} from ${workspaceFile}: a workspace may not set it; put it in ${userConfigFile(env)}${flag ? ` or pass ${flag}` : ''}.`,
      );
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
