import { computeStats } from '../../core/provenance/stats';
import type { ProvenanceStore } from '../../core/provenance/store';
import type { PanelVM } from './protocol';
import { buildRunVM } from './runViewModel';
import { buildStatsVM } from './statsViewModel';

/**
 * Everything the Provenance view shows, read from the store in one pass: statistics over all
 * runs, and the run picked in the approval tree (or from "List Runs"), else the latest.
 * 'vscode'-free, so it is unit-tested over a real store in a temporary folder.
 */
export async function loadPanelModel(
  store: ProvenanceStore,
  wantedRunId: string | undefined,
  options: { timeZone?: string } = {},
): Promise<PanelVM> {
  const { views, problems } = await store.allViews();
  const stats = buildStatsVM(computeStats(views));
  const notices: string[] = [];
  let view = wantedRunId === undefined ? undefined : views.find((v) => v.run.runId === wantedRunId);
  if (wantedRunId !== undefined && !view) notices.push(`Run ${wantedRunId} is not in the store (pruned or damaged); showing the latest.`);
  const pinned = view !== undefined;
  view ??= views[views.length - 1];
  if (problems.length > 0) {
    notices.push(`${problems.length} damaged record${problems.length === 1 ? '' : 's'} skipped: run "Verify Provenance" for details.`);
  }
  if (view && view.anomalies.length > 0) {
    notices.push(
      `${view.anomalies.length} decision record${view.anomalies.length === 1 ? '' : 's'} of this run break the status rules and were ignored.`,
    );
  }
  if (!view) {
    notices.push('No runs yet. Propose a refactor and its provenance appears here.');
    return { stats, run: null, notice: notices.join(' ') };
  }
  const run = buildRunVM({ run: view.run, decisions: view.decisions, states: view.patches }, { pinned, timeZone: options.timeZone });
  return notices.length > 0 ? { stats, run, notice: notices.join(' ') } : { stats, run };
}
