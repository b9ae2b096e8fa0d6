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

import { errorLine as oneLine } from '../../core/errorLine';
export { oneLine };
