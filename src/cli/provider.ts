import * as path from 'node:path';
import { createProvider } from '../core/models/factory';
import { ProviderError, type ModelProvider } from '../core/models/provider';
import { ReplayProvider } from '../core/models/replay';
import type { Settings } from '../core/settings';
import { CliError, EXIT, usage } from './errors';

/** The provider the settings name; a replay needs a transcript (flag or setting). */
export function cliProvider(
  settings: Settings,
  presetModel: string,
  env: Record<string, string | undefined>,
  transcript?: string,
): ModelProvider {
  const replay = (): ModelProvider => {
    const file = transcript || settings['replay.transcript'];
    if (!file) throw usage('The replay provider needs a transcript: pass --transcript FILE or set replay.transcript.');
    return new ReplayProvider(path.resolve(file));
  };
  try {
    if (settings.provider === 'replay') return replay();
    return createProvider(settings, { presetModel, env, replay });
  } catch (err) {
    if (err instanceof CliError) throw err;
    if (err instanceof ProviderError) throw new CliError(err.message, err.kind === 'bad_request' ? EXIT.usage : EXIT.provider);
    throw err;
  }
}
