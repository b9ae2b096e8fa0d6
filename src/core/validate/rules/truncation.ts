import type { Finding } from '../../findings';
import type { LanguageId } from '../../languages';
import type { CandidateFile, GateContext } from '../gate';
import { settingsSlice, type SettingsOf } from '../gateSettings';
import { withMemoTree } from '../parseMemo';
import type { Node } from '../treeSitter';
import { openBracketsAtEnd } from './brackets';
import { asksForRemoval, FileRule, lines, nonBlankCount, percent, ruleFinding } from './ruleSupport';

const TRUNCATION_SETTINGS = settingsSlice('rules.truncationMinShare');
/** Files shorter than this (non-blank lines) are never judged by their length. */
const MIN_LINES_FOR_SHARE = 10;

/**
 * Truncation: a whole-file write (write_file) that stops mid-block or drops most of the file. A
 * model that runs out of output tokens writes a file that simply ends; written to disk it deletes
 * everything after the cut. Signs: brackets left open at the end of a file whose original closed
 * them all, a syntax tree whose MISSING nodes sit at the very end, a Python block header with no
 * body as the last line, or far fewer lines than before when nobody asked for removal.
 *
 * Settings: `rules.truncationMinShare` (0-1): a whole-file write keeping fewer non-blank lines than
 * this share of the original is truncated.
 */
export class TruncationRule extends FileRule<SettingsOf<typeof TRUNCATION_SETTINGS>> {
  readonly id = 'truncation';
  readonly settings = TRUNCATION_SETTINGS;

  protected async checkFile(file: CandidateFile, ctx: GateContext<SettingsOf<typeof TRUNCATION_SETTINGS>>): Promise<Finding[]> {
    if (!file.wholeFileWrite || file.after === undefined) return [];
    const after = file.after;
    const before = file.before;
    const findings: Finding[] = [];
    const lastLine = lastNonBlankLine(after);

    const openAfter = openBracketsAtEnd(after, file.language);
    const openBefore =
      before === undefined ? [] : ofBefore('brackets', file.language, before, () => openBracketsAtEnd(before, file.language));
    if (openAfter.length > 0 && openBefore.length === 0) {
      const first = openAfter[openAfter.length - 1]!;
      findings.push(
        ruleFinding(
          this.id,
          file.path,
          lastLine,
          `The new ${file.path} ends inside an unclosed "${first.char}" opened at line ${first.line} (${openAfter.length} bracket(s) left open) while the original closed all of its brackets: the file looks cut off. Write the whole file, or use patch_file for a partial change.`,
        ),
      );
    } else if (file.language === 'python' && endsWithBlockHeader(after) && !(before !== undefined && endsWithBlockHeader(before))) {
      findings.push(
        ruleFinding(
          this.id,
          file.path,
          lastLine,
          `The new ${file.path} ends with a block header and no body ("${lines(after)[lastLine - 1]!.trim()}"): the file looks cut off.`,
        ),
      );
    } else if (
      file.language &&
      (await missingAtEnd(file.language, after, before)) &&
      !(before !== undefined && (await missingAtEnd(file.language, before)))
    ) {
      findings.push(
        ruleFinding(
          this.id,
          file.path,
          lastLine,
          `The new ${file.path} ends in the middle of a construct (the parser had to invent closing tokens at the end): the file looks cut off.`,
        ),
      );
    }

    if (before !== undefined && !asksForRemoval(ctx.instruction)) {
      const minShare = ctx.settings['rules.truncationMinShare'];
      const was = ofBefore('non-blank', file.language, before, () => nonBlankCount(before));
      const now = nonBlankCount(after);
      if (was >= MIN_LINES_FOR_SHARE && now < was * minShare) {
        findings.push(
          ruleFinding(
            this.id,
            file.path,
            lastLine,
            `The new ${file.path} keeps ${now} of its ${was} non-blank lines (${percent(now / was)}, under ${percent(minShare)}: rules.truncationMinShare) and the instruction did not ask for code to be removed: most of the file would be lost.`,
          ),
        );
      }
    }
    return findings;
  }
}

export function createTruncationRule(): TruncationRule {
  return new TruncationRule();
}

/**
 * What the rule computes of the text before a patch, which is the same in every attempt of a run:
 * computed once (the bracket scan of a 5k-line file costs ~2 ms). A few texts, most recent kept.
 */
const BEFORE_MEMO_SIZE = 16;
const beforeMemo = new Map<string, unknown>();

function ofBefore<T>(kind: string, language: LanguageId | undefined, text: string, compute: () => T): T {
  const key = `${kind}\u0000${language}\u0000${text}`;
  if (beforeMemo.has(key)) {
    const value = beforeMemo.get(key) as T;
    beforeMemo.delete(key);
    beforeMemo.set(key, value);
    return value;
  }
  const value = compute();
  beforeMemo.set(key, value);
  while (beforeMemo.size > BEFORE_MEMO_SIZE) beforeMemo.delete(beforeMemo.keys().next().value!);
  return value;
}

function lastNonBlankLine(text: string): number {
  const ls = lines(text);
  for (let i = ls.length - 1; i >= 0; i--) if (ls[i]!.trim() !== '') return i + 1;
  return 1;
}

/** The last line with code is a block header (`def f():`, `try:`), so its body is missing. */
function endsWithBlockHeader(text: string): boolean {
  const ls = lines(text)
    .map((l) => l.replace(/#.*$/, '').trimEnd())
    .filter((l) => l.trim() !== '');
  const last = ls[ls.length - 1];
  return (
    last !== undefined &&
    last.endsWith(':') &&
    /^\s*(?:async\s+)?(?:def|class|if|elif|else|for|while|try|except|finally|with|match|case)\b/.test(last)
  );
}

/** Whether the tree has a MISSING node on the last line with code (or after it). `base`: see withMemoTree. */
async function missingAtEnd(language: LanguageId, text: string, base?: string): Promise<boolean> {
  const last = lastNonBlankLine(text) - 1;
  return withMemoTree(
    language,
    text,
    (tree) => {
      if (!tree.rootNode.hasError) return false;
      const stack: Node[] = [tree.rootNode];
      while (stack.length > 0) {
        const node = stack.pop()!;
        if (node.isMissing && node.startPosition.row >= last) return true;
        if (!node.hasError && !node.isMissing) continue;
        for (const child of node.children) if (child) stack.push(child);
      }
      return false;
    },
    { base },
  );
}
