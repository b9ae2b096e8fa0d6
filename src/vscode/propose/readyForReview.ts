import * as vscode from 'vscode';
import type { RunRecord } from '../../core/provenance/schema';
import type { Session } from '../session';

/**
 * What a finished run says when it has patches to review: a status-bar entry, not a notification.
 * A notification with a button stays in the corner of the editor area until dismissed, over the
 * very diff the person opens to review; the Runs view is already revealed at the run (Approve and
 * Reject inline), so the entry only has to say the run is ready and take one click to the review.
 * It stays while something of the run is left to decide, and gives way to the next run's.
 */
let item: vscode.StatusBarItem | undefined;
let shownRunId: string | undefined;
let watching: vscode.Disposable | undefined;

export function showReadyForReview(session: Session, record: RunRecord, open: number, review: vscode.Command): void {
  clearReadyForReview();
  const maxRisk = Math.max(...record.patches.map((p) => p.risk.score));
  const patches = `${open} patch${open === 1 ? '' : 'es'}`;
  item ??= vscode.window.createStatusBarItem('refactorGuard.readyForReview', vscode.StatusBarAlignment.Left, 100);
  item.name = 'Refactor Guard: ready for review';
  item.text = `$(git-pull-request) ${patches} to review · risk ${maxRisk.toFixed(2)}`;
  item.tooltip = `Refactor Guard: ${patches} of "${record.instruction.split('\n')[0]}" ready for review, highest risk ${maxRisk.toFixed(2)}. Click to review.`;
  item.command = review;
  item.show();
  shownRunId = record.runId;
  // Decided from anywhere (the Runs view, a CodeLens, the editor title): nothing left to point at.
  watching = session.onDidChange(() => {
    void session.run(record.runId).then(
      (view) => {
        if (shownRunId === record.runId && !view.patches.some((s) => s.status === 'pending' || s.status === 'approved'))
          clearReadyForReview();
      },
      () => undefined,
    );
  });
}

export function clearReadyForReview(): void {
  watching?.dispose();
  watching = undefined;
  item?.hide();
  shownRunId = undefined;
}

/** For the integration tests: what the entry shows now, and what a click on it runs. */
export function readyForReviewState(): { runId: string; text: string; command: vscode.Command | undefined } | undefined {
  if (!item || shownRunId === undefined) return undefined;
  return { runId: shownRunId, text: item.text, command: typeof item.command === 'object' ? item.command : undefined };
}

/** On deactivation (extension.ts puts it in context.subscriptions). */
export function disposeReadyForReview(): void {
  clearReadyForReview();
  item?.dispose();
  item = undefined;
}
