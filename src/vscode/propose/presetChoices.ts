import * as path from 'node:path';
import { PRESET_NAMES, resolvePreset, type PresetName, type Settings } from '../../core/settings';

/**
 * The rows of the preset pick, 'vscode'-free so they are unit-tested under plain mocha. Each row
 * names what will answer with the provider in force: a preset's Claude model only for the
 * anthropic provider (a replay plays its recording, an OpenAI-compatible server runs its own
 * model), so a replay run is never offered as if Claude wrote it. The preselected row comes first:
 * the person's last choice in this workspace, else the default.
 */

export interface PresetChoice {
  name: PresetName;
  label: string;
  description: string;
  detail: string;
}

/** Who answers with `settings`' provider, whatever the preset names. */
export function answeringModel(settings: Settings, preset: PresetName): string {
  switch (settings.provider) {
    case 'anthropic':
      return resolvePreset(settings, preset).model;
    case 'openai':
      return `${settings['openai.model']} (OpenAI-compatible server)`;
    case 'vscode-lm':
      return settings['vscodeLm.family'] ? `VS Code language model ${settings['vscodeLm.family']}` : 'VS Code language model';
    case 'replay': {
      const file = settings['replay.transcript'];
      return file ? `replay of ${path.basename(file)} (recorded replies, no model called)` : 'replay (no transcript set)';
    }
  }
}

export function presetChoices(settings: Settings, last: string | undefined): PresetChoice[] {
  const first = PRESET_NAMES.find((n) => n === last) ?? settings.preset;
  const ordered = [first, ...PRESET_NAMES.filter((n) => n !== first)];
  return ordered.map((name) => {
    const p = resolvePreset(settings, name);
    const marks = [name === last ? 'last used' : '', name === settings.preset ? 'default' : ''].filter(Boolean);
    return {
      name,
      label: name,
      description: marks.join(', '),
      detail: `${answeringModel(settings, name)}, ${p.repairRounds} repair round${p.repairRounds === 1 ? '' : 's'}${p.plan ? ', plans first' : ''}`,
    };
  });
}
