import * as vscode from 'vscode';
import type { RunStateKey } from './runState';

/**
 * One icon per run state, shared by the Runs tree and "List Runs": in a narrow side bar the
 * icon is what is left of a run's status once the label is cut, so shape and colour carry it.
 */
export function runStateIcon(state: RunStateKey): vscode.ThemeIcon {
  const icon = (id: string, color?: string) => new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
  switch (state) {
    case 'proposed':
      return icon('git-pull-request', 'charts.blue');
    case 'applied':
      return icon('pass-filled', 'testing.iconPassed');
    case 'partly_applied':
      return icon('pass', 'charts.yellow');
    case 'rejected':
      return icon('close', 'descriptionForeground');
    case 'rolled_back':
      return icon('discard', 'descriptionForeground');
    case 'stale':
      return icon('history', 'editorWarning.foreground');
    case 'no_valid_patch':
      return icon('error', 'testing.iconFailed');
    case 'no_changes':
      return icon('circle-outline', 'descriptionForeground');
    case 'cancelled':
      return icon('circle-slash', 'descriptionForeground');
    case 'provider_error':
    case 'failed':
      return icon('warning', 'editorWarning.foreground');
  }
}
