import * as vscode from 'vscode';
import { DEFAULT_PRESETS, PRESET_NAMES, type PresetName } from '../../core/settings';

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

/** The preset, asked only when the user never chose one in settings. */
export async function askPreset(current: PresetName): Promise<PresetName | undefined> {
  const items = PRESET_NAMES.map((name) => {
    const p = DEFAULT_PRESETS[name];
    return {
      label: name,
      description: name === current ? 'default' : '',
      detail: `${p.model}, ${p.repairRounds} repair round(s)${p.plan ? ', plans first' : ''}`,
      name,
    };
  });
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Refactor Guard: preset for this run',
    placeHolder: 'Set refactorGuard.preset to stop being asked',
  });
  return pick?.name;
}
