import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { ModelProvider } from '../core/models/provider';
import { ProviderError } from '../core/models/provider';
import { resolvePreset, type PresetName, type Settings } from '../core/settings';
import { loadRunner } from './loadEngine';
import { engineLogger } from './log';
import { getAnthropicKey } from './secrets';

/**
 * The provider chosen by `refactorGuard.provider`. The engine's factory builds anthropic, openai and
 * replay exactly as the CLI does; vscode-lm exists only here. Loaded on first use (the SDKs are
 * large). The Anthropic key comes from Secret Storage and goes only to the Anthropic client.
 */
export async function createProvider(
  context: vscode.ExtensionContext,
  settings: Settings,
  preset: PresetName,
  workspaceRoot: string,
): Promise<ModelProvider> {
  const { VscodeLmProvider, createProvider: fromSettings, ReplayProvider } = await loadRunner();
  if (settings.provider === 'vscode-lm') return new VscodeLmProvider(settings['vscodeLm.family']);
  const apiKey = settings.provider === 'anthropic' ? await getAnthropicKey(context) : undefined;
  return fromSettings(settings, {
    presetModel: resolvePreset(settings, preset).model,
    env: process.env,
    ...(apiKey ? { apiKey } : {}),
    replay: () => {
      const file = settings['replay.transcript'];
      if (!file)
        throw new ProviderError(
          'bad_request',
          'The replay provider needs refactorGuard.replay.transcript: the path of a recorded transcript.',
        );
      return new ReplayProvider(path.isAbsolute(file) ? file : path.join(workspaceRoot, file));
    },
    logger: engineLogger(),
  });
}
