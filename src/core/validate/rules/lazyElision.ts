import type { Finding } from '../../findings';
import { NO_SETTINGS } from '../gateSettings';
import type { LanguageId } from '../../languages';
import type { CandidateFile } from '../gate';
import { FileRule, lines, ruleFinding } from './ruleSupport';
import { truncate } from '../../text';

/**
 * Lazy elision: new code that stands in for real code with a placeholder, such as
 * `// ... existing code ...`, `# rest unchanged`, `/* ... *\/` or a bare `...` line. Written to the
 * file, such a placeholder deletes everything it claims to keep. Only placeholders the patch adds
 * count: a file may already hold one (a doc comment, a Python `...` body).
 */
export class LazyElisionRule extends FileRule {
  readonly id = 'lazy-elision';
  readonly settings = NO_SETTINGS;

  protected checkFile(file: CandidateFile): Finding[] {
    if (file.after === undefined) return [];
    const before = new Map<string, number>();
    if (file.before !== undefined)
      for (const p of placeholders(file.before, file.language)) before.set(p.key, (before.get(p.key) ?? 0) + 1);
    const out: Finding[] = [];
    for (const p of placeholders(file.after, file.language)) {
      const left = before.get(p.key) ?? 0;
      if (left > 0) {
        before.set(p.key, left - 1);
        continue;
      }
      out.push(
        ruleFinding(
          this.id,
          file.path,
          p.line,
          `Line ${p.line} is a placeholder ("${p.text}") where code should be: written to the file it would delete the code it stands for. Write the code out in full, or use patch_file to change only the lines that need changing.`,
          {
            excerpt: p.text,
          },
        ),
      );
    }
    return out;
  }
}

export function createLazyElisionRule(): LazyElisionRule {
  return new LazyElisionRule();
}

/** Comment openers by language family; a placeholder is a line holding only a comment. */
function commentPattern(language: LanguageId | undefined): RegExp {
  switch (language) {
    case 'python':
    case 'ruby':
    case 'bash':
      return /^#+\s*(.*)$/;
    case 'css':
      return /^\/\*+\s*(.*?)\s*\*+\/$/;
    case 'php':
      return /^(?:\/\/+|#|\/\*+)\s*(.*?)\s*(?:\*+\/)?$/;
    default:
      return /^(?:\/\/+|\/\*+|\*)\s*(.*?)\s*(?:\*+\/)?$/;
  }
}

/** What the comment says, when it says "the code is elsewhere", whatever its length. */
const PLACEHOLDER_TEXT =
  /^(?:\.{3}|…)|^\(?\s*(?:unchanged|no changes?|same as before|as before)\s*\)?\.?$|\b(?:(?:rest|remainder) of (?:the )?(?:code|file|class|function|method|module|implementation|body|tests?)|(?:code|implementation|body|methods?|functions?) (?:omitted|elided|unchanged|remains? the same)|omitted for brevity|(?:other|remaining) (?:methods|functions|code|cases|tests) (?:unchanged|as before|remain|omitted)|rest (?:is )?unchanged|unchanged (?:code|below|above))\b/i;
/**
 * Phrases that are placeholders only in a short comment: "existing code" alone is one, "wrap the
 * existing logic in a cache" is an ordinary comment.
 */
const SHORT_PLACEHOLDER_TEXT =
  /\b(?:existing (?:code|implementation|logic|methods?|functions?|imports?|tests?)|keep (?:the )?existing|same as (?:above|before))\b/i;
const SHORT_WORDS = 5;

function isPlaceholderText(said: string): boolean {
  if (PLACEHOLDER_TEXT.test(said)) return true;
  return SHORT_PLACEHOLDER_TEXT.test(said) && said.split(/\s+/).filter((w) => /\w/.test(w)).length <= SHORT_WORDS;
}

/** Languages where a line holding only `...` is not code (Python's `...` is an expression). */
const BARE_ELLIPSIS_IS_PLACEHOLDER = (language: LanguageId | undefined): boolean => language !== 'python' && language !== undefined;

interface Placeholder {
  line: number;
  text: string;
  key: string;
}

export function placeholders(text: string, language: LanguageId | undefined): Placeholder[] {
  const comment = commentPattern(language);
  const out: Placeholder[] = [];
  lines(text).forEach((raw, i) => {
    const t = raw.trim();
    if (t === '') return;
    if ((t === '...' || t === '…' || t === '...,' || t === '...;') && BARE_ELLIPSIS_IS_PLACEHOLDER(language)) {
      out.push({ line: i + 1, text: t, key: t });
      return;
    }
    const m = comment.exec(t);
    if (!m) return;
    const said = m[1]!.trim();
    if (said === '' || !isPlaceholderText(said)) return;
    out.push({ line: i + 1, text: truncate(t, 120), key: t.toLowerCase() });
  });
  return out;
}
