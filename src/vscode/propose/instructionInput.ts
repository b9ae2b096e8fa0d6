import * as vscode from 'vscode';
import type { PresetName, Settings } from '../../core/settings';
import { presetChoices } from './presetChoices';

const RECENT_KEY = 'refactorGuard.recentInstructions';
const RECENT_SPECS_KEY = 'refactorGuard.recentSpecs';
const RECENT_MAX = 12;

/** Asks for the instruction, offering the recent ones of this workspace; undefined when dismissed. */
export function askInstruction(state: vscode.Memento, targetsLabel: string): Promise<string | undefined> {
  return askRemembered(state, RECENT_KEY, {
    title: `Refactor Guard: Propose Refactor (${targetsLabel})`,
    placeholder: 'Describe the change, for example "Add caching to getUser"',
    newItem: 'new instruction',
  });
}

export async function rememberInstruction(state: vscode.Memento, instruction: string): Promise<void> {
  await remember(state, RECENT_KEY, instruction);
}

/** Asks for the specification of new code, offering the recent ones of this workspace; undefined when dismissed. */
export function askSpec(state: vscode.Memento): Promise<string | undefined> {
  return askRemembered(state, RECENT_SPECS_KEY, {
    title: 'Refactor Guard: Propose Code',
    placeholder: 'Describe the new code, for example "parseDuration(text): \'1h 2m\' to milliseconds; a bad unit is a RangeError"',
    newItem: 'new specification',
  });
}

export async function rememberSpec(state: vscode.Memento, spec: string): Promise<void> {
  await remember(state, RECENT_SPECS_KEY, spec);
}

/** A text typed or picked from this workspace's recent ones (newest first), remembered when given. */
async function askRemembered(
  state: vscode.Memento,
  key: string,
  labels: { title: string; placeholder: string; newItem: string },
): Promise<string | undefined> {
  const recent = state.get<string[]>(key, []);
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem>();
  qp.title = labels.title;
  qp.placeholder = labels.placeholder;
  qp.ignoreFocusOut = true;
  const recentItems: vscode.QuickPickItem[] = recent.map((r) => ({ label: r, description: 'recent' }));
  qp.items = recentItems;
  qp.onDidChangeValue((v) => {
    const typed = v.trim();
    qp.items =
      typed && !recent.includes(typed) ? [{ label: typed, description: labels.newItem, alwaysShow: true }, ...recentItems] : recentItems;
  });
  const result = await new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const chosen = qp.selectedItems[0]?.label ?? qp.value;
      resolve(chosen.trim() || undefined);
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (result) await remember(state, key, result);
  return result;
}

async function remember(state: vscode.Memento, key: string, text: string): Promise<void> {
  const recent = state.get<string[]>(key, []).filter((r) => r !== text);
  await state.update(key, [text, ...recent].slice(0, RECENT_MAX));
}

const LAST_PRESET_KEY = 'refactorGuard.lastPreset';

/**
 * The preset, asked only when the user never chose one in settings (callers check). The last one
 * picked in this workspace comes first and is preselected, so Enter repeats it; each row names the
 * model that will answer with the provider in force (presetChoices.ts).
 */
export async function askPreset(state: vscode.Memento, settings: Settings): Promise<PresetName | undefined> {
  const items = presetChoices(settings, state.get<string>(LAST_PRESET_KEY));
  const qp = vscode.window.createQuickPick<(typeof items)[number]>();
  qp.title = 'Refactor Guard: preset for this run';
  qp.placeholder = 'Set refactorGuard.preset to stop being asked';
  qp.items = items;
  qp.activeItems = items.slice(0, 1);
  const pick = await new Promise<PresetName | undefined>((resolve) => {
    qp.onDidAccept(() => {
      resolve(qp.selectedItems[0]?.name ?? qp.activeItems[0]?.name);
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (pick) await state.update(LAST_PRESET_KEY, pick);
  return pick;
}
