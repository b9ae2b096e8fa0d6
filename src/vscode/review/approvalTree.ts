import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Hunk } from '../../core/edits/hunk';
import type { Patch, RunRecord } from '../../core/provenance/schema';
import type { PatchState } from '../../core/provenance/status';
import type { RunView } from '../../core/provenance/views';
import { errorLine } from '../../core/errorLine';
import { log } from '../log';
import type { Session } from '../session';
import { coverageText, hunkRange, hunkStatus, relativeTime, riskBadge, riskFactorsText, runStatusWord, statusWord } from './labels';
import { followersNote, groupCascades } from '../../core/validate/cascades';

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
    const item = new vscode.TreeItem(run.instruction.split('\n')[0] || '(no instruction)', state);
    item.id = `run:${runId}`;
    const applied = view.patches.some((s) => s.status === 'applied' || (s.status !== 'rolled_back' && s.appliedHunkIds.length > 0));
    const open = view.patches.some((s, i) => (s.status === 'pending' || s.status === 'approved') && run.patches[i]?.valid);
    const counts = view.patches.reduce<Record<string, number>>((acc, s) => ((acc[statusWord(s)] = (acc[statusWord(s)] ?? 0) + 1), acc), {});
    const summary = Object.entries(counts)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    item.description = `${relativeTime(run.createdAt)} · ${run.status === 'proposed' ? summary || 'no patches' : runStatusWord(run)}`;
    item.contextValue = `run.${run.status}${applied ? '.applied' : ''}${open ? '.pending' : ''}`;
    item.iconPath = new vscode.ThemeIcon(
      run.status === 'proposed' ? 'git-pull-request' : run.status === 'cancelled' ? 'circle-slash' : 'warning',
    );
    return item;
  }

  /** Tooltips are built when hovered, not for every item on every refresh. */
  resolveTreeItem(item: vscode.TreeItem, node: ReviewNode): vscode.TreeItem {
    if (node.kind === 'message') return item;
    const view = this.cache.get(node.runId);
    if (!view) return item;
    if (node.kind === 'run') item.tooltip = runTooltip(view.run);
    else {
      const found = this.find(node.runId, node.patchId);
      if (!found) return item;
      const hunk = node.kind === 'hunk' ? found.patch.hunks.find((h) => h.id === node.hunkId) : undefined;
      item.tooltip = hunk ? hunkTooltip(found.patch, found.state, hunk) : patchTooltip(found.patch, found.state);
    }
    return item;
  }

  private patchItem(runId: string, patch: Patch, state: PatchState): vscode.TreeItem {
    const item = new vscode.TreeItem(
      path.posix.basename(patch.file),
      patch.hunks.length > 1 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `patch:${runId}:${patch.id}`;
    item.description = `${riskBadge(patch.risk)} · ${statusWord(state)}${patch.valid ? '' : ' · invalid'}`;
    item.iconPath = patch.valid
      ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
      : new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    item.contextValue = `patch.${state.status}.${patch.valid ? 'valid' : 'invalid'}`;
    item.command = { command: 'refactorGuard.openPatchDiff', title: 'Open Diff', arguments: [{ kind: 'patch', runId, patchId: patch.id }] };
    return item;
  }

  private hunkItem(runId: string, patch: Patch, state: PatchState, hunk: Hunk): vscode.TreeItem {
    const status = hunkStatus(state, hunk);
    const item = new vscode.TreeItem(hunkRange(hunk), vscode.TreeItemCollapsibleState.None);
    item.id = `hunk:${runId}:${patch.id}:${hunk.id}`;
    item.description = `+${hunk.added} -${hunk.removed} · ${riskBadge(hunk.risk)} · ${status.replace('_', ' ')}`;
    item.contextValue = `hunk.${status}.${patch.valid ? 'valid' : 'invalid'}`;
    item.iconPath = new vscode.ThemeIcon(status === 'applied' ? 'check' : status === 'rejected' ? 'close' : 'diff');
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

export function runTooltip(run: RunRecord): vscode.MarkdownString {
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${escapeMd(run.instruction)}**\n\n`);
  tip.appendMarkdown(`Run \`${run.runId}\` · ${new Date(run.createdAt).toLocaleString()} · ${runStatusWord(run)}\n\n`);
  tip.appendMarkdown(
    `Preset ${run.preset} · ${escapeMd(run.provider.label)} · ${run.attempts.length} attempt(s) · ${(run.timings.durationMs / 1000).toFixed(1)} s\n\n`,
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
