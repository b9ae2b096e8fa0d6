import type { Hunk } from '../../core/edits/hunk';

/**
 * Where an inline review draws a patch in the file's own editor: which document lines its pending
 * hunks remove, where the lines they add go, and on which rows those added lines are written
 * beside the code. Without 'vscode' so it is unit-tested in Node. Lines are 0-based here.
 */

/** One run of changed lines within a hunk: the lines it removes, then the lines it adds in their place. */
export interface ChangeBlock {
  /** Document line of the block's first removed line, or the line its added lines go before (the line count at the end). */
  at: number;
  /** Document lines removed or replaced. */
  removed: number[];
  /** The lines added, without terminators. */
  added: string[];
}

export interface HunkPlacement {
  hunkId: string;
  /** Document line of the hunk's first change: its first removed line, or the line its first added line goes before. */
  firstLine: number;
  blocks: ChangeBlock[];
}

/** Where the hunks sit in the file as it is: the original with `applied` hunks written (as apply leaves it). */
function startIn(h: Hunk): number {
  return h.oldLines === 0 ? h.oldStart : h.oldStart - 1;
}

/**
 * The `shown` hunks of a patch placed in the document that holds the original text with the
 * `applied` hunks written: each applied hunk above a shown one moves it by its line difference;
 * rejected and other unshown hunks are not in the document and move nothing.
 */
export function placeHunks(hunks: readonly Hunk[], applied: ReadonlySet<string>, shown: ReadonlySet<string>): HunkPlacement[] {
  const out: HunkPlacement[] = [];
  let shift = 0;
  for (const h of [...hunks].sort((a, b) => a.oldStart - b.oldStart)) {
    if (applied.has(h.id)) {
      shift += h.newLines - h.oldLines;
      continue;
    }
    if (!shown.has(h.id)) continue;
    let line = startIn(h) + shift;
    const blocks: ChangeBlock[] = [];
    let open: ChangeBlock | undefined;
    for (const l of h.lines) {
      const kind = l[0];
      // "\ No newline at end of file" belongs to the line before it.
      if (kind === '\\') continue;
      if (kind === ' ') {
        open = undefined;
        line++;
        continue;
      }
      if (!open) blocks.push((open = { at: line, removed: [], added: [] }));
      if (kind === '-') {
        open.removed.push(line);
        line++;
      } else open.added.push(l.slice(1));
    }
    const first = blocks[0];
    if (first) out.push({ hunkId: h.id, firstLine: first.at, blocks });
  }
  return out;
}

/** An added line as drawn: after the end of document line `line`, `pad` character widths to the right of its text. */
export interface AddedRow {
  line: number;
  text: string;
  pad: number;
  /** The hunk it belongs to. */
  hunkId: string;
}

/** A pure insertion: a rule drawn above `line` (below it when the lines go at the end of the file). */
export interface InsertionMark {
  line: number;
  edge: 'above' | 'below';
  hunkId: string;
}

export interface InlineRows {
  removed: { line: number; hunkId: string }[];
  added: AddedRow[];
  insertions: InsertionMark[];
}

/** Gap between the longest line beside a block and its added lines, in character widths. */
export const COLUMN_GAP = 4;

/**
 * Added lines are written one per row, beside the code, starting at the block's first removed
 * line (or the line they go before), in a column just right of the longest line they sit beside,
 * so they read as a block in their own indentation. VS Code's extension API cannot add rows
 * between lines (decoration text is one line, and text drawn below a line would cover the next
 * one), so a block with more added than removed lines continues beside the lines after it; a
 * block that would meet the next one's rows starts below it, and rows past the end of the
 * document are joined onto the last line.
 */
export function inlineRows(placements: readonly HunkPlacement[], lineCount: number, widthOf: (line: number) => number): InlineRows {
  const rows: InlineRows = { removed: [], added: [], insertions: [] };
  const last = Math.max(lineCount - 1, 0);
  let free = 0;
  for (const p of placements) {
    for (const b of p.blocks) {
      for (const line of b.removed) rows.removed.push({ line, hunkId: p.hunkId });
      if (b.removed.length === 0)
        rows.insertions.push(
          b.at < lineCount ? { line: b.at, edge: 'above', hunkId: p.hunkId } : { line: last, edge: 'below', hunkId: p.hunkId },
        );
      if (b.added.length === 0) continue;
      const start = Math.min(Math.max(b.removed[0] ?? b.at, free), last);
      const placed: { line: number; text: string }[] = [];
      for (const text of b.added) {
        const line = Math.min(start + placed.length, last);
        const prev = placed[placed.length - 1];
        if (prev && prev.line === line) prev.text += `  ⏎ ${text}`;
        else placed.push({ line, text });
      }
      const beside = [...new Set([...b.removed, ...placed.map((r) => r.line)])];
      const column = Math.max(0, ...beside.map(widthOf)) + COLUMN_GAP;
      for (const r of placed) rows.added.push({ ...r, pad: column - widthOf(r.line), hunkId: p.hunkId });
      free = placed[placed.length - 1]!.line + 1;
    }
  }
  return rows;
}

/** Columns a line takes on screen, tabs expanded to the next multiple of `tabSize`. */
export function displayWidth(text: string, tabSize: number): number {
  let col = 0;
  for (const ch of text) col = ch === '\t' ? col + tabSize - (col % tabSize) : col + 1;
  return col;
}

/**
 * Text for decoration content, which VS Code draws as CSS generated content: tabs as spaces up to
 * the tab stops, spaces as no-break spaces so indentation keeps its width.
 */
export function decorationText(text: string, tabSize: number): string {
  let col = 0;
  let out = '';
  for (const ch of text) {
    if (ch === '\t') {
      const n = tabSize - (col % tabSize);
      out += '\u00a0'.repeat(n);
      col += n;
    } else {
      out += ch === ' ' ? '\u00a0' : ch;
      col++;
    }
  }
  return out;
}
