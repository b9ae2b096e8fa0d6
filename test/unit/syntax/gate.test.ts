import { strict as assert } from 'node:assert';
import { isBlocking } from '../../../src/core/findings';
import { CancelledError } from '../../../src/core/ports';
import { MAX_FINDINGS_PER_FILE, syntaxGate } from '../../../src/core/validate/syntax';
import { checkOne, gateContext } from './helpers';

const BROKEN_TS = 'export function f() {\n  return g(1, 2;\n}\n';

describe('syntax gate: only what the patch introduces blocks it', () => {
  it('reports a pre-existing error as not introduced, and it does not block', async () => {
    const after = BROKEN_TS + 'export const added = 1;\n';
    const { findings } = await checkOne({ language: 'typescript', before: BROKEN_TS, after });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.introduced, false);
    assert.equal(findings.filter(isBlocking).length, 0);
  });

  it('does not count an error moved down by a line inserted above it as introduced', async () => {
    const after = '// a new comment\nimport { g } from "./g";\n' + BROKEN_TS;
    const { findings } = await checkOne({ language: 'typescript', before: BROKEN_TS, after });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.line, 4, 'reported where it now is');
    assert.equal(findings[0]!.introduced, false);
  });

  it('does the same for Python and for a tree-sitter language', async () => {
    const py = 'def f():\n    return g(1, 2\n';
    const pyResult = await checkOne({ language: 'python', before: py, after: 'import os\n\n' + py });
    assert.ok(pyResult.findings.length > 0);
    assert.ok(
      pyResult.findings.every((f) => !f.introduced),
      JSON.stringify(pyResult.findings),
    );
    const go = 'package main\n\nfunc f() int {\n\treturn (1 + 2\n}\n';
    const goAfter = go.replace('package main\n', 'package main\n\nimport "fmt"\n');
    const goResult = await checkOne({ language: 'go', before: go, after: goAfter });
    assert.ok(goResult.findings.length > 0);
    assert.ok(
      goResult.findings.every((f) => !f.introduced),
      JSON.stringify(goResult.findings),
    );
  });

  it('marks a second, identical error as introduced (errors are matched as a multiset)', async () => {
    const after = BROKEN_TS + 'export function h() {\n  return g(1, 2;\n}\n';
    const { findings } = await checkOne({ language: 'typescript', before: BROKEN_TS, after });
    assert.deepEqual(
      findings.map((f) => f.introduced),
      [false, true],
    );
  });

  it('blocks a new error next to a pre-existing one', async () => {
    const after = BROKEN_TS + 'const s = "open\n';
    const { findings } = await checkOne({ language: 'typescript', before: BROKEN_TS, after });
    assert.deepEqual(
      findings.filter(isBlocking).map((f) => f.code),
      ['TS1002'],
    );
  });

  it('treats every error of a new file as introduced and finds none in a deleted file', async () => {
    const created = await checkOne({ language: 'typescript', before: undefined, after: BROKEN_TS });
    assert.ok(created.findings.length > 0 && created.findings.every(isBlocking));
    const deleted = await checkOne({ language: 'typescript', before: BROKEN_TS, after: undefined });
    assert.deepEqual(deleted.findings, []);
  });

  it('sets the file path, 1-based positions and a trimmed excerpt', async () => {
    const { findings } = await checkOne({ language: 'typescript', before: undefined, after: BROKEN_TS, path: 'src/deep/x.ts' });
    assert.deepEqual(
      {
        file: findings[0]!.file,
        line: findings[0]!.line,
        column: findings[0]!.column,
        excerpt: findings[0]!.excerpt,
        code: findings[0]!.code,
      },
      { file: 'src/deep/x.ts', line: 2, column: 16, excerpt: 'return g(1, 2;', code: 'TS1005' },
    );
  });

  it('cuts an excerpt of a very long line to about 120 characters', async () => {
    const long = `const s = [${'1, '.repeat(100)}2;\n`;
    const { findings } = await checkOne({ language: 'typescript', before: undefined, after: long });
    assert.ok(findings[0]!.excerpt!.length <= 120);
    assert.ok(findings[0]!.excerpt!.startsWith('const s = [1, 1,'));
  });
});

describe('syntax gate: result shape', () => {
  it('caps findings per file, introduced ones first, with one line saying how many were left out', async () => {
    const pre = Array.from({ length: 15 }, (_, i) => `const a${i} = "open\n`).join('');
    const added = Array.from({ length: 15 }, (_, i) => `const b${i} = (1 + ;\n`).join('');
    const { findings } = await checkOne({ language: 'typescript', before: pre, after: pre + added });
    assert.equal(findings.length, MAX_FINDINGS_PER_FILE + 1);
    const shown = findings.slice(0, MAX_FINDINGS_PER_FILE);
    assert.equal(shown.filter((f) => f.introduced).length, 15, 'all 15 introduced errors come first');
    const more = findings[MAX_FINDINGS_PER_FILE]!;
    assert.equal(more.severity, 'info');
    assert.equal(more.code, 'more-errors');
    assert.match(more.message, /^10 more syntax error\(s\) not shown \(0 introduced/);
  });

  it('reports durationMs, and skips a candidate with no known language or only deletions', async () => {
    const ctx = gateContext();
    const res = await syntaxGate.check(
      [
        { path: 'README.md', language: undefined, before: 'a', after: 'b' },
        { path: 'gone.ts', language: 'typescript', before: 'x', after: undefined },
      ],
      ctx,
    );
    assert.equal(res.gate, 'syntax');
    assert.ok(typeof res.durationMs === 'number' && res.durationMs >= 0);
    assert.deepEqual(res.findings, []);
    assert.ok(res.skipped);
    const ran = await checkOne({ language: 'go', before: undefined, after: 'package main\n' });
    assert.equal(ran.skipped, undefined);
    assert.ok(ran.durationMs >= 0);
  });

  it('checks every file of a candidate and stops on cancellation', async () => {
    const files = [
      { path: 'a.ts', language: 'typescript' as const, before: undefined, after: BROKEN_TS },
      { path: 'b.py', language: 'python' as const, before: undefined, after: 'def f(:\n' },
    ];
    const res = await syntaxGate.check(files, gateContext());
    assert.deepEqual([...new Set(res.findings.map((f) => f.file))], ['a.ts', 'b.py']);
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(syntaxGate.check(files, gateContext(aborted.signal)), CancelledError);
  });
});

describe('syntax gate: byte order mark', () => {
  it('gives columns of the BOM-free text, the same with or without a stray BOM', async () => {
    const text = 'const x = ;\n';
    const plain = await checkOne({ language: 'typescript', before: undefined, after: text });
    assert.deepEqual([plain.findings[0]!.line, plain.findings[0]!.column], [1, 11]);
    const withBom = await checkOne({ language: 'typescript', before: undefined, after: '\uFEFF' + text });
    assert.deepEqual(withBom.findings, plain.findings);
    for (const [language, body] of [
      ['python', 'x = )\n'],
      ['go', 'package main\nvar x = (1\n'],
    ] as const) {
      const a = await checkOne({ language, before: undefined, after: body });
      const b = await checkOne({ language, before: undefined, after: '\uFEFF' + body });
      assert.ok(a.findings.length > 0);
      assert.deepEqual(b.findings, a.findings, language);
    }
  });
});
