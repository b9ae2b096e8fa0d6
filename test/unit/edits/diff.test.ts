import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPatch } from 'diff';
import { applyHunks, diffFiles } from '../../../src/core/edits/diff';
import { HunkSchema } from '../../../src/core/edits/hunk';
import { seededRandom as rng } from '../../support/seededRandom';

function lines(n: number, f: (i: number) => string = (i) => `line ${i}`): string {
  return Array.from({ length: n }, (_, i) => f(i) + '\n').join('');
}

/** A random edit of a random text: lines changed, inserted and deleted; endings and final newline varied. */
function randomPair(next: () => number): [string, string] {
  const eol = next() < 0.3 ? '\r\n' : '\n';
  const n = Math.floor(next() * 30);
  const a: string[] = Array.from({ length: n }, () => ['x', 'y', '{', '}', 'return', ''][Math.floor(next() * 6)]!);
  const b: string[] = [];
  for (const l of a) {
    const r = next();
    if (r < 0.15) continue;
    if (r < 0.3) b.push(l + '!');
    else if (r < 0.4) b.push(l, 'new');
    else b.push(l);
  }
  // Now and then the edit also changes the line-ending style, or mixes it.
  const eolB = next() < 0.1 ? (eol === '\n' ? '\r\n' : '\n') : eol;
  const join = (ls: string[], e: string, final: boolean) => ls.join(e) + (final && ls.length > 0 ? e : '');
  const mixed = next() < 0.1 ? b.map((l, i) => (i % 2 === 0 ? l + '\r' : l)) : b;
  return [join(a, eol, next() < 0.7), join(mixed, eolB, next() < 0.7)];
}

describe('edits/diff', () => {
  it('makes unified hunks with 3 lines of context and correct line numbers', () => {
    const before = lines(20);
    const after = before.replace('line 5\n', 'line five\n').replace('line 15\n', '');
    const d = diffFiles('src/a.ts', before, after);
    assert.equal(d.hunks.length, 2);
    assert.deepEqual(
      d.hunks.map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines]),
      [
        [3, 7, 3, 7],
        [13, 7, 13, 6],
      ],
    );
    assert.deepEqual(d.hunks[0]!.lines, [' line 2', ' line 3', ' line 4', '-line 5', '+line five', ' line 6', ' line 7', ' line 8']);
    assert.equal(d.added, 1);
    assert.equal(d.removed, 2);
    assert.match(d.unified, /^--- a\/src\/a\.ts\n\+\+\+ b\/src\/a\.ts\n@@ -3,7 \+3,7 @@\n/);
    for (const h of d.hunks) HunkSchema.parse(h);
    // jsdiff itself applies our unified text back to the original.
    assert.equal(applyPatch(before, d.unified), after);
  });

  it('gives the same id to the same hunk at the same place, and another id elsewhere', () => {
    const before = lines(40);
    const a = diffFiles('a.ts', before, before.replace('line 5\n', 'changed\n'));
    const b = diffFiles('a.ts', before, before.replace('line 5\n', 'changed\n').replace('line 30\n', 'other\n'));
    assert.equal(a.hunks[0]!.id, b.hunks[0]!.id);
    assert.match(a.hunks[0]!.id, /^[0-9a-f]{12}$/);
    assert.notEqual(b.hunks[0]!.id, b.hunks[1]!.id);
    assert.notEqual(diffFiles('b.ts', before, before.replace('line 5\n', 'changed\n')).hunks[0]!.id, a.hunks[0]!.id);
  });

  it('reproduces `after` exactly from all hunks, and mixes from a subset', () => {
    const before = lines(30);
    const after = before.replace('line 2\n', 'two\n').replace('line 15\n', 'fifteen\nand more\n').replace('line 28\n', '');
    const d = diffFiles('a.txt', before, after);
    assert.equal(d.hunks.length, 3);
    assert.equal(applyHunks(before, d.hunks), after);
    assert.equal(applyHunks(before, [d.hunks[1]!]), before.replace('line 15\n', 'fifteen\nand more\n'));
    assert.equal(applyHunks(before, [d.hunks[2]!, d.hunks[0]!]), before.replace('line 2\n', 'two\n').replace('line 28\n', ''));
    assert.equal(applyHunks(before, []), before);
  });

  it('round-trips generated pairs through applyHunks (CRLF, no final newline, empty files)', () => {
    const next = rng(7);
    for (let i = 0; i < 1500; i++) {
      const [before, after] = randomPair(next);
      const d = diffFiles('f.txt', before, after);
      assert.equal(applyHunks(before, d.hunks), after, `case ${i}: ${JSON.stringify([before, after])}`);
      assert.equal(applyHunks(before, d.hunks, d.eol), after, `case ${i}`);
    }
  });

  it('shows only content changes in a CRLF file, and no CR in the diff', () => {
    const before = lines(10).replace(/\n/g, '\r\n');
    const after = before.replace('line 4\r\n', 'line four\r\n');
    const d = diffFiles('w.txt', before, after);
    assert.equal(d.eol, '\r\n');
    assert.equal(d.added, 1);
    assert.equal(d.removed, 1);
    assert.ok(!d.unified.includes('\r'));
    assert.equal(applyHunks(before, d.hunks), after);
  });

  it('marks a missing final newline and handles new and deleted files', () => {
    const d = diffFiles('a.txt', 'a\nb', 'a\nb\n');
    assert.deepEqual(d.hunks[0]!.lines, [' a', '-b', '\\ No newline at end of file', '+b']);
    const created = diffFiles('n.txt', undefined, 'x\ny\n');
    assert.match(created.unified, /^--- \/dev\/null\n\+\+\+ b\/n\.txt\n@@ -0,0 \+1,2 @@/);
    assert.deepEqual([created.hunks[0]!.oldStart, created.hunks[0]!.oldLines], [0, 0]);
    const deleted = diffFiles('n.txt', 'x\n', undefined);
    assert.match(deleted.unified, /\+\+\+ \/dev\/null\n@@ -1,1 \+0,0 @@\n-x\n$/);
    assert.equal(diffFiles('same.txt', 'a\n', 'a\n').unified, '');
  });

  it('takes the bounded fallback on a 50k-line file with every line changed, and stays correct', () => {
    const before = lines(50_000);
    const after = lines(50_000, (i) => `changed ${i}`);
    const d = diffFiles('big.txt', before, after);
    assert.equal(d.approximate, true);
    assert.equal(d.hunks.length, 1);
    assert.equal(d.added, 50_000);
    assert.equal(d.removed, 50_000);
    assert.equal(applyHunks(before, d.hunks), after);
  });

  it('stays exact (no fallback) on a 50k-line file with 10% of lines changed, agreeing with git', function () {
    const before = lines(50_000);
    const after = lines(50_000, (i) => (i % 10 === 3 ? `changed ${i}` : `line ${i}`));
    const d = diffFiles('big.txt', before, after);
    assert.equal(d.approximate, false);
    assert.equal(d.added, 5_000);
    assert.equal(d.removed, 5_000);
    assert.equal(applyHunks(before, d.hunks), after);
    const git = spawnSync('git', ['--version']);
    if (git.status !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'rg-diff-'));
    try {
      writeFileSync(join(dir, 'a'), before);
      writeFileSync(join(dir, 'b'), after);
      const out = spawnSync('git', ['diff', '--no-index', '--numstat', 'a', 'b'], { cwd: dir, encoding: 'utf8' });
      assert.match(out.stdout, /^5000\t5000\t/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
