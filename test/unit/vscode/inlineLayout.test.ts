import * as assert from 'node:assert/strict';
import { diffFiles } from '../../../src/core/edits/diff';
import { applyHunks } from '../../../src/core/edits/diff';
import { COLUMN_GAP, decorationText, displayWidth, inlineRows, placeHunks } from '../../../src/vscode/review/inlineLayout';
import { hunkRange } from '../../../src/vscode/review/labels';

/** Inline review's geometry and the hunk labels, in Node: both are free of 'vscode'. */

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);
const text = (ls: string[]) => ls.join('\n') + '\n';

// Line 4 replaced by three lines; two lines inserted before line 23; line 30 removed.
const before = lines(40);
const after = [...before];
after.splice(29, 1);
after.splice(22, 0, '  inserted a', '  inserted b');
after.splice(3, 1, 'new 4a', 'new 4b', 'new 4c');
const diff = diffFiles('a.ts', text(before), text(after));
const [replace, insert, remove] = diff.hunks;
const all = new Set(diff.hunks.map((h) => h.id));

describe('inline review layout', () => {
  it('the fixture diff has the three hunks it is built for', () => {
    assert.equal(diff.hunks.length, 3);
    assert.deepEqual(
      diff.hunks.map((h) => [h.added, h.removed]),
      [
        [3, 1],
        [2, 0],
        [0, 1],
      ],
    );
  });

  it('places each hunk in the original document: removed lines, and where added lines go', () => {
    const placed = placeHunks(diff.hunks, new Set(), all);
    assert.deepEqual(
      placed.map((p) => ({ id: p.hunkId, first: p.firstLine, blocks: p.blocks })),
      [
        { id: replace!.id, first: 3, blocks: [{ at: 3, removed: [3], added: ['new 4a', 'new 4b', 'new 4c'] }] },
        { id: insert!.id, first: 22, blocks: [{ at: 22, removed: [], added: ['  inserted a', '  inserted b'] }] },
        { id: remove!.id, first: 29, blocks: [{ at: 29, removed: [29], added: [] }] },
      ],
    );
  });

  it('after a hunk is applied, the ones below it move by its line difference; a rejected one moves nothing', () => {
    const applied = new Set([replace!.id]);
    const doc = applyHunks(text(before), [replace!]).split('\n');
    const placed = placeHunks(diff.hunks, applied, new Set([insert!.id, remove!.id]));
    assert.deepEqual(
      placed.map((p) => p.firstLine),
      [24, 31],
    );
    assert.equal(doc[24], 'line 23', 'the insertion goes before what was line 23');
    assert.equal(doc[31], 'line 30', 'the removal strikes what was line 30');
    // The insertion rejected (not in the file, not shown): the removal stays where it was.
    assert.deepEqual(
      placeHunks(diff.hunks, applied, new Set([remove!.id])).map((p) => p.firstLine),
      [31],
    );
  });

  it('writes added lines one per row from the first removed line, in a column right of the lines beside them', () => {
    const doc = [...before, ''];
    const width = (i: number) => doc[i]!.length;
    const rows = inlineRows(placeHunks(diff.hunks, new Set(), all), doc.length, width);
    assert.deepEqual(rows.removed, [
      { line: 3, hunkId: replace!.id },
      { line: 29, hunkId: remove!.id },
    ]);
    const column = Math.max(width(3), width(4), width(5)) + COLUMN_GAP;
    assert.deepEqual(
      rows.added.filter((r) => r.hunkId === replace!.id),
      [
        { line: 3, text: 'new 4a', pad: column - width(3), hunkId: replace!.id },
        { line: 4, text: 'new 4b', pad: column - width(4), hunkId: replace!.id },
        { line: 5, text: 'new 4c', pad: column - width(5), hunkId: replace!.id },
      ],
    );
    assert.deepEqual(
      rows.added.filter((r) => r.hunkId === insert!.id).map((r) => [r.line, r.text]),
      [
        [22, '  inserted a'],
        [23, '  inserted b'],
      ],
    );
    assert.deepEqual(rows.insertions, [{ line: 22, edge: 'above', hunkId: insert!.id }]);
  });

  it('a block that would meet the rows of the one before starts below them; rows past the end join the last line', () => {
    const placements = [
      { hunkId: 'a', firstLine: 0, blocks: [{ at: 0, removed: [0], added: ['x1', 'x2', 'x3'] }] },
      { hunkId: 'b', firstLine: 1, blocks: [{ at: 1, removed: [1], added: ['y1'] }] },
      { hunkId: 'c', firstLine: 4, blocks: [{ at: 5, removed: [], added: ['z1', 'z2'] }] },
    ];
    const rows = inlineRows(placements, 5, () => 2);
    assert.deepEqual(
      rows.added.map((r) => [r.hunkId, r.line, r.text]),
      [
        ['a', 0, 'x1'],
        ['a', 1, 'x2'],
        ['a', 2, 'x3'],
        ['b', 3, 'y1'],
        ['c', 4, 'z1  ⏎ z2'],
      ],
    );
    assert.deepEqual(rows.insertions, [{ line: 4, edge: 'below', hunkId: 'c' }]);
  });

  it('measures tabs to their stops and keeps indentation in decoration text', () => {
    assert.equal(displayWidth('\tab', 4), 6);
    assert.equal(displayWidth('ab\tc', 4), 5);
    assert.equal(decorationText('\tif (x)  y', 2), '\u00a0\u00a0if\u00a0(x)\u00a0\u00a0y');
  });
});

describe('hunkRange names the changed lines only, in the new file', () => {
  it('a one-line change at line 16 is "Line 16", not its context', () => {
    const src = lines(30);
    const changed = [...src];
    changed[15] = 'changed 16';
    const [h] = diffFiles('a.ts', text(src), text(changed)).hunks;
    assert.equal(h!.newStart, 13, 'the hunk itself starts with three lines of context');
    assert.equal(hunkRange(h!), 'Line 16');
  });

  it('added lines are named in the new numbering; a removal at the line that follows it', () => {
    assert.equal(hunkRange(replace!), 'Lines 4-6');
    assert.equal(hunkRange(insert!), 'Lines 25-26');
    assert.equal(hunkRange(remove!), 'Line 34', 'what was line 31 is line 34 now');
  });

  it('a removal at the end of the file is named at the new last line', () => {
    const src = lines(10);
    const [h] = diffFiles('a.ts', text(src), text(src.slice(0, 9))).hunks;
    assert.equal(hunkRange(h!), 'Line 9');
  });
});
