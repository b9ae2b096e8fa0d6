import type { Settings } from '../settings';
import type { GateSettings } from '../validate/gate';

/** The part of the settings the gates read, in the shape they take it. */
export function gateSettingsFrom(settings: Settings): GateSettings {
  return {
    ...(settings.testCommand ? { testCommand: settings.testCommand } : {}),
    testTimeoutMs: settings.testTimeoutSeconds * 1000,
    safeMode: settings.safeMode,
    'rules.maxShareChanged': settings['rules.maxShareChanged'],
    'rules.complexityBudget': settings['rules.complexityBudget'],
    'rules.diffSizeMinLines': settings['rules.diffSizeMinLines'],
    'rules.truncationMinShare': settings['rules.truncationMinShare'],
    disabledGates: settings.disabledGates,
    gateTimeoutMs: settings.gateTimeoutSeconds * 1000,
    testMemoryMb: settings.testMemoryMb,
    ruffSelect: settings.ruffSelect,
    pythonVersion: settings.pythonVersion,
    sandboxIsolation: settings.sandboxIsolation,
    ...(settings.pyrightPath ? { pyrightPath: settings.pyrightPath } : {}),
  };
}
