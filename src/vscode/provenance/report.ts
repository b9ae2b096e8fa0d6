import * as vscode from 'vscode';
import type { ProvenanceDeps } from './index';

/**
 * How the provenance view and commands fail: the whole error in the log, one line to the user
 * with "View Logs", the same as the rest of the extension (src/vscode/log.ts), but through the
 * injected log channel so this module needs nothing global.
 */
export function reportError(log: ProvenanceDeps['log'], what: string, err: unknown): void {
  log.error(`${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  void vscode.window.showErrorMessage(`Refactor Guard: ${oneLine(err)}`, 'View Logs').then((choice) => {
    if (choice === 'View Logs') log.show(true);
  });
}

export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split(/\r?\n/)[0] ?? '').trim() || 'Unknown error.';
}
