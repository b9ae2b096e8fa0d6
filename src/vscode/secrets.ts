import * as vscode from 'vscode';
import { log } from './log';

const ANTHROPIC_KEY = 'refactorGuard.anthropicApiKey';

/**
 * The Anthropic key stored with "Set API Key", if any; it lives only in SecretStorage and is never
 * logged, recorded or shown. Without one the provider falls back to ANTHROPIC_API_KEY, as the CLI does.
 */
export async function getAnthropicKey(context: vscode.ExtensionContext): Promise<string | undefined> {
  return (await context.secrets.get(ANTHROPIC_KEY)) || undefined;
}

export async function setApiKey(context: vscode.ExtensionContext): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: 'Refactor Guard: Anthropic API Key',
    prompt: 'Stored in VS Code Secret Storage, never in settings or logs.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim().length < 8 ? 'That does not look like an API key.' : undefined),
  });
  if (key === undefined) return;
  await context.secrets.store(ANTHROPIC_KEY, key.trim());
  log().info('Anthropic API key stored in Secret Storage.');
  void vscode.window.showInformationMessage('Refactor Guard: API key stored.');
}

export async function clearApiKey(context: vscode.ExtensionContext): Promise<void> {
  await context.secrets.delete(ANTHROPIC_KEY);
  log().info('Anthropic API key removed from Secret Storage.');
  void vscode.window.showInformationMessage('Refactor Guard: API key cleared.');
}
