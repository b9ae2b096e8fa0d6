import type { Finding } from '../../findings';
import type { CandidateFile, GateContext } from '../gate';
import { settingsSlice, type SettingsOf } from '../gateSettings';
import { lineChanges } from './lineDiff';
import { asksForRewrite, FileRule, percent, ruleFinding } from './ruleSupport';

const DIFF_SIZE_SETTINGS = settingsSlice('rules.maxShareChanged', 'rules.diffSizeMinLines');

/**
 * Diff-size cap: a patch that changes more than `rules.maxShareChanged` of an existing file's lines
 * when the instruction did not ask for a rewrite. Models asked for a small change sometimes return
 * a reworded whole file, which is hard to review and hides unrequested changes.
 *
 * Settings: `rules.maxShareChanged` (0-1), `rules.diffSizeMinLines` (files shorter than this may be
 * rewritten freely: a few lines changed is a large share of little).
 */
export class DiffSizeRule extends FileRule<SettingsOf<typeof DIFF_SIZE_SETTINGS>> {
  readonly id = 'diff-size';
  readonly settings = DIFF_SIZE_SETTINGS;

  protected checkFile(file: CandidateFile, ctx: GateContext<SettingsOf<typeof DIFF_SIZE_SETTINGS>>): Finding[] {
    if (file.before === undefined || file.after === undefined) return [];
    if (asksForRewrite(ctx.instruction)) return [];
    const max = ctx.settings['rules.maxShareChanged'];
    const minLines = ctx.settings['rules.diffSizeMinLines'];
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
