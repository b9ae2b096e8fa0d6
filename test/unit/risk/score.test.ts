import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffFiles } from '../../../src/core/edits/diff';
import type { Hunk } from '../../../src/core/edits/hunk';
import type { Finding } from '../../../src/core/findings';
import { FACTORS, type Measures } from '../../../src/core/risk/factors';
import { publicSymbolsOnLines } from '../../../src/core/risk/publicSymbols';
import { RiskSchema } from '../../../src/core/risk/schema';
import { combine, levelOf, scoreHunk, scorePatch, type PatchRiskInput } from '../../../src/core/risk/score';

function file(n: number): string {
  return Array.from({ length: n }, (_, i) => `  const v${i} = ${i};\n`).join('');
}

/** A patch input for `before` -> `after`, with its real diff. */
function patch(before: string | undefined, after: string, extra: Partial<PatchRiskInput> = {}): PatchRiskInput {
  const d = diffFiles('src/a.ts', before, after);
  return { path: 'src/a.ts', before, after, hunks: d.hunks, wholeFileWrite: false, filesInRun: 1, ...extra };
}

function finding(severity: 'error' | 'warning', line = 1): Finding {
  return { tool: 't', code: 'c', category: 'other', severity, file: 'src/a.ts', line, column: 1, message: 'm', introduced: true };
}

/** A hunk adding `n` lines of `bytesPerLine` bytes each (line end included). */
function hunkOf(n: number, bytesPerLine: number): Hunk {
  const line = '+' + 'x'.repeat(Math.max(0, bytesPerLine - 1));
  return { id: 'h', oldStart: 0, oldLines: 0, newStart: 1, newLines: n, lines: new Array<string>(n).fill(line), added: n, removed: 0 };
}

/** Measures of a change that touches nothing but its size: no share (a huge file), no deletions. */
function sizeOnly(addedLines: number, changedBytes: number): Measures {
  return {
    changedLines: addedLines,
    fileLines: 1e9,
    addedLines,
    deletedLines: 0,
    changedBytes,
    publicSymbols: 0,
    symbolsPrecomputed: true,
    wholeFileRewrite: false,
    blockingFindings: 0,
    warningFindings: 0,
    filesInRun: 1,
    newFile: false,
  };
}

const BASE = file(40);
const ONE_LINE = BASE.replace('v3 = 3', 'v3 = 33');

describe('risk/score', () => {
  it('is deterministic, in range, schema-valid, and its contributions add up to the score', () => {
    const a = scorePatch(patch(BASE, ONE_LINE));
    const b = scorePatch(patch(BASE, ONE_LINE));
    assert.deepEqual(a, b);
    RiskSchema.parse(a);
    assert.ok(a.score >= 0 && a.score <= 1);
    assert.equal(a.level, 'low');
    const sum = a.factors.reduce((s, f) => s + f.contribution, 0);
    assert.ok(Math.abs(sum - a.score) < 1e-3);
    assert.deepEqual(
      a.factors.map((f) => f.id),
      [
        'share_changed',
        'lines_deleted',
        'change_size',
        'public_symbols',
        'whole_file_rewrite',
        'findings_remaining',
        'files_in_run',
        'new_file',
        'untested_lines',
      ],
    );
    assert.equal(a.factors[0]!.detail, '1 of 40 lines changed (3%).');
  });

  it('scores a whole-file rewrite above a one-line change of the same file', () => {
    const rewritten = BASE.replace(/const/g, 'let');
    const oneLine = scorePatch(patch(BASE, ONE_LINE));
    const rewrite = scorePatch(patch(BASE, rewritten, { wholeFileWrite: true }));
    assert.ok(rewrite.score > oneLine.score, `${rewrite.score} > ${oneLine.score}`);
    assert.equal(rewrite.level, 'high');
    // Even a rewrite that changes the same one line scores above the in-place edit.
    assert.ok(scorePatch(patch(BASE, ONE_LINE, { wholeFileWrite: true })).score > oneLine.score);
  });

  describe('is monotone in each factor', () => {
    const scoreOf = (p: PatchRiskInput) => scorePatch(p).score;
    const increasing = (scores: number[], name: string) => {
      for (let i = 1; i < scores.length; i++) assert.ok(scores[i]! >= scores[i - 1]!, `${name}: ${scores.join(' ')}`);
      assert.ok(scores[scores.length - 1]! > scores[0]!, `${name} must matter: ${scores.join(' ')}`);
    };

    it('share changed', () => {
      increasing(
        [0, 1, 5, 20, 40].map((k) =>
          scoreOf(
            patch(
              BASE,
              file(40)
                .split('\n')
                .map((l, i) => (i < k ? l + ' // changed' : l))
                .join('\n'),
            ),
          ),
        ),
        'share_changed',
      );
      // The share alone, with deletions held equal: the same 4 changed lines in smaller files.
      increasing(
        [80, 40, 10].map((n) =>
          scoreOf({ path: 'a.ts', before: file(n), after: '', added: 4, removed: 4, wholeFileWrite: false, filesInRun: 1 }),
        ),
        'share alone',
      );
    });

    it('lines deleted', () => {
      // Changed lines (max of added, removed) held at 30, so only the deletions vary.
      increasing(
        [0, 1, 5, 30].map((d) =>
          scoreOf({ path: 'a.ts', before: file(100), after: '', added: 30, removed: d, wholeFileWrite: false, filesInRun: 1 }),
        ),
        'lines_deleted',
      );
    });

    it('never decreases when any measure grows, over many generated measures', () => {
      let seed = 99;
      const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      const int = (max: number) => Math.floor(next() * max);
      const fields = [
        'changedLines',
        'addedLines',
        'deletedLines',
        'changedBytes',
        'publicSymbols',
        'blockingFindings',
        'warningFindings',
        'filesInRun',
      ] as const;
      for (let i = 0; i < 3000; i++) {
        const m: Measures = {
          changedLines: int(200),
          fileLines: 1 + int(300),
          addedLines: int(200),
          deletedLines: int(200),
          changedBytes: next() < 0.1 ? int(5e7) : int(20000),
          publicSymbols: int(10),
          symbolsPrecomputed: true,
          wholeFileRewrite: next() < 0.5,
          blockingFindings: int(5),
          warningFindings: int(5),
          filesInRun: 1 + int(10),
          newFile: next() < 0.2,
        };
        const base = combine(m).score;
        assert.ok(base >= 0 && base <= 1);
        for (const k of fields)
          assert.ok(combine({ ...m, [k]: m[k] + 1 + int(k === 'changedBytes' ? 1e6 : 50) }).score >= base, `${k} at case ${i}`);
        assert.ok(combine({ ...m, wholeFileRewrite: true }).score >= base);
        assert.ok(combine({ ...m, newFile: true }).score >= base);
        assert.ok(combine({ ...m, fileLines: Math.max(1, m.fileLines - 1 - int(50)) }).score >= base, `smaller file at case ${i}`);
      }
    });

    it('size of the change, in lines and in bytes', () => {
      increasing(
        [1, 100, 2000, 20_000, 200_000].map((n) => combine(sizeOnly(n, 0)).score),
        'change_size lines',
      );
      increasing(
        [10, 1000, 100_000, 10_000_000].map((b) => combine(sizeOnly(1, b)).score),
        'change_size bytes',
      );
      // Through scorePatch: the bytes come from the hunk's lines.
      increasing(
        [10, 1000, 100_000, 10_000_000].map((b) =>
          scoreOf({ path: 'a.ts', before: file(40), after: file(40), hunks: [hunkOf(1, b)], wholeFileWrite: false, filesInRun: 1 }),
        ),
        'bytes in a hunk',
      );
    });

    it('public symbols (detected and precomputed)', () => {
      const ex = (k: number) => Array.from({ length: k }, (_, i) => `export function f${i}() {}\n`).join('');
      increasing(
        [0, 1, 2, 5].map((k) => scoreOf(patch(BASE, BASE + ex(k)))),
        'public_symbols detected',
      );
      increasing(
        [0, 1, 3, 10].map((k) => scoreOf(patch(BASE, ONE_LINE, { publicSymbols: k }))),
        'public_symbols given',
      );
    });

    it('findings remaining', () => {
      increasing(
        [[], [finding('warning')], [finding('error')], [finding('error'), finding('error'), finding('warning')]].map((f) =>
          scoreOf(patch(BASE, ONE_LINE, { findings: f })),
        ),
        'findings_remaining',
      );
      // Pre-existing findings and infos do not count.
      const old = { ...finding('error'), introduced: false };
      assert.equal(
        scoreOf(patch(BASE, ONE_LINE, { findings: [old, { ...finding('warning'), severity: 'info' }] })),
        scoreOf(patch(BASE, ONE_LINE)),
      );
    });

    it('files in the run, whole-file rewrite, new file', () => {
      increasing(
        [1, 2, 5, 20].map((f) => scoreOf(patch(BASE, ONE_LINE, { filesInRun: f }))),
        'files_in_run',
      );
      increasing(
        [false, true].map((w) => scoreOf(patch(BASE, ONE_LINE, { wholeFileWrite: w }))),
        'whole_file_rewrite',
      );
      const asExisting = scoreOf({
        path: 'a.ts',
        before: file(10),
        after: file(10),
        added: 10,
        removed: 0,
        wholeFileWrite: true,
        filesInRun: 1,
      });
      const asNew = scoreOf({
        path: 'a.ts',
        before: undefined,
        after: file(10),
        added: 10,
        removed: 0,
        wholeFileWrite: true,
        filesInRun: 1,
      });
      assert.ok(asNew > asExisting);
    });
  });

  it('scores a 50 MB insertion high, on one line or on a million', () => {
    const small = file(40);
    // One hunk built by hand: diffing 50 MB would only slow the test, the scorer reads the hunk.
    const oneLine = scorePatch({
      path: 'src/a.ts',
      before: small,
      after: small,
      hunks: [hunkOf(1, 50_000_000)],
      wholeFileWrite: false,
      filesInRun: 1,
    });
    const manyLines = scorePatch({
      path: 'src/a.ts',
      before: small,
      after: small,
      hunks: [hunkOf(1_250_000, 40)],
      wholeFileWrite: false,
      filesInRun: 1,
    });
    for (const r of [oneLine, manyLines]) {
      RiskSchema.parse(r);
      assert.equal(r.level, 'high');
      assert.ok(r.score >= 0.8, `${r.score}`);
      assert.ok(r.score <= 1);
      assert.ok(Math.abs(r.factors.reduce((s, f) => s + f.contribution, 0) - r.score) < 1e-3);
      assert.ok(r.factors.find((f) => f.id === 'change_size')!.contribution > 0.4);
    }
    assert.match(oneLine.factors.find((f) => f.id === 'change_size')!.detail, /^1 line added or removed \(47\.7 MiB\)\.$/);
    // Where the share is nothing (a line-long change of a huge file), size alone still makes it high.
    assert.ok(combine(sizeOnly(1, 50_000_000)).score >= 0.8);
    assert.ok(combine(sizeOnly(300_000, 300_000 * 40)).score >= 0.8);
    assert.equal(levelOf(combine(sizeOnly(20_000, 0)).score), 'high');
  });

  it('scores hunks on their own lines and findings', () => {
    const after = BASE.replace('v3 = 3', 'v3 = 33').replace('  const v30 = 30;\n', 'export const v30 = 30;\n');
    const d = diffFiles('src/a.ts', BASE, after);
    assert.equal(d.hunks.length, 2);
    const common = { path: 'src/a.ts', before: BASE, after, wholeFileWrite: false, filesInRun: 1, findings: [finding('error', 4)] };
    const first = scoreHunk({ ...common, hunk: d.hunks[0]! });
    const second = scoreHunk({ ...common, hunk: d.hunks[1]! });
    assert.equal(first.factors.find((f) => f.id === 'findings_remaining')!.value, 1);
    assert.equal(second.factors.find((f) => f.id === 'findings_remaining')!.value, 0);
    assert.equal(second.factors.find((f) => f.id === 'public_symbols')!.detail, '1 exported or public symbol touched: v30.');
    RiskSchema.parse(first);
  });

  it('finds public symbols per language', () => {
    assert.deepEqual(
      publicSymbolsOnLines(['export async function load() {', 'const x = 1;', 'export default class Foo {}'], 'typescript'),
      ['Foo', 'load'],
    );
    assert.deepEqual(publicSymbolsOnLines(['def run():', 'def _hidden():', '    def inner():', 'class Job:'], 'python'), ['Job', 'run']);
    assert.deepEqual(
      publicSymbolsOnLines(['func Serve() {', 'func helper() {', 'func (s *S) Close() error {', 'type Config struct {'], 'go'),
      ['Close', 'Config', 'Serve'],
    );
    assert.deepEqual(publicSymbolsOnLines(['pub fn open() {}', 'fn private() {}', 'pub(crate) struct Inner;'], 'rust'), ['Inner', 'open']);
    assert.deepEqual(publicSymbolsOnLines(['public void save(int x) {', 'private int y;'], 'java'), ['save']);
    assert.deepEqual(publicSymbolsOnLines(['export function x() {}'], undefined), []);
  });

  it('states the same weights as src/core/risk/README.md', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'src', 'core', 'risk', 'README.md'), 'utf8');
    for (const f of FACTORS) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${f.id}\``));
      assert.ok(row, `README has a row for ${f.id}`);
      assert.equal(Number(row.trim().split('|').at(-2)!.trim()), f.weight, f.id);
    }
  });

  it('gives the README’s points of reference', () => {
    const sig = file(200);
    const sigAfter = sig.replace('  const v5 = 5;\n', 'export function f(a: number) {}\n');
    const r1 = scorePatch(patch(BASE, ONE_LINE)).score;
    const r2 = scorePatch(patch(sig, sigAfter)).score;
    const r3 = scorePatch(patch(file(100), file(100).replace(/const/g, 'let'), { wholeFileWrite: true })).score;
    assert.deepEqual(
      [r1, r2, r3].map((x) => x.toFixed(2)),
      ['0.03', '0.18', '0.73'],
    );
  });
});
