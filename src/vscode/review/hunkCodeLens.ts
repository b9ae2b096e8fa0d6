import * as vscode from 'vscode';
import type { Patch } from '../../core/provenance/schema';
import type { PatchState } from '../../core/provenance/status';
import { loadEngine } from '../loadEngine';
import type { Session } from '../session';
import { findPatch } from './decisions';
import type { InlineReviews } from './inlineReview';
import { coverageText, hunkStatus, riskBadge, topFactor } from './labels';
import { hunkLinesIn } from '../../core/review/hunkBytes';
import { PROPOSAL_SCHEME, parseProposalUri } from './proposalDocuments';

/**
 * CodeLenses above each hunk's first changed line: its risk and top factor, the coverage of its
 * changed lines where the tests measured it, then Approve and Reject while it is undecided. On the
 * proposed side of a diff, and in a file's own editor while it is under inline review. An invalid
 * candidate gets one lens at the top that says why and opens its findings; it has no Approve.
 */
export class HunkCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly session: Session,
    private readonly inline?: InlineReviews,
  ) {
    // At once when a decision is recorded: a lens must not offer Approve for a hunk already applied.
    this.subs = [session.onDidChange(() => this.emitter.fire())];
    if (inline) this.subs.push(inline.onDidChange(() => this.emitter.fire()));
  }

  static selector: vscode.DocumentSelector = [{ scheme: PROPOSAL_SCHEME }, { scheme: 'file' }, { scheme: 'vscode-remote' }];

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (doc.uri.scheme !== PROPOSAL_SCHEME) {
      const inline = await this.inline?.lensTargets(doc);
      return inline ? hunkLenses(inline.ref, inline.patch, inline.state, inline.hunks) : [];
    }
    const ref = parseProposalUri(doc.uri);
    if (!ref || ref.patchId === '-') return [];
    let found;
    try {
      found = findPatch(await this.session.run(ref.runId), ref.patchId);
    } catch {
      return [];
    }
    const { patch, state } = found;
    const lenses: vscode.CodeLens[] = [];
    const top = new vscode.Range(0, 0, 0, 0);
    if (!patch.valid) {
      // Loaded here, not at activation: the findings module brings zod with it.
      const { isBlocking, groupCascades, followersNote } = await loadEngine();
      // Problems, not findings: a syntax cascade is its first error and how many follow from it.
      const problems = groupCascades(patch.findings.filter(isBlocking));
      const first = problems[0];
      lenses.push(
        new vscode.CodeLens(top, {
          title: `$(error) Did not pass the gates: ${problems.length} blocking problem(s)${first ? `, first: ${first.first.message.slice(0, 80)}${first.follows.length ? ` (${followersNote(first)})` : ''}` : ''}`,
          command: 'refactorGuard.showFindings',
          arguments: [ref.runId, ref.patchId],
        }),
      );
    }
    const shown = new Set(patch.hunks.filter((h) => !state.rejectedHunkIds.includes(h.id)).map((h) => h.id));
    const starts = hunkLinesIn(patch, shown);
    const placed: { hunkId: string; line: number }[] = [];
    for (const hunk of patch.hunks) {
      const start = starts.get(hunk.id);
      if (start === undefined) continue;
      // Point at the first changed line, past the hunk's leading context.
      const lead = hunk.lines.findIndex((l) => !l.startsWith(' '));
      placed.push({ hunkId: hunk.id, line: Math.min(start + Math.max(lead, 0), Math.max(doc.lineCount - 1, 0)) });
    }
    return [...lenses, ...hunkLenses(ref, patch, state, placed)];
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}

/** The lenses of each placed hunk. Approve and Reject only while the hunk and its patch are undecided. */
function hunkLenses(
  ref: { runId: string; patchId: string },
  patch: Patch,
  state: PatchState,
  placed: readonly { hunkId: string; line: number }[],
): vscode.CodeLens[] {
  const lenses: vscode.CodeLens[] = [];
  const open = state.status === 'pending' || state.status === 'approved';
  for (const { hunkId, line } of placed) {
    const hunk = patch.hunks.find((h) => h.id === hunkId);
    if (!hunk) continue;
    const range = new vscode.Range(line, 0, line, 0);
    const status = hunkStatus(state, hunk);
    const factor = topFactor(hunk.risk ?? patch.risk);
    lenses.push(
      new vscode.CodeLens(range, {
        title: `Risk ${riskBadge(hunk.risk ?? patch.risk)}${factor ? `: ${factor}` : ''}`,
        command: 'refactorGuard.showRiskFactors',
        arguments: [ref.runId, ref.patchId, hunk.id],
      }),
    );
    const tested = coverageText(hunk.coverage);
    if (tested) lenses.push(new vscode.CodeLens(range, { title: `$(beaker) ${tested}`, command: '' }));
    const node = { kind: 'hunk', runId: ref.runId, patchId: ref.patchId, hunkId: hunk.id };
    if (open && status === 'pending' && patch.valid)
      lenses.push(new vscode.CodeLens(range, { title: 'Approve', command: 'refactorGuard.approveHunk', arguments: [node] }));
    if (open && status === 'pending')
      lenses.push(new vscode.CodeLens(range, { title: 'Reject', command: 'refactorGuard.rejectHunk', arguments: [node] }));
    if (status !== 'pending') lenses.push(new vscode.CodeLens(range, { title: status.replace('_', ' '), command: '' }));
  }
  return lenses;
}
