import * as vscode from 'vscode';
import { computeStats } from '../../core/provenance/stats';
import type { VerifyResult } from '../../core/provenance/verify';
import { buildExport, exportText } from './exportDocument';
import type { ProvenanceDeps } from './index';
import type { ProvenanceViewProvider } from './panel';
import type { StatsVM } from './protocol';
import { summarize } from '../../core/provenance/views';
import { runStateIcon as stateIcon } from './runIcons';
import { runState } from './runState';
import { runPickRow, runStatusText } from './runText';
import { buildStatsVM, statsText } from './statsViewModel';

/**
 * The palette commands over the provenance store (category "Refactor Guard"). Each returns what
 * it showed, so the integration test can assert on it without reading notifications; arguments
 * (a run id, a target file) skip the pickers for the same reason and for keybindings.
 */
export class ProvenanceCommands {
  constructor(
    private readonly deps: ProvenanceDeps,
    private readonly panel: ProvenanceViewProvider,
  ) {}

  /** The picked run (or `runId`), else the latest: one line, and the panel shows it. */
  async showRunStatus(runId?: string): Promise<string | undefined> {
    const store = await this.deps.getStore();
    const wanted = typeof runId === 'string' ? runId : (this.panel.runId ?? this.deps.selectedRunId());
    const view = wanted ? await store.getRun(wanted) : await store.latestRun();
    if (!view) {
      void vscode.window.showInformationMessage('Refactor Guard: no runs yet.');
      return undefined;
    }
    await this.panel.showRun(view.run.runId, true);
    this.deps.revealRun?.(view.run.runId);
    const text = runStatusText(view);
    void vscode.window.showInformationMessage(text);
    return text;
  }

  /** Quick pick of runs, newest first; the pick becomes the panel's run. */
  async listRuns(): Promise<string | undefined> {
    const picked = await this.pickRun();
    if (!picked) return undefined;
    await this.panel.showRun(picked, true);
    this.deps.revealRun?.(picked);
    return picked;
  }

  /** Quick pick of runs, newest first, each with what it amounts to now; the picked run's id. */
  async pickRun(): Promise<string | undefined> {
    const store = await this.deps.getStore();
    const { views, problems } = await store.allViews();
    if (views.length === 0) {
      void vscode.window.showInformationMessage('Refactor Guard: no runs yet.');
      return undefined;
    }
    const items = views
      .slice(-500)
      .reverse()
      .map((v) => {
        const state = runState(v.run, v.patches);
        return { ...runPickRow(summarize(v), undefined, state), iconPath: stateIcon(state.key) };
      });
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Refactor Guard: Runs',
      placeHolder:
        problems.length > 0 ? `${problems.length} damaged record(s) skipped: run "Verify Provenance"` : 'Pick a run to show its provenance',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    return picked?.runId;
  }

  async showStatistics(): Promise<StatsVM> {
    const store = await this.deps.getStore();
    const { views } = await store.allViews();
    const vm = buildStatsVM(computeStats(views));
    this.deps.log.info(`Provenance statistics:\n${statsText(vm)}`);
    await this.panel.focus('stats');
    return vm;
  }

  /**
   * Writes one run or all runs as JSON to a file the user picks. `scope` ('all' or a run id) and
   * `target` skip the pickers.
   */
  async exportProvenance(scope?: string, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const store = await this.deps.getStore();
    let chosen = typeof scope === 'string' ? scope : undefined;
    if (!chosen) {
      const runs = await store.listRuns({ limit: 500 });
      const all = {
        label: '$(database) All runs',
        description: `${runs.length} run${runs.length === 1 ? '' : 's'} and their decisions`,
        runId: 'all',
      };
      const picked = await vscode.window.showQuickPick([all, ...runs.map((s) => runPickRow(s))], {
        title: 'Refactor Guard: Export Provenance',
        placeHolder: 'What to export',
      });
      if (!picked) return undefined;
      chosen = picked.runId;
    }
    const doc = await buildExport(store, chosen === 'all' ? 'all' : { runId: chosen });
    let uri = target instanceof vscode.Uri ? target : undefined;
    if (!uri) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const name = `refactor-guard-provenance-${chosen === 'all' ? 'all' : doc.scope}.json`;
      uri = await vscode.window.showSaveDialog({
        title: 'Export Provenance',
        saveLabel: 'Export',
        defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
        filters: { JSON: ['json'] },
      });
      if (!uri) return undefined;
    }
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(exportText(doc)));
    this.deps.log.info(`Exported ${doc.records.length} provenance records (${doc.scope}) to ${uri.toString(true)}`);
    void vscode.window
      .showInformationMessage(
        `Refactor Guard: exported ${doc.records.length} record${doc.records.length === 1 ? '' : 's'} to ${displayPath(uri)}.`,
        'Open',
      )
      .then(async (choice) => {
        if (choice === 'Open') await vscode.window.showTextDocument(uri);
      });
    return uri;
  }

  /** Walks the hash chain and reads back every blob; the first problem is shown with the file it is in. */
  async verifyProvenance(): Promise<VerifyResult> {
    const store = await this.deps.getStore();
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Verifying provenance' }, () =>
      store.verify(),
    );
    if (result.ok) {
      void vscode.window.showInformationMessage(
        `Refactor Guard: provenance chain intact, ${result.checked} record${result.checked === 1 ? '' : 's'} and ${result.blobsChecked ?? 0} blob${result.blobsChecked === 1 ? '' : 's'} checked.`,
      );
      return result;
    }
    for (const p of result.problems) this.deps.log.error(`Verify: ${p.message}`);
    const first = result.problems[0]!;
    const more =
      result.problems.length > 1
        ? ` (${result.problems.length - 1} more problem${result.problems.length === 2 ? '' : 's'} in the log)`
        : '';
    void vscode.window.showErrorMessage(`Refactor Guard: provenance store damaged: ${first.message}${more}`, 'Show Log').then((choice) => {
      if (choice === 'Show Log') this.deps.log.show(true);
    });
    return result;
  }
}

function displayPath(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? vscode.workspace.asRelativePath(uri) : uri.toString(true);
}
