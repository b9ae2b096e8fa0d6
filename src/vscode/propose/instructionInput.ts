import * as vscode from 'vscode';
import { DEFAULT_PRESETS, PRESET_NAMES, type PresetName } from '../../core/settings';

const RECENT_KEY = 'refactorGuard.recentInstructions';
const RECENT_MAX = 12;

/** Asks for the instruction, offering the recent ones of this workspace; undefined when dismissed. */
export async function askInstruction(state: vscode.Memento, targetsLabel: string): Promise<string | undefined> {
  const recent = state.get<string[]>(RECENT_KEY, []);
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem>();
  qp.title = `Refactor Guard: Propose Refactor (${targetsLabel})`;
  qp.placeholder = 'Describe the change, for example "Add caching to getUser"';
  qp.ignoreFocusOut = true;
  const recentItems: vscode.QuickPickItem[] = recent.map((r) => ({ label: r, description: 'recent' }));
  qp.items = recentItems;
  qp.onDidChangeValue((v) => {
    const typed = v.trim();
    qp.items =
      typed && !recent.includes(typed) ? [{ label: typed, description: 'new instruction', alwaysShow: true }, ...recentItems] : recentItems;
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
  if (result) await rememberInstruction(state, result);
  return result;
}

export async function rememberInstruction(state: vscode.Memento, instruction: string): Promise<void> {
  const recent = state.get<string[]>(RECENT_KEY, []).filter((r) => r !== instruction);
  await state.update(RECENT_KEY, [instruction, ...recent].slice(0, RECENT_MAX));
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
