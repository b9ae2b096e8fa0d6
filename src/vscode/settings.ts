import * as vscode from 'vscode';
import type { Settings } from '../core/settings';
import { loadEngine } from './loadEngine';

export const SECTION = 'refactorGuard';

/**
 * VS Code's `refactorGuard.*` configuration through the one settings reader. Every key of the
 * schema is read (package.json declares the same defaults, a unit test keeps them in step), so a
 * bad value fails here with a message naming the setting.
 */
export async function readVsCodeSettings(scope?: vscode.ConfigurationScope): Promise<Settings> {
  // Loaded on first use: the schema brings zod, which activation does not need.
  const { SettingsSchema, readSettings } = await loadEngine();
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(SettingsSchema.shape)) {
    const value = config.get(key);
    if (value !== undefined && value !== null) raw[key] = value;
  }
  return readSettings(raw);
}

/** Whether the user (or the workspace) chose a preset; when not, Propose Refactor asks. */
export function presetChosenByUser(scope?: vscode.ConfigurationScope): boolean {
  const info = vscode.workspace.getConfiguration(SECTION, scope).inspect('preset');
  return info?.globalValue !== undefined || info?.workspaceValue !== undefined || info?.workspaceFolderValue !== undefined;
}
