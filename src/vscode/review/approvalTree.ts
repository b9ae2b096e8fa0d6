import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Hunk } from '../../core/edits/hunk';
import type { Patch, RunRecord } from '../../core/provenance/schema';
import type { PatchState } from '../../core/provenance/status';
import type { RunView } from '../../core/provenance/views';
import { errorLine } from '../../core/errorLine';
import { log } from '../log';
import type { Session } from '../session';
import { coverageText, hunkRange, hunkStatus, riskBadge, riskFactorsText, runStatusWord, statusWord, type HunkStatus } from './labels';
import { followersNote, groupCascades } from '../../core/validate/cascades';
import { runStateIcon } from '../provenance/runIcons';
import { patchOnDisk, runState } from '../provenance/runState';
import { clockTime } from '../provenance/format';
import type { Risk } from '../../core/risk/schema';

export type ReviewNode =
  | { kind: 'run'; runId: string }
  | { kind: 'patch'; runId: string; patchId: string }
  | { kind: 'hunk'; runId: string; patchId: string; hunkId: string }
  | { kind: 'message'; text: string };

/**
 * The approval tree: runs → patches → hunks, read back from the provenance store on every change,
 * so it shows the same thing after a window reload. `contextValue` carries status and validity so
 * that package.json's `viewItem` menus offer only the actions the store would accept.
 */
export class ApprovalTree implements vscode.TreeDataProvider<ReviewNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ReviewNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private cache = new Map<string, RunView>();
  private order: string[] = [];
  private readonly sub: vscode.Disposable;

  constructor(private readonly session: Session | undefined) {
    this.sub = session ? session.onDidChange(() => this.refresh()) : new vscode.Disposable(() => {});
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  view(runId: string): RunView | undefined {
    return this.cache.get(runId);
  }

  /** Newest run first, as the tree shows them. */
  runIds(): string[] {
    return [...this.order];
  }

  /** Reads every run from the store into the cache the items are built from. */
  private async reload(): Promise<RunView[]> {
    const views = await this.session!.views();
    this.cache = new Map(views.map((v) => [v.run.runId, v]));
    this.order = views.map((v) => v.run.runId);
    return views;
  }

  async getChildren(node?: ReviewNode): Promise<ReviewNode[]> {
    if (!this.session) return [{ kind: 'message', text: 'Open a folder to use Refactor Guard.' }];
    if (!node) {
      try {
        const views = await this.reload();
        const problems = views[0]?.storeProblems.length ?? 0;
        const runs: ReviewNode[] = this.order.map((runId) => ({ kind: 'run', runId }));
        return problems > 0 ? [{ kind: 'message', text: `${problems} damaged provenance record(s) skipped.` }, ...runs] : runs;
      } catch (err) {
        log().error(`Reading the provenance store: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return [{ kind: 'message', text: `Cannot read the provenance store: ${errorLine(err)}` }];
      }
    }
    if (node.kind === 'run') {
      const v = this.cache.get(node.runId);
      return v ? v.run.patches.map((p) => ({ kind: 'patch', runId: node.runId, patchId: p.id })) : [];
    }
    if (node.kind === 'patch') {
      const found = this.find(node.runId, node.patchId);
      if (!found || found.patch.hunks.length <= 1) return [];
      return found.patch.hunks.map((h) => ({ kind: 'hunk', runId: node.runId, patchId: node.patchId, hunkId: h.id }));
    }
    return [];
  }

  getParent(node: ReviewNode): ReviewNode | undefined {
    if (node.kind === 'patch') return { kind: 'run', runId: node.runId };
    if (node.kind === 'hunk') return { kind: 'patch', runId: node.runId, patchId: node.patchId };
    return undefined;
  }

  getTreeItem(node: ReviewNode): vscode.TreeItem | Promise<vscode.TreeItem> {
    // reveal() can ask for a run the tree has not listed yet (a run that just finished).
    if (node.kind !== 'message' && !this.cache.has(node.runId) && this.session) {
      return this.reload().then(
        () => this.itemFor(node),
        () => this.itemFor(node),
      );
    }
    return this.itemFor(node);
  }

  private itemFor(node: ReviewNode): vscode.TreeItem {
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('warning');
      return item;
    }
    if (node.kind === 'run') return this.cache.has(node.runId) ? this.runItem(node.runId) : new vscode.TreeItem('(gone)');
    const found = this.find(node.runId, node.patchId);
    if (!found) return new vscode.TreeItem('(gone)');
    if (node.kind === 'patch') return this.patchItem(node.runId, found.patch, found.state);
    const hunk = found.patch.hunks.find((h) => h.id === node.hunkId);
    return hunk ? this.hunkItem(node.runId, found.patch, found.state, hunk) : new vscode.TreeItem('(gone)');
  }

  private find(runId: string, patchId: string): { view: RunView; patch: Patch; state: PatchState } | undefined {
    const view = this.cache.get(runId);
    const patch = view?.run.patches.find((p) => p.id === patchId);
    const state = view?.patches.find((s) => s.patchId === patchId);
    return view && patch && state ? { view, patch, state } : undefined;
  }

  /**
   * A run: its time and instruction as the label (runs of one instruction told apart by time), and
   * what it amounts to now in the icon and first in the description, so a narrow view that cuts
   * the label still shows it.
   */
  private runItem(runId: string): vscode.TreeItem {
    const view = this.cache.get(runId)!;
    const { run } = view;
    // Only the newest run opens by itself; VS Code remembers what the user opens or closes (by id).
    const state =
      run.patches.length === 0
        ? vscode.TreeItemCollapsibleState.None
        : this.order[0] === runId
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(`${clockTime(run.createdAt)} ${run.instruction.split('\n')[0] || '(no instruction)'}`, state);
    item.id = `run:${runId}`;
    const applied = view.patches.some(patchOnDisk);
    const open = view.patches.some((s, i) => (s.status === 'pending' || s.status === 'approved') && run.patches[i]?.valid);
    const now = runState(run, view.patches);
    const counts = view.patches.reduce<Record<string, number>>((acc, s) => ((acc[statusWord(s)] = (acc[statusWord(s)] ?? 0) + 1), acc), {});
    // "2 applied, 1 rejected" says more than the state word once the patches differ.
    const mixed = Object.keys(counts).length > 1;
    const summary = Object.entries(counts)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    const risk = run.patches.length > 0 ? ` · risk ${riskBadge(maxRisk(run.patches.map((p) => p.risk)))}` : '';
    item.description = `${mixed ? summary : now.label}${risk}`;
    item.contextValue = `run.${run.status}${applied ? '.applied' : ''}${open ? '.pending' : ''}`;
    item.iconPath = runStateIcon(now.key);
    return item;
  }

  /** Tooltips are built when hovered, not for every item on every refresh. */
  resolveTreeItem(item: vscode.TreeItem, node: ReviewNode): vscode.TreeItem {
    if (node.kind === 'message') return item;
    const view = this.cache.get(node.runId);
    if (!view) return item;
    if (node.kind === 'run') item.tooltip = runTooltip(view.run, runState(view.run, view.patches).label);
    else {
      const found = this.find(node.runId, node.patchId);
      if (!found) return item;
      const hunk = node.kind === 'hunk' ? found.patch.hunks.find((h) => h.id === node.hunkId) : undefined;
      item.tooltip = hunk ? hunkTooltip(found.patch, found.state, hunk) : patchTooltip(found.patch, found.state);
    }
    return item;
  }

  /** A patch: its status first in the description and as the icon, then its risk. */
  private patchItem(runId: string, patch: Patch, state: PatchState): vscode.TreeItem {
    const open = state.status === 'pending' || state.status === 'approved';
    // A patch whose hunks are still to decide shows them, with their inline Approve and Reject, in the newest run.
    const expand = patch.hunks.length > 1 && open && patch.valid && this.order[0] === runId;
    const item = new vscode.TreeItem(
      path.posix.basename(patch.file),
      patch.hunks.length <= 1
        ? vscode.TreeItemCollapsibleState.None
        : expand
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = `patch:${runId}:${patch.id}`;
    item.description = `${statusWord(state)} · ${riskBadge(patch.risk)}${patch.valid ? '' : ' · invalid'}`;
    item.iconPath = patch.valid
      ? statusIcon(state.partlyApplied ? 'partly' : state.status, patch.risk)
      : new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    item.contextValue = `patch.${state.status}.${patch.valid ? 'valid' : 'invalid'}`;
    item.command = { command: 'refactorGuard.openPatchDiff', title: 'Open Diff', arguments: [{ kind: 'patch', runId, patchId: patch.id }] };
    return item;
  }

  /** A hunk: its status, risk and size, in that order; Approve and Reject sit inline on it (package.json). */
  private hunkItem(runId: string, patch: Patch, state: PatchState, hunk: Hunk): vscode.TreeItem {
    const status = hunkStatus(state, hunk);
    const item = new vscode.TreeItem(hunkRange(hunk), vscode.TreeItemCollapsibleState.None);
    item.id = `hunk:${runId}:${patch.id}:${hunk.id}`;
    item.description = `${status.replace('_', ' ')} · ${riskBadge(hunk.risk)} · +${hunk.added} -${hunk.removed}`;
    item.contextValue = `hunk.${status}.${patch.valid ? 'valid' : 'invalid'}`;
    item.iconPath = patch.valid
      ? statusIcon(status, hunk.risk)
      : new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    item.command = {
      command: 'refactorGuard.openPatchDiff',
      title: 'Open Diff',
      arguments: [{ kind: 'hunk', runId, patchId: patch.id, hunkId: hunk.id }],
    };
    return item;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}

/** The shape says the status, as a run's icon does; an undecided one is coloured by its risk level. */
function statusIcon(status: HunkStatus | PatchState['status'] | 'partly', risk: Risk | undefined): vscode.ThemeIcon {
  if (status === 'pending' || status === 'approved') {
    const color = risk?.level === 'high' ? 'charts.red' : risk?.level === 'medium' ? 'charts.yellow' : 'charts.green';
    return new vscode.ThemeIcon('diff', new vscode.ThemeColor(color));
  }
  return runStateIcon(status === 'partly' ? 'partly_applied' : status);
}

function maxRisk(risks: Risk[]): Risk | undefined {
  return risks.reduce<Risk | undefined>((a, r) => (a === undefined || r.score > a.score ? r : a), undefined);
}

/** `now`: what the run amounts to after its decisions ("Rolled back"); else how it ended. */
export function runTooltip(run: RunRecord, now?: string): vscode.MarkdownString {
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${escapeMd(run.instruction)}**\n\n`);
  tip.appendMarkdown(`Run \`${run.runId}\` · ${new Date(run.createdAt).toLocaleString()} · ${now ?? runStatusWord(run)}\n\n`);
  tip.appendMarkdown(
    `Preset ${run.preset} · ${escapeMd(run.provider.label)} · model ${escapeMd(run.provider.model)} · ${run.attempts.length} attempt(s) · ${(run.timings.durationMs / 1000).toFixed(1)} s\n\n`,
  );
  if (run.error) tip.appendMarkdown(`Error: ${escapeMd(run.error.message)}\n\n`);
  tip.appendMarkdown(`Targets: ${run.targets.map((t) => escapeMd(t.path + (t.function ? `#${t.function}` : ''))).join(', ')}`);
  return tip;
}

/** Every risk factor, largest first, with validity and the first blocking finding. */
export function patchTooltip(patch: Patch, state: PatchState): vscode.MarkdownString {
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(
    `**${escapeMd(patch.file)}**: ${statusWord(state)}, ${patch.valid ? 'passed the gates' : 'did not pass the gates'}\n\n`,
  );
  tip.appendMarkdown(`+${patch.linesAdded} -${patch.linesRemoved} in ${patch.hunks.length} hunk(s) · risk ${riskBadge(patch.risk)}\n\n`);
  tip.appendMarkdown(`${escapeMd(riskFactorsText(patch.risk))}\n\n`);
  const tested = coverageText(patch.coverage);
  if (tested) tip.appendMarkdown(`${escapeMd(tested)}\n\n`);
  const problems = groupCascades(patch.findings.filter((f) => f.introduced && f.severity === 'error'));
  const first = problems[0];
  if (first)
    tip.appendMarkdown(
      `Blocking problems: ${problems.length}, first: ${escapeMd(first.first.message)}${first.follows.length ? ` (${escapeMd(followersNote(first))})` : ''}`,
    );
  return tip;
}

export function hunkTooltip(patch: Patch, state: PatchState, hunk: Hunk): vscode.MarkdownString {
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${escapeMd(patch.file)}** ${hunkRange(hunk)}: ${hunkStatus(state, hunk).replace('_', ' ')}\n\n`);
  tip.appendMarkdown(`risk ${riskBadge(hunk.risk)}\n\n${escapeMd(riskFactorsText(hunk.risk))}`);
  const tested = coverageText(hunk.coverage);
  if (tested) tip.appendMarkdown(`\n\n${escapeMd(tested)}`);
  return tip;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}
