import type { LanguageId } from '../../languages';

export interface OpenBracket {
  char: '(' | '[' | '{';
  /** 1-based. */
  line: number;
}

const HASH_COMMENTS = new Set<LanguageId>(['python', 'ruby', 'bash']);
const CLOSER: Record<string, OpenBracket['char']> = { ')': '(', ']': '[', '}': '{' };

/**
 * The brackets still open at the end of a text, outside strings and comments, by a small lexer
 * that knows each language family's comments and quotes. It is not a parser: it answers one
 * question (does the text stop inside a block?) and stays fast on files a grammar chokes on.
 */
export function openBracketsAtEnd(text: string, language: LanguageId | undefined): OpenBracket[] {
  const hash = language !== undefined && HASH_COMMENTS.has(language);
  const slash = !hash || language === undefined;
  const tripleQuotes = language === 'python';
  // In Rust and Go a single quote also starts a lifetime or is a one-character rune: only a short
  // closed pair counts as a literal there.
  const shortSingle = language === 'rust' || language === 'go';
  const stack: OpenBracket[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (slash && c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (slash && c === '/' && text[i + 1] === '*') {
      i += 2;
      while (i < n && !(text[i] === '*' && text[i + 1] === '/')) {
        if (text[i] === '\n') line++;
        i++;
      }
      i += 2;
      continue;
    }
    if ((hash || language === 'php') && c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (tripleQuotes && (text.startsWith('"""', i) || text.startsWith("'''", i))) {
      const q = text.slice(i, i + 3);
      i += 3;
      while (i < n && !text.startsWith(q, i)) {
        if (text[i] === '\\') i++;
        else if (text[i] === '\n') line++;
        i++;
      }
      i += 3;
      continue;
    }
    if (c === "'" && shortSingle) {
      const m = /^'(?:\\.[^']{0,8}|[^'\\\n]{1,2})'/.exec(text.slice(i, i + 14));
      i += m ? m[0].length : 1;
      continue;
    }
    if (c === '"' || c === "'" || (c === '`' && !hash)) {
      i++;
      while (i < n && text[i] !== c) {
        if (text[i] === '\\') i++;
        else if (text[i] === '\n') {
          line++;
          // Only template literals and multi-line-capable strings run across lines; an unclosed
          // ordinary quote ends at the line so one stray apostrophe cannot swallow the file.
          if (c !== '`' && language !== 'bash') break;
        }
        i++;
      }
      i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') stack.push({ char: c, line });
    else if (c in CLOSER) {
      const top = stack[stack.length - 1];
      if (top && top.char === CLOSER[c]) stack.pop();
    }
    i++;
  }
  return stack;
}
