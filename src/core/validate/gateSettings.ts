import { z } from 'zod';
import { SettingsError, SettingsSchema, type Settings } from '../settings';

/**
 * The settings the gates read, as a slice of SettingsSchema: each setting is declared once there
 * (type, range, default, the message a bad value gets), and each gate declares the part of this
 * slice it reads (`Gate.settings`), so its `check` sees exactly those keys, typed.
 */
export const GateSettingsSchema = SettingsSchema.pick({
  safeMode: true,
  disabledGates: true,
  gateTimeoutSeconds: true,
  testCommand: true,
  testTimeoutSeconds: true,
  testMemoryMb: true,
  testCoverage: true,
  sandboxIsolation: true,
  typeChecker: true,
  ruffSelect: true,
  pyrightPath: true,
  pythonVersion: true,
  'rules.maxShareChanged': true,
  'rules.complexityBudget': true,
  'rules.diffSizeMinLines': true,
  'rules.truncationMinShare': true,
});

export type GateSettings = z.output<typeof GateSettingsSchema>;
export type GateSettingKey = keyof GateSettings;
/** What a caller may hand in: any subset of the keys, defaults filling the rest. */
export type GateSettingsInput = z.input<typeof GateSettingsSchema>;

/** The settings one gate reads: a pick of GateSettingsSchema. */
export type SettingsSlice<S> = z.ZodType<S> & { readonly shape: Readonly<Record<string, unknown>> };

/** The settings type a slice gives its gate. */
export type SettingsOf<T> = T extends SettingsSlice<infer S> ? S : never;

/** A gate's slice, by the keys it reads. */
export function settingsSlice<const K extends GateSettingKey>(...keys: K[]): SettingsSlice<Pick<GateSettings, K>> {
  const mask = Object.fromEntries(keys.map((k) => [k, true])) as { [P in K]: true };
  return GateSettingsSchema.pick(mask as never) as unknown as SettingsSlice<Pick<GateSettings, K>>;
}

/** The slice of a gate that reads no settings. */
export const NO_SETTINGS = settingsSlice();
export type NoSettings = SettingsOf<typeof NO_SETTINGS>;

/** The gates' part of a host's settings. */
export function gateSettingsOf(settings: Settings): GateSettings {
  return GateSettingsSchema.parse(settings);
}

/**
 * Gate settings built by hand (tests, benchmarks, a gate run on its own): defaults filled in, and
 * an unknown key or a bad value is a SettingsError naming it, never a silent fallback.
 */
export function parseGateSettings(input: GateSettingsInput = {}): GateSettings {
  const result = GateSettingsSchema.strict().safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [issue.path.map(String).join('.')];
  throw new SettingsError(`Gate setting ${keys.join(', ')}: ${issue.message}`);
}
