import * as vscode from 'vscode';
import type { Patch } from '../../core/provenance/schema';
import type { PatchState } from '../../core/provenance/status';
import { bytesWithHunks, loadVersions, sameBytes, type PatchVersions } from '../../core/review/hunkBytes';
import { log } from '../log';
import type { Session } from '../session';
import { findPatch, markStaleIfChanged } from './decisions';
import { decorationText, displayWidth, inlineRows, placeHunks, type HunkPlacement, type InlineRows } from './inlineLayout';
import { riskBadge } from './labels';

/** The context key the editor-title actions of an inline review show on. */
export const INLINE_REVIEW_CONTEXT = 'refactorGuard.inlineReview';

export interface InlineReviewRef {
  runId: string;
  patchId: string;
  file: string;
}

/** What the test-only command `refactorGuard.test.inlineState` returns; lines are 1-based. */
export interface InlineTestState {
  file: string;
  runId: string;
  patchId: string;
  /** Lines drawn as removed (struck through). */
  removed: number[];
  /** Added lines, each with the line it is written beside. */
  added: { line: number; text: string }[];
  /** Pure insertions: the line the rule is drawn on and on which edge. */
  insertions: { line: number; edge: 'above' | 'below' }[];
  /** Each pending hunk's line and the CodeLens titles on it. */
  hunks: { hunkId: string; line: number; lenses: string[] }[];
}

interface Review {
  ref: InlineReviewRef;
  uri: vscode.Uri;
  key: string;
  patch?: Patch;
  state?: PatchState;
  placements: HunkPlacement[];
  versions?: { after: string | null; versions: PatchVersions };
  refreshing: Promise<void>;
  generation: number;
  checking: boolean;
  editedSinceCheck: boolean;
  ended: boolean;
}

function undecided(state: PatchState): boolean {
  return state.status === 'pending' || state.status === 'approved';
}

/**
 * Inline review: a proposal shown in the file's own editor without touching the document. The
 * lines each pending hunk removes are struck through on a red background; the lines it adds are
 * decoration text in a green column beside them (inlineLayout.ts says where); a CodeLens per hunk
 * (hunkCodeLens.ts) and the editor title carry the decisions, which are the review commands' (and
 * so the core's). Any change to the document ends the review: the core checks the file as apply
 * would and records the patch stale when it no longer holds what the proposal was made from. The
 * review also ends when the patch is decided, or its editor tab closes.
 */
export class InlineReviews implements vscode.Disposable {
  private readonly reviews = new Map<string, Review>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** A review started, ended or moved: the CodeLenses ask again. */
  readonly onDidChange = this.emitter.event;
  private readonly subs: vscode.Disposable[] = [];
  private readonly types = {
    removedLine: vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    }),
    removedText: vscode.window.createTextEditorDecorationType({
      backgroundColor: new vscode.ThemeColor('diffEditor.removedTextBackground'),
      textDecoration: 'line-through',
    }),
    added: vscode.window.createTextEditorDecorationType({
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    }),
    insertAbove: vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      borderColor: new vscode.ThemeColor('editorGutter.addedBackground'),
      borderStyle: 'solid',
      borderWidth: '2px 0 0 0',
    }),
    insertBelow: vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      borderColor: new vscode.ThemeColor('editorGutter.addedBackground'),
      borderStyle: 'solid',
      borderWidth: '0 0 2px 0',
    }),
  };

  constructor(private readonly session: Session) {
    this.subs.push(
      session.onDidChange(() => {
        for (const r of this.reviews.values()) void this.refresh(r);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const review = this.reviews.get(e.document.uri.toString());
        if (review && e.contentChanges.length > 0) this.check(review);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        const review = this.reviews.get(d.uri.toString());
        if (review) this.end(review);
      }),
      vscode.window.tabGroups.onDidChangeTabs(() => {
        for (const r of [...this.reviews.values()]) if (!hasTextTab(r.uri)) this.end(r);
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => {
        for (const r of this.reviews.values()) this.paint(r);
      }),
      vscode.window.onDidChangeActiveTextEditor(() => void this.updateContext()),
    );
  }

  /**
   * Opens the patch's file with the proposal drawn in it. False when the patch cannot be reviewed
   * inline (a new or deleted file, an invalid candidate, a decided patch): then the caller opens
   * the diff. With `hunkId`, that hunk is revealed.
   */
  async open(runId: string, patchId: string, hunkId?: string): Promise<boolean> {
    const { patch, state } = findPatch(await this.session.run(runId), patchId);
    if (!patch.valid || !undecided(state) || !patch.beforeSha256 || !patch.afterSha256 || patch.hunks.length === 0) return false;
    if (!(await this.session.files.stat(patch.file))) return false;
    const uri = this.session.files.uriOf(patch.file);
    const key = uri.toString();
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    let review = this.reviews.get(key);
    if (review && (review.ref.runId !== runId || review.ref.patchId !== patchId)) this.end(review);
    review = this.reviews.get(key);
    if (!review) {
      review = {
        ref: { runId, patchId, file: patch.file },
        uri,
        key,
        placements: [],
        refreshing: Promise.resolve(),
        generation: 0,
        checking: false,
        editedSinceCheck: false,
        ended: false,
      };
      this.reviews.set(key, review);
      await this.refresh(review);
      await this.updateContext();
    } else await review.refreshing;
    if (review.ended) return true;
    const target = review.placements.find((p) => p.hunkId === hunkId) ?? review.placements[0];
    if (target) {
      const line = Math.min(target.firstLine, doc.lineCount - 1);
      editor.selection = new vscode.Selection(line, 0, line, 0);
      editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    return true;
  }

  /** The patch under inline review in this file, if any. */
  reviewOf(uri: vscode.Uri): InlineReviewRef | undefined {
    const r = this.reviews.get(uri.toString());
    return r && !r.ended ? { ...r.ref } : undefined;
  }

  /** The inline review in the active editor (or the active tab, when focus is elsewhere). */
  inFront(): InlineReviewRef | undefined {
    const uri = vscode.window.activeTextEditor?.document.uri ?? activeTabUri();
    return uri ? this.reviewOf(uri) : undefined;
  }

  /** For the CodeLenses: the reviewed patch, its state and where its pending hunks start, once the last refresh is done. */
  async lensTargets(
    doc: vscode.TextDocument,
  ): Promise<{ ref: InlineReviewRef; patch: Patch; state: PatchState; hunks: { hunkId: string; line: number }[] } | undefined> {
    const review = this.reviews.get(doc.uri.toString());
    if (!review) return undefined;
    await review.refreshing;
    if (review.ended || !review.patch || !review.state) return undefined;
    const last = Math.max(doc.lineCount - 1, 0);
    return {
      ref: { ...review.ref },
      patch: review.patch,
      state: review.state,
      hunks: review.placements.map((p) => ({ hunkId: p.hunkId, line: Math.min(p.firstLine, last) })),
    };
  }

  /** What the active editor's inline review draws, for the integration tests. */
  async testState(lensesOf: (doc: vscode.TextDocument) => Promise<vscode.CodeLens[]>): Promise<InlineTestState | undefined> {
    const editor = vscode.window.activeTextEditor;
    const review = editor ? this.reviews.get(editor.document.uri.toString()) : undefined;
    if (!editor || !review) return undefined;
    await review.refreshing;
    while (review.checking) await new Promise((r) => setTimeout(r, 20));
    if (review.ended) return undefined;
    const rows = this.rowsFor(review, editor);
    const lenses = await lensesOf(editor.document);
    const last = Math.max(editor.document.lineCount - 1, 0);
    return {
      file: review.ref.file,
      runId: review.ref.runId,
      patchId: review.ref.patchId,
      removed: rows.removed.map((r) => r.line + 1),
      added: rows.added.map((r) => ({ line: r.line + 1, text: r.text })),
      insertions: rows.insertions.map((i) => ({ line: i.line + 1, edge: i.edge })),
      hunks: review.placements.map((p) => {
        const line = Math.min(p.firstLine, last);
        return {
          hunkId: p.hunkId,
          line: line + 1,
          lenses: lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? ''),
        };
      }),
    };
  }

  private refresh(review: Review, afterCheck = false): Promise<void> {
    const generation = ++review.generation;
    const done = this.load(review, generation, afterCheck).catch((err: unknown) => {
      log().error(`Inline review of ${review.ref.file}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      this.end(review);
    });
    review.refreshing = done;
    return done;
  }

  /** Reads the patch afresh; draws it when the document holds what the review expects, else lets the core decide. */
  private async load(review: Review, generation: number, afterCheck: boolean): Promise<void> {
    const current = () => generation === review.generation && !review.ended;
    const { patch, state } = findPatch(await this.session.run(review.ref.runId), review.ref.patchId);
    if (!current()) return;
    if (
      !patch.valid ||
      !undecided(state) ||
      patch.hunks.every((h) => state.appliedHunkIds.includes(h.id) || state.rejectedHunkIds.includes(h.id))
    )
      return this.end(review);
    if (!review.versions || review.versions.after !== patch.afterSha256)
      review.versions = { after: patch.afterSha256, versions: await loadVersions(await this.session.store(), patch) };
    const expected = bytesWithHunks(patch, review.versions.versions, state.appliedHunkIds);
    const bytes = await this.session.files.read(patch.file);
    if (!current()) return;
    if (!sameBytes(bytes, expected)) {
      // Nothing is drawn over text the proposal was not made from.
      this.clear(review);
      if (afterCheck) this.end(review);
      else this.check(review);
      return;
    }
    review.patch = patch;
    review.state = state;
    const applied = new Set(state.appliedHunkIds);
    const shown = new Set(patch.hunks.filter((h) => !applied.has(h.id) && !state.rejectedHunkIds.includes(h.id)).map((h) => h.id));
    review.placements = placeHunks(patch.hunks, applied, shown);
    this.paint(review);
    this.emitter.fire();
  }

  /**
   * The document changed: the core compares the file with what the review expects, as apply
   * would, and records the patch stale when it differs. Our own applies change it too; they run
   * inside the session's queue, so the check after them sees their record and the file they left.
   */
  private check(review: Review): void {
    review.editedSinceCheck = true;
    if (review.checking || review.ended) return;
    review.checking = true;
    const run = async () => {
      while (!review.ended && review.editedSinceCheck) {
        review.editedSinceCheck = false;
        const stale = await markStaleIfChanged(this.session, review.ref.runId, review.ref.patchId);
        if (stale?.kind === 'stale') {
          this.end(review);
          log().warn(`Inline review ended, marked stale: ${stale.reason}`);
          void vscode.window
            .showWarningMessage(`Refactor Guard: ${stale.reason}. The patch is marked stale and its review ended.`, 'Re-run')
            .then((choice) => {
              if (choice === 'Re-run') void vscode.commands.executeCommand('refactorGuard.rerun', { kind: 'run', runId: review.ref.runId });
            });
          return;
        }
        if (!review.editedSinceCheck) await this.refresh(review, true);
      }
    };
    void run()
      .catch((err: unknown) => {
        log().error(`Checking ${review.ref.file} under inline review: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        this.end(review);
      })
      .finally(() => (review.checking = false));
  }

  private end(review: Review): void {
    if (review.ended) return;
    review.ended = true;
    this.clear(review);
    if (this.reviews.get(review.key) === review) this.reviews.delete(review.key);
    this.emitter.fire();
    void this.updateContext();
  }

  private editorsOf(review: Review): vscode.TextEditor[] {
    return vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === review.key && !inDiffEditor(e));
  }

  private clear(review: Review): void {
    for (const editor of vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === review.key))
      for (const type of Object.values(this.types)) editor.setDecorations(type, []);
  }

  private rowsFor(review: Review, editor: vscode.TextEditor): InlineRows {
    const doc = editor.document;
    const tabSize = tabSizeOf(editor);
    return inlineRows(review.placements, doc.lineCount, (line) => displayWidth(doc.lineAt(line).text, tabSize));
  }

  private paint(review: Review): void {
    if (review.ended || !review.patch) return;
    const patch = review.patch;
    for (const editor of this.editorsOf(review)) {
      const doc = editor.document;
      const tabSize = tabSizeOf(editor);
      const rows = this.rowsFor(review, editor);
      const hovers = new Map(review.placements.map((p) => [p.hunkId, hoverFor(patch, p, doc.languageId)]));
      const removedText: vscode.DecorationOptions[] = [];
      for (const r of rows.removed) {
        const line = doc.lineAt(r.line);
        if (line.isEmptyOrWhitespace) continue;
        removedText.push({ range: new vscode.Range(r.line, line.firstNonWhitespaceCharacterIndex, r.line, line.text.length) });
      }
      editor.setDecorations(
        this.types.removedLine,
        rows.removed.map((r) => ({ range: new vscode.Range(r.line, 0, r.line, 0), hoverMessage: hovers.get(r.hunkId) })),
      );
      editor.setDecorations(this.types.removedText, removedText);
      editor.setDecorations(
        this.types.added,
        rows.added.map((r) => {
          const end = doc.lineAt(r.line).range.end;
          return {
            range: new vscode.Range(end, end),
            hoverMessage: hovers.get(r.hunkId),
            renderOptions: {
              after: {
                contentText: `+\u00a0${decorationText(r.text.replace(/\r$/, ''), tabSize)}`,
                color: new vscode.ThemeColor('editor.foreground'),
                backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
                margin: `0 0 0 ${r.pad}ch`,
              },
            },
          };
        }),
      );
      const mark = (edge: 'above' | 'below') =>
        rows.insertions.filter((i) => i.edge === edge).map((i) => ({ range: new vscode.Range(i.line, 0, i.line, 0) }));
      editor.setDecorations(this.types.insertAbove, mark('above'));
      editor.setDecorations(this.types.insertBelow, mark('below'));
    }
  }

  private async updateContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', INLINE_REVIEW_CONTEXT, this.inFront() !== undefined);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    for (const t of Object.values(this.types)) t.dispose();
    this.reviews.clear();
    this.emitter.dispose();
  }
}

function tabSizeOf(editor: vscode.TextEditor): number {
  const t = editor.options.tabSize;
  return typeof t === 'number' && t > 0 ? t : 4;
}

/** The hunk as the proposal has it, for the hover over its lines. */
function hoverFor(patch: Patch, p: HunkPlacement, languageId: string): vscode.MarkdownString {
  const hunk = patch.hunks.find((h) => h.id === p.hunkId);
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**Refactor Guard proposal** · risk ${riskBadge(hunk?.risk ?? patch.risk)}\n\n`);
  const added = p.blocks.flatMap((b) => b.added);
  if (added.length > 0) md.appendCodeblock(added.join('\n'), languageId);
  else md.appendMarkdown('Removes the struck lines.');
  return md;
}

function hasTextTab(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.window.tabGroups.all.some((g) =>
    g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key),
  );
}

function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputText ? input.uri : undefined;
}

/** A side of a diff editor (the file is its left side when its diff is open): not drawn on. */
function inDiffEditor(editor: vscode.TextEditor): boolean {
  const group = vscode.window.tabGroups.all.find((g) => g.viewColumn === editor.viewColumn);
  return group?.activeTab?.input instanceof vscode.TabInputTextDiff;
}
