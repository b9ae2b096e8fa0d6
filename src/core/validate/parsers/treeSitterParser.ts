/**
 * Syntax errors from a tree-sitter parse, for the languages with no in-process compiler parser
 * (Go, Rust, Java, C#, C, C++, Ruby, PHP, JSON, CSS, Bash). A grammar can flag valid code, so the
 * gate never trusts these alone: it compares the errors before and after a patch. The trees go to
 * the parse memo, where the rules find them.
 */
import type { LanguageId } from '../../languages';
import { withMemoTree, type MemoTreeOptions } from '../parseMemo';
import type { Node, Tree } from '../treeSitter';
import type { RawSyntaxError } from './syntaxError';
import { truncate } from '../../text';

/** Collecting stops here: a file this broken is reported by its first errors alone. */
const MAX_ERRORS = 200;
const MAX_TOKEN = 40;

export async function treeSitterSyntaxErrors(language: LanguageId, text: string, options: MemoTreeOptions = {}): Promise<RawSyntaxError[]> {
  return withMemoTree(language, text, collectErrors, options);
}

/**
 * ERROR and MISSING nodes, found by a walk that descends only into subtrees with `hasError`, so a
 * clean file costs one check of the root. An ERROR node is reported once, without its insides.
 */
export function collectErrors(tree: Tree): RawSyntaxError[] {
  const out: RawSyntaxError[] = [];
  if (!tree.rootNode.hasError) return out;
  const cursor = tree.walk();
  try {
    for (;;) {
      const node = cursor.currentNode;
      let descend = false;
      if (node.isMissing) out.push(missing(node));
      else if (node.isError) out.push(unexpected(node));
      else descend = node.hasError;
      if (out.length >= MAX_ERRORS) break;
      if (descend && cursor.gotoFirstChild()) continue;
      // Next sibling, or climb until an ancestor has one; back at the root means done.
      let moved = cursor.gotoNextSibling();
      while (!moved) {
        if (!cursor.gotoParent()) return out;
        moved = cursor.gotoNextSibling();
      }
    }
    return out;
  } finally {
    cursor.delete();
  }
}

function missing(node: Node): RawSyntaxError {
  // A missing token's type is its text (`;`, `)`); a missing named node's is a rule name (identifier).
  const what = node.isNamed ? node.type.replace(/_/g, ' ') : `\`${node.type}\``;
  return at(node, `Missing ${what}`);
}

function unexpected(node: Node): RawSyntaxError {
  const token = firstToken(node.text);
  return at(node, token ? `Unexpected \`${token}\`` : 'Syntax error');
}

/** The start of an error node's text: its first line, cut short, enough to recognise it. */
function firstToken(text: string): string {
  const line = text.trimStart().split(/\r?\n/, 1)[0]!.trimEnd();
  return truncate(line, MAX_TOKEN + 1);
}

function at(node: Node, message: string): RawSyntaxError {
  const { row, column } = node.startPosition;
  return { tool: 'tree-sitter', code: 'syntax-error', line: row + 1, column: column + 1, message };
}
