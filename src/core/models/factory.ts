import type { Logger } from '../ports';
import type { Settings } from '../settings';
import { AnthropicProvider } from './anthropic';
import { OpenAICompatibleProvider } from './openaiCompatible';
import { ProviderError, type ModelProvider } from './provider';

export interface ProviderFactoryOptions {
  /** The preset's model; shown in the Anthropic provider's label. Requests carry their own model. */
  presetModel: string;
  /** The environment to read keys and base URLs from (the CLI passes process.env). */
  env: Record<string, string | undefined>;
  /**
   * The Anthropic key from the host's secret storage; wins over ANTHROPIC_API_KEY. It is never
   * handed to another provider: an OpenAI-compatible server may be anyone's.
   */
  apiKey?: string;
  /** Builds the replay provider, which needs host-specific paths. */
  replay?: () => ModelProvider;
  logger?: Logger;
}

/**
 * The provider `settings.provider` names, built from settings alone: no model name is chosen here
 * (the preset names Claude models, `openai.model` the local one). Construction never contacts a
 * server and never fails for a missing key: that is reported by the first call, as key_missing.
 */
export function createProvider(settings: Settings, opts: ProviderFactoryOptions): ModelProvider {
  const retryAndTimeout = {
    maxRetries: settings['anthropic.maxRetries'],
    timeoutMs: settings['anthropic.timeoutSeconds'] * 1000,
    ...(opts.logger ? { logger: opts.logger } : {}),
  };
  switch (settings.provider) {
    case 'anthropic': {
      const apiKey = opts.apiKey ?? opts.env.ANTHROPIC_API_KEY;
      const baseURL = opts.env.ANTHROPIC_BASE_URL?.trim();
      return new AnthropicProvider({
        ...(apiKey ? { apiKey } : {}),
        ...(baseURL ? { baseURL } : {}),
        model: opts.presetModel,
        ...retryAndTimeout,
      });
    }
    case 'openai': {
      const apiKey = opts.env.OPENAI_API_KEY;
      return new OpenAICompatibleProvider({
        baseURL: settings['openai.baseUrl'],
        model: settings['openai.model'],
        ...(apiKey ? { apiKey } : {}),
        ...retryAndTimeout,
      });
    }
    case 'replay':
      if (!opts.replay)
        throw new ProviderError('bad_request', 'The replay provider needs a transcript: set refactorGuard.replay.transcript.');
      return opts.replay();
    case 'vscode-lm':
      throw new ProviderError(
        'bad_request',
        'The vscode-lm provider works only inside VS Code; set refactorGuard.provider to anthropic, openai or replay here.',
      );
  }
}
