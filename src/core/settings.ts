import { z } from 'zod';

/**
 * The one reader of settings. Hosts hand in a flat object of `refactorGuard.*` values (VS Code's
 * configuration, the CLI's flags and `.refactor-guard/config.json`); this schema fills defaults and
 * rejects bad values with a message naming the setting. package.json `contributes.configuration`
 * declares the same keys for the editor; a unit test keeps the two in step.
 */

export const PRESET_NAMES = ['fast', 'balanced', 'quality'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const PresetSchema = z.object({
  model: z.string().min(1),
  maxTokens: z.number().int().min(256).max(128000),
  /** Repair rounds after the first attempt. */
  repairRounds: z.number().int().min(0).max(10),
  /** Whether a plan call comes before the edit call. */
  plan: z.boolean(),
  /** Token budget for the context given to the model. */
  contextBudget: z.number().int().min(500),
});
export type Preset = z.infer<typeof PresetSchema>;

export const DEFAULT_PRESETS: Record<PresetName, Preset> = {
  fast: { model: 'claude-haiku-5-5', maxTokens: 8192, repairRounds: 1, plan: false, contextBudget: 4000 },
  balanced: { model: 'claude-sonnet-5-5', maxTokens: 16000, repairRounds: 2, plan: false, contextBudget: 8000 },
  quality: { model: 'claude-opus-5-5', maxTokens: 32000, repairRounds: 3, plan: true, contextBudget: 16000 },
};

export const PROVIDER_IDS = ['anthropic', 'openai', 'vscode-lm', 'replay'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export const SettingsSchema = z.object({
  preset: z.enum(PRESET_NAMES).default('balanced'),
  presets: z
    .object({
      fast: PresetSchema.partial().default({}),
      balanced: PresetSchema.partial().default({}),
      quality: PresetSchema.partial().default({}),
    })
    .partial()
    .default({}),
  provider: z.enum(PROVIDER_IDS).default('anthropic'),
  'anthropic.maxRetries': z.number().int().min(0).max(10).default(2),
  'anthropic.timeoutSeconds': z.number().min(5).max(3600).default(300),
  'openai.baseUrl': z.string().default('http://localhost:11434/v1'),
  'openai.model': z.string().default('qwen2.5-coder:14b'),
  'vscodeLm.family': z.string().default(''),
  'replay.transcript': z.string().default(''),
  testCommand: z.string().default(''),
  testTimeoutSeconds: z.number().min(1).max(3600).default(120),
  testCoverage: z.boolean().default(true),
  safeMode: z.boolean().default(true),
  autoApply: z.boolean().default(false),
  maxRisk: z.number().min(0).max(1).default(0.3),
  promptsFolder: z.string().default(''),
  'context.wholeFiles': z.boolean().default(false),
  'rules.maxShareChanged': z.number().min(0).max(1).default(0.6),
  'rules.complexityBudget': z.number().int().min(1).default(10),
  'retention.maxRuns': z.number().int().min(0).default(200),
  disabledGates: z.array(z.string()).default([]),
  gateTimeoutSeconds: z.number().min(5).max(3600).default(120),
  testMemoryMb: z.number().int().min(64).default(2048),
  // Pyflakes (F: undefined names, unused and shadowed imports) and E9 (syntax, I/O). An empty list
  // would make the lint gate pass everything; turning it off is disabledGates' job.
  ruffSelect: z
    .array(z.string())
    .min(1, 'name at least one ruff rule selector (add "ruff" to disabledGates to turn the gate off)')
    .default(['F', 'E9']),
  pyrightPath: z.string().default(''),
  pythonVersion: z
    .string()
    .regex(/^(3\.\d+)?$/, 'a Python version such as "3.11", or empty')
    .default(''),
  'rules.diffSizeMinLines': z.number().int().min(0).default(20),
  'rules.truncationMinShare': z.number().min(0).max(1).default(0.4),
  sandboxIsolation: z.enum(['auto', 'copy']).default('auto'),
  /** Which TypeScript judges types: the native TypeScript 7 where it can, or always TypeScript 6. */
  typeChecker: z.enum(['auto', 'typescript6']).default('auto'),
  /** Where the editor shows a proposal for review: in the file's own editor, or the diff editor. */
  'review.layout': z.enum(['inline', 'diff']).default('inline'),
});
export type Settings = z.infer<typeof SettingsSchema>;

/**
 * Settings a workspace may not set for itself: each runs a program or sends the code somewhere,
 * and a repository someone else wrote can carry them. The CLI ignores them in a workspace's
 * config file; package.json lists the same keys as `restrictedConfigurations`, which VS Code
 * ignores at workspace level until the workspace is trusted (a unit test keeps the two lists equal).
 */
export const USER_ONLY_SETTINGS = [
  'testCommand',
  'pyrightPath',
  'promptsFolder',
  'replay.transcript',
  'openai.baseUrl',
  'sandboxIsolation',
] as const satisfies readonly (keyof Settings)[];

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** Parses settings; a bad value is one line naming the key: `Setting refactorGuard.maxRisk: ...`. */
export function readSettings(raw: Record<string, unknown>): Settings {
  const result = SettingsSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const key = issue.path.map(String).join('.');
  throw new SettingsError(`Setting refactorGuard.${key}: ${issue.message}`);
}

/** The preset in force, with the user's overrides merged over the defaults. */
export function resolvePreset(settings: Settings, name: PresetName = settings.preset): Preset & { name: PresetName } {
  return { name, ...DEFAULT_PRESETS[name], ...(settings.presets[name] ?? {}) };
}
