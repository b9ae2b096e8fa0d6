import type { Finding } from '../../findings';
import type { CandidateFile, GateContext } from '../gate';
import { numberSetting } from '../gateSupport';
import { lineChanges } from './lineDiff';
import { asksForRewrite, FileRule, percent, ruleFinding } from './ruleSupport';

/** Share of a file's lines a patch may change when nobody asked for a rewrite (settings.ts default). */
export const DEFAULT_MAX_SHARE_CHANGED = 0.6;
/** Files shorter than this may be rewritten freely: a few lines changed is a large share of little. */
export const DEFAULT_DIFF_SIZE_MIN_LINES = 20;

/**
 * Diff-size cap: a patch that changes more than `rules.maxShareChanged` of an existing file's lines
 * when the instruction did not ask for a rewrite. Models asked for a small change sometimes return
 * a reworded whole file, which is hard to review and hides unrequested changes.
 *
 * Settings: `rules.maxShareChanged` (0-1, default 0.6), `rules.diffSizeMinLines` (default 20).
 */
export class DiffSizeRule extends FileRule {
  readonly id = 'diff-size';

  protected checkFile(file: CandidateFile, ctx: GateContext): Finding[] {
    if (file.before === undefined || file.after === undefined) return [];
    if (asksForRewrite(ctx.instruction)) return [];
    const max = numberSetting(ctx.settings, 'rules.maxShareChanged', DEFAULT_MAX_SHARE_CHANGED);
    const minLines = numberSetting(ctx.settings, 'rules.diffSizeMinLines', DEFAULT_DIFF_SIZE_MIN_LINES);
    const c = lineChanges(file.before, file.after);
    if (c.beforeLines < minLines) return [];
    const share = c.beforeLines === 0 ? 0 : c.removed / c.beforeLines;
    if (share <= max) return [];
    return [
      ruleFinding(
        this.id,
        file.path,
        1,
        `The patch changes ${percent(share)} of ${file.path} (${c.removed} of ${c.beforeLines} lines removed or rewritten), over the ${percent(max)} limit (rules.maxShareChanged), and the instruction did not ask for a rewrite. Change only the lines the instruction needs.`,
      ),
    ];
  }
}

export function createDiffSizeRule(): DiffSizeRule {
  return new DiffSizeRule();
}
