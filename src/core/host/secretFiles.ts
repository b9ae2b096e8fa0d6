/**
 * Files on this machine that code Refactor Guard runs must never read: the store key that signs
 * provenance records (key.ts registers it when it loads it). The test gate runs model-written code,
 * and whatever that code prints can end up quoted in a finding, sent to the model in a repair
 * prompt and kept in a record; under bubblewrap each registered file is masked and cannot be read.
 */
const secrets = new Set<string>();

export function registerSecretFile(absolutePath: string): void {
  secrets.add(absolutePath);
}

export function secretFiles(): string[] {
  return [...secrets];
}

/** Environment variables that hold this process's own credentials, removed from the test command's environment. */
export const SECRET_VARIABLES = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'OPENAI_API_KEY', 'REFACTOR_GUARD_KEY_FILE'] as const;
