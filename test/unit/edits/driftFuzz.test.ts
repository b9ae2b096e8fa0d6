import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { replaceOnce } from '../../../src/core/edits/match';
import { convertIndent, fileIndentUnits } from '../../../src/core/edits/indentUnits';
import { splitLines } from '../../../src/core/edits/lines';
import { seededRandom } from '../../support/seededRandom';

/**
 * Real windows of real files (this project's dependencies, and Python's standard library where
 * python3 is installed), edited, then drifted the ways models drift: trailing whitespace, a block
 * shift, another indentation unit, CRLF, blank lines at the edges, our own line-number quotes, in
 * random combinations. An applied edit must give exactly the bytes the undrifted edit gives; the
 * same edit aimed at an identifier the file lacks must never apply.
 *
 *   RG_DRIFT_CASES=50000 npx mocha test/unit/edits/driftFuzz.test.ts   # a longer run
 */
const CASES = Number(process.env.RG_DRIFT_CASES ?? 4000);
const SEED = Number(process.env.RG_DRIFT_SEED ?? 11);
const ROOT = join(__dirname, '..', '..', '..');

function corpus(): { path: string; text: string }[] {
  const roots = [
    join(ROOT, 'node_modules', 'commander', 'lib'),
    join(ROOT, 'node_modules', 'zod', 'v4', 'core'),
    join(ROOT, 'node_modules', 'diff', 'libcjs'),
    join(ROOT, 'src', 'core'),
  ];
  const py = spawnSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' });
  if (py.status === 0) roots.push(join(py.stdout.trim(), 'json'), join(py.stdout.trim(), 'email'), join(py.stdout.trim(), 'asyncio'));
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else if (/\.(js|cjs|ts|py)$/.test(name) && s.size < 200_000 && s.size > 500) {
        const text = readFileSync(p, 'utf8');
        if (!text.includes('\r')) out.push({ path: p, text });
      }
    }
  };
  for (const r of roots) walk(r);
  return out;
}

type Drift = 'trailing' | 'shift' | 'unit' | 'crlf' | 'leadBlank' | 'tailBlank' | 'numbers';
const DRIFTS: Drift[] = ['trailing', 'shift', 'unit', 'crlf', 'leadBlank', 'tailBlank', 'numbers'];

describe('edits/match: drift fuzz over real files', function () {
  this.timeout(300_000);
  it(`applies drifted edits to exactly the bytes of the undrifted ones, and never applies an absent one (${CASES} cases)`, () => {
    const files = corpus();
    assert.ok(files.length > 20, `a corpus of real files (${files.length})`);
    const next = seededRandom(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const stats = { cases: 0, applied: 0, refused: 0, wrong: 0, absentApplied: 0, fitElsewhere: 0 };
    const byDrift = new Map<string, { cases: number; applied: number }>();
    const wrongExamples: string[] = [];
    let guard = 0;
    let refusedShown = 0;
    while (stats.cases < CASES && guard++ < CASES * 50) {
      const file = pick(files);
      const lines = file.text.split('\n');
      const k = 2 + Math.floor(next() * 7);
      const s = Math.floor(next() * Math.max(1, lines.length - k));
      const win = lines.slice(s, s + k);
      if (win.filter((l) => l.trim() !== '').length < 2 || !win.some((l) => /^[ \t]+\S/.test(l))) continue;
      const window = win.join('\n');
      if (count(file.text, window) !== 1) continue;
      // The edit: a line added after the first line that is not blank, indented as it is.
      const first = win.findIndex((l) => l.trim() !== '');
      const indent = /^[ \t]*/.exec(win[first]!)![0];
      const edited = [...win.slice(0, first + 1), `${indent}fuzzMarker${stats.cases}();`, ...win.slice(first + 1)].join('\n');
      const expected = file.text.replace(window, () => edited);
      if (replaceOnce(file.text, window, edited, 'f').ok !== true) continue; // undrifted must apply (sanity)

      const drifts = DRIFTS.filter(() => next() < 0.3);
      if (drifts.length === 0) drifts.push(pick(DRIFTS));
      let [o, n] = [window, edited];
      const units = fileIndentUnits(splitLines(file.text));
      for (const d of drifts) [o, n] = drift(d, o, n, s + 1, units, next);
      const key = [...drifts].sort().join('+');
      const entry = byDrift.get(key) ?? { cases: 0, applied: 0 };
      entry.cases++;
      byDrift.set(key, entry);
      stats.cases++;
      const r = replaceOnce(file.text, o, n, 'f');
      if (r.ok) {
        stats.applied++;
        entry.applied++;
        // Elsewhere than meant, a drift can have made old_string fit another place as well as (or
        // better than) the intended one: the same block at another depth, with the blank line the
        // drift added. That is the model's text, read by the rules. It is wrong only when the
        // intended place fits with no more tolerance, which the matcher should have called ambiguous.
        // (A leading blank line found as written starts the match on the line before.)
        if (r.text !== expected && r.line !== s + 1 && r.line !== s && fitsAtLeastAsWell(file.text, r, o, n, s + 1)) stats.fitElsewhere++;
        else if (r.text !== expected) {
          stats.wrong++;
          if (wrongExamples.length < 3)
            wrongExamples.push(
              `${file.path}:${s + 1} drifts ${key} kind ${r.kind}\n--- old\n${JSON.stringify(o)}\n--- new\n${JSON.stringify(n)}`,
            );
        }
      } else {
        stats.refused++;
        if (key === process.env.RG_DRIFT_SHOW && refusedShown++ < 8)
          console.log(`REFUSED ${file.path}:${s + 1} ${key}\n${JSON.stringify(window)}\n${JSON.stringify(o)}\n${r.message.split('\n')[0]}`);
      }

      // The twin: the same drifted edit, but aimed at a name the file does not have.
      const token = /[A-Za-z_]\w{3,}/.exec(o.replace(/^\s*\d+\| ?/gm, ''));
      if (token && !file.text.includes(`${token[0]}Absent`)) {
        const absent = o.replace(token[0], `${token[0]}Absent`);
        if (replaceOnce(file.text, absent, n.replace(token[0], `${token[0]}Absent`), 'f').ok) stats.absentApplied++;
      }
    }
    const rows = [...byDrift.entries()].sort((a, b) => b[1].cases - a[1].cases).map(([k, v]) => `${k}: ${v.applied}/${v.cases}`);
    console.log(
      `      ${stats.cases} drifted edits over ${files.length} files (seed ${SEED}): ${stats.applied} applied (${((100 * stats.applied) / stats.cases).toFixed(1)}%), ${stats.refused} refused, ${stats.wrong} wrong, ${stats.fitElsewhere} drifted into a better fit elsewhere (applied there, as the rules read it); absent twins applied: ${stats.absentApplied}`,
    );
    if (process.env.RG_DRIFT_DETAIL) console.log(rows.join('\n'));
    // RG_DRIFT_SHOW=unit (a drift combination as the detail rows name it) prints refused cases.
    assert.equal(stats.wrong, 0, wrongExamples.join('\n\n'));
    assert.equal(stats.absentApplied, 0, 'an edit aimed at an absent name was applied');
    assert.ok(stats.applied / stats.cases >= 0.985, `apply rate ${(stats.applied / stats.cases).toFixed(3)}:\n${rows.join('\n')}`);
  });
});

/**
 * With the place the matcher chose made unmatchable, does the intended place (at `line`) fit
 * the same old_string only with more tolerance, or not at all? Then the choice was the better fit.
 */
function fitsAtLeastAsWell(text: string, chosen: { line: number; tolerance: number }, o: string, n: string, line: number): boolean {
  const lines = text.split('\n');
  const span = o.split('\n').length;
  for (let i = chosen.line - 1; i < Math.min(lines.length, chosen.line - 1 + span); i++) lines[i] = `ZZZ_MANGLED ${lines[i]}`;
  const again = replaceOnce(lines.join('\n'), o, n, 'f');
  if (!again.ok || (again.line !== line && again.line !== line - 1)) return true;
  return again.tolerance > chosen.tolerance;
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
  return n;
}

/** One drift applied to old_string and new_string as a model would write them. */
function drift(d: Drift, o: string, n: string, firstLine: number, units: string[], next: () => number): [string, string] {
  switch (d) {
    case 'trailing':
      return [o.replace(/\S(?=\n|$)/g, (c) => (next() < 0.5 ? c + ' '.repeat(1 + Math.floor(next() * 3)) : c)), n];
    case 'shift': {
      const minIndent = Math.min(
        ...o
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => /^[ \t]*/.exec(l)![0].length),
      );
      if (minIndent > 0 && next() < 0.6) {
        const cut = (s: string) => s.replace(/^[ \t]+(?=\S)/gm, (w) => w.slice(minIndent));
        return [cut(o), cut(n)];
      }
      const add = units[0] === '\t' ? '\t' : '    ';
      const put = (s: string) => s.replace(/^(?=[^\n]*\S)/gm, add);
      return [put(o), put(n)];
    }
    case 'unit': {
      const from = units[0];
      if (!from) return [o, n];
      const to = from === '\t' ? '    ' : from === '    ' ? (next() < 0.5 ? '\t' : '  ') : '    ';
      return [convertIndent(o, from, to), convertIndent(n, from, to)];
    }
    case 'crlf':
      return [o.replace(/\n/g, '\r\n'), n.replace(/\n/g, '\r\n')];
    case 'leadBlank':
      return ['\n' + o, '\n' + n];
    case 'tailBlank':
      return [o + '\n\n', n + '\n\n'];
    case 'numbers': {
      const ls = o.split('\n');
      const width = String(firstLine + ls.length - 1).length;
      return [ls.map((l, i) => `${String(firstLine + i).padStart(width)}| ${l}`).join('\n'), n];
    }
  }
}
