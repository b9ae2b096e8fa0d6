import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import { errorLine } from '../core/errorLine';

/**
 * The one output channel ("Refactor Guard") and the one way errors reach the user: a single line
 * with a "View Logs" button, the detail (stack, cause) only in the log.
 */
let channel: vscode.LogOutputChannel | undefined;

export function createLog(context: vscode.ExtensionContext): vscode.LogOutputChannel {
  channel = vscode.window.createOutputChannel('Refactor Guard', { log: true });
  context.subscriptions.push(channel);
  return channel;
}

export function log(): vscode.LogOutputChannel {
  if (!channel) throw new Error('Refactor Guard log used before activation.');
  return channel;
}

/** The engine's Logger port over the output channel. */
export function engineLogger(): Logger {
  const c = log();
  return {
    info: (m) => c.info(m),
    warn: (m) => c.warn(m),
    error: (m) => c.error(m),
    debug: (m) => c.debug(m),
  };
}

/** Logs the whole error and shows one line with "View Logs". */
export function showError(prefix: string, err: unknown): void {
  log().error(`${prefix}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  showLoggedError(err);
}

/** Shows one line of a failure the log already tells in full (a failed run), with "View Logs". */
export function showLoggedError(err: unknown): void {
  const c = log();
  // Not awaited: the failed command ends now; the message waits for the user on its own.
  void vscode.window.showErrorMessage(`Refactor Guard: ${errorLine(err)}`, 'View Logs').then((choice) => {
    if (choice === 'View Logs') c.show(true);
  });
}

/** Wraps a command handler so that nothing it throws escapes as an unhandled stack trace. */
export function guarded<A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R> | R): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      showError(name, err);
      return undefined;
    }
  };
}
