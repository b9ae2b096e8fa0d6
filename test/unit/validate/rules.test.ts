import { strict as assert } from 'node:assert';
import { isBlocking } from '../../../src/core/findings';
import type { CandidateFile } from '../../../src/core/validate/gate';
import { createComplexityRule } from '../../../src/core/validate/rules/complexity';
import { createDiffSizeRule } from '../../../src/core/validate/rules/diffSize';
import { createLazyElisionRule, placeholders } from '../../../src/core/validate/rules/lazyElision';
import { createMissingTestsRule } from '../../../src/core/validate/rules/missingTests';
import { createPublicApiRule, onlyAddsOptionalParameters } from '../../../src/core/validate/rules/publicApi';
import { createTruncationRule } from '../../../src/core/validate/rules/truncation';
import { GateWorkspace } from './workspace';

const numbered = (n: number): string => Array.from({ length: n }, (_, i) => `export const value${i} = ${i};`).join('\n') + '\n';

describe('validate/rules', () => {
  let ws: GateWorkspace;
  beforeEach(() => {
    ws = new GateWorkspace('ts-project');
  });
  afterEach(() => ws.dispose());

  describe('diff-size', () => {
    const file = (after: string): CandidateFile => ({ path: 'src/values.ts', language: 'typescript', before: numbered(30), after });

    it('fires when most of a file changes and no rewrite was asked for', async () => {
      const after = numbered(30).replace(/= (\d+);/g, (_m, d: string) => (Number(d) < 25 ? `= ${d} * 2;` : `= ${d};`));
      const res = await createDiffSizeRule().check([file(after)], ws.context());
      assert.equal(res.gate, 'rule:diff-size');
      assert.equal(res.findings.length, 1);
      const f = res.findings[0]!;
      assert.ok(isBlocking(f));
      assert.equal(f.tool, 'rule:diff-size');
      assert.equal(f.category, 'rule');
      assert.match(f.message, /changes 83% .*25 of 30 lines.*60% limit/);
    });

    it('stays quiet for a small change, for a rewrite that was asked for, and under a raised limit', async () => {
      const small = numbered(30).replace('value3 = 3', 'value3 = 33');
      assert.deepEqual((await createDiffSizeRule().check([file(small)], ws.context())).findings, []);
      const all = numbered(30).replace(/= (\d+);/g, '= 0;');
      assert.deepEqual(
        (await createDiffSizeRule().check([file(all)], ws.context({}, { instruction: 'Rewrite the values module from scratch' }))).findings,
        [],
      );
      assert.deepEqual((await createDiffSizeRule().check([file(all)], ws.context({ 'rules.maxShareChanged': 1 }))).findings, []);
    });
  });

  describe('lazy-elision', () => {
    it('fires on a placeholder comment that replaces code', async () => {
      const c = ws.patch('src/math.ts', 'return values.map((v) => v * factor);', '// ... existing code ...');
      const res = await createLazyElisionRule().check([c], ws.context());
      assert.equal(res.findings.length, 1);
      assert.equal(res.findings[0]!.line, 7);
      assert.match(res.findings[0]!.message, /placeholder/);
      assert.ok(isBlocking(res.findings[0]!));
    });

    it('knows each language: Python "# rest unchanged" fires, a Python `...` body does not, a bare `...` in TypeScript does', async () => {
      const py: CandidateFile = {
        path: 'a.py',
        language: 'python',
        before: 'def f():\n    return 1\n',
        after: 'def f():\n    # rest unchanged\n\n\ndef g():\n    ...\n',
      };
      const res = await createLazyElisionRule().check([py], ws.context());
      assert.deepEqual(
        res.findings.map((f) => f.line),
        [2],
      );
      const ts = ws.patch('src/math.ts', 'return values.map((v) => v * factor);', '...');
      assert.equal((await createLazyElisionRule().check([ts], ws.context())).findings.length, 1);
    });

    it('recognises the usual placeholder spellings', () => {
      const ts = [
        '// ... existing code ...',
        '/* ... */',
        '// (unchanged)',
        '// rest of the file unchanged',
        '// existing code',
        '...',
        '// ... other methods ...',
      ];
      assert.deepEqual(
        placeholders(ts.join('\n'), 'typescript').map((p) => p.line),
        [1, 2, 3, 4, 5, 6, 7],
      );
      const py = ['# ... existing code ...', '# rest unchanged', '...', '# remaining tests unchanged'];
      assert.deepEqual(
        placeholders(py.join('\n'), 'python').map((p) => p.line),
        [1, 2, 4],
      );
      const ordinary = [
        '// Keep the existing order of the keys when merging the two maps',
        '// TODO: handle errors',
        '// Loading...',
        'const rest = [...items];',
      ];
      assert.deepEqual(placeholders(ordinary.join('\n'), 'typescript'), []);
    });

    it('stays quiet on ordinary comments and on placeholders already there before', async () => {
      const benign = ws.patch('src/math.ts', 'return a + b;', '// Wrap the existing logic in a cache later.\n  return a + b;');
      assert.deepEqual((await createLazyElisionRule().check([benign], ws.context())).findings, []);
      ws.write('src/old.ts', 'export function f() {\n  // ... rest of the code ...\n  return 1;\n}\n');
      const moved = ws.patch('src/old.ts', '  return 1;', '  return 2;');
      assert.deepEqual((await createLazyElisionRule().check([moved], ws.context())).findings, []);
    });
  });

  describe('truncation', () => {
    const write = (c: CandidateFile): CandidateFile => ({ ...c, wholeFileWrite: true });

    it('fires on a whole-file write that stops inside a block', async () => {
      const text = ws.read('src/math.ts');
      const cut = text.slice(0, text.indexOf('return values.map'));
      const res = await createTruncationRule().check([write(ws.candidate('src/math.ts', cut))], ws.context());
      assert.equal(res.findings.length, 1);
      assert.match(res.findings[0]!.message, /unclosed "\{" opened at line 6/);
    });

    it('fires on a Python file that ends with a block header', async () => {
      const py: CandidateFile = {
        path: 'a.py',
        language: 'python',
        before: 'def f():\n    return 1\n',
        after: 'def f():\n    return 1\n\n\ndef g():\n',
        wholeFileWrite: true,
      };
      const res = await createTruncationRule().check([py], ws.context());
      assert.equal(res.findings.length, 1);
      assert.match(res.findings[0]!.message, /block header/);
    });

    it('fires when the syntax tree has to invent a closing token at the end (a shell script missing its fi)', async () => {
      const before = '#!/bin/sh\nif true; then\n  echo hi\nfi\n';
      const res = await createTruncationRule().check(
        [{ path: 'run.sh', language: 'bash', before, after: '#!/bin/sh\nif true; then\n  echo hi\n', wholeFileWrite: true }],
        ws.context(),
      );
      assert.equal(res.findings.length, 1);
      assert.match(res.findings[0]!.message, /invent closing tokens/);
    });

    it('fires when most of the file is dropped and nobody asked for removal', async () => {
      const c = write({ path: 'src/values.ts', language: 'typescript', before: numbered(30), after: numbered(5) });
      const res = await createTruncationRule().check([c], ws.context());
      assert.equal(res.findings.length, 1);
      assert.match(res.findings[0]!.message, /keeps 5 of its 30 non-blank lines/);
      assert.deepEqual((await createTruncationRule().check([c], ws.context({}, { instruction: 'Remove the unused values' }))).findings, []);
    });

    it('stays quiet on a complete rewrite and on patch_file edits', async () => {
      const full = write(ws.candidate('src/math.ts', ws.read('src/math.ts').replace('a + b', 'b + a')));
      assert.deepEqual((await createTruncationRule().check([full], ws.context())).findings, []);
      const text = ws.read('src/math.ts');
      const notWhole = ws.candidate('src/math.ts', text.slice(0, text.indexOf('return values.map')));
      assert.deepEqual((await createTruncationRule().check([notWhole], ws.context())).findings, []);
    });
  });

  describe('complexity', () => {
    const branchy = (n: number): string =>
      `export function pick(x: number): string {\n${Array.from({ length: n }, (_, i) => `  if (x === ${i}) return '${i}';`).join('\n')}\n  return 'many';\n}\n`;

    it('fires when a changed function goes over the budget, with the numbers', async () => {
      const c: CandidateFile = { path: 'src/pick.ts', language: 'typescript', before: branchy(2), after: branchy(5) };
      const res = await createComplexityRule().check([c], ws.context({ 'rules.complexityBudget': 4 }));
      assert.equal(res.findings.length, 1);
      assert.ok(isBlocking(res.findings[0]!));
      assert.match(res.findings[0]!.message, /^complexity 6, budget 4: pick \(line 1\) went from 3 to 6/);
    });

    it('counts && and || and ?: as decisions, and catches a function that grows past an old overrun', async () => {
      const before = `export function f(a, b) {\n  if (a && b) return 1;\n  return a ? 2 : 3;\n}\n`;
      const after = `export function f(a, b) {\n  if (a && b || !a) return 1;\n  return a ? 2 : 3;\n}\n`;
      const res = await createComplexityRule().check(
        [{ path: 'src/f.js', language: 'javascript', before, after }],
        ws.context({ 'rules.complexityBudget': 2 }),
      );
      assert.match(res.findings[0]!.message, /complexity 5, budget 2: .*already over the budget at 4 and the patch made it grow/);
      assert.ok(isBlocking(res.findings[0]!));
    });

    it('only warns about a function already over the budget that did not grow, and ignores unchanged ones', async () => {
      const before = branchy(6);
      const after = before.replace("return 'many'", "return 'lots'");
      const res = await createComplexityRule().check(
        [{ path: 'src/pick.ts', language: 'typescript', before, after }],
        ws.context({ 'rules.complexityBudget': 4 }),
      );
      assert.equal(res.findings.length, 1);
      assert.equal(res.findings[0]!.severity, 'warning');
      const untouched = await createComplexityRule().check(
        [{ path: 'src/pick.ts', language: 'typescript', before, after: before + '\nexport const z = 1;\n' }],
        ws.context({ 'rules.complexityBudget': 4 }),
      );
      assert.deepEqual(untouched.findings, []);
    });

    it('reads Python: elif, boolean operators, comprehension filters', async () => {
      const after =
        'def f(x, y):\n    if x and y:\n        return 1\n    elif x or y:\n        return 2\n    return [i for i in range(3) if i]\n';
      const res = await createComplexityRule().check(
        [{ path: 'm.py', language: 'python', before: undefined, after }],
        ws.context({ 'rules.complexityBudget': 5 }),
      );
      assert.match(res.findings[0]?.message ?? '', /^complexity 7, budget 5: f \(line 1\) is new/);
    });
  });

  describe('public-api', () => {
    it('blocks a changed signature of a referenced export, counting references', async () => {
      const c = ws.patch(
        'src/math.ts',
        'export function add(a: number, b: number): number {',
        'export function add(a: number, b: number, c: number): number {',
      );
      const res = await createPublicApiRule().check([c], ws.context());
      assert.equal(res.findings.length, 1);
      const f = res.findings[0]!;
      assert.equal(f.category, 'contract_violation');
      assert.equal(f.tool, 'rule:public-api');
      assert.ok(isBlocking(f));
      assert.match(
        f.message,
        /add changed its signature in src\/math\.ts from \(a: number, b: number\) -> number to \(a: number, b: number, c: number\) -> number/,
      );
      assert.match(f.message, /referenced 2 time\(s\) in 1 other file\(s\): src\/caller\.ts/);
    });

    it('only warns when nothing refers to the symbol, or the instruction asked for the change', async () => {
      const removed = ws.patch('src/unrelated.ts', 'export function greet', 'function greet');
      const res = await createPublicApiRule().check([removed], ws.context());
      assert.equal(res.findings.length, 1);
      assert.equal(res.findings[0]!.severity, 'warning');
      assert.match(res.findings[0]!.message, /no longer public .*nothing else in the workspace refers to it/);
      const asked = ws.patch(
        'src/math.ts',
        'export function add(a: number, b: number): number {',
        'export function add(a: number, b = 1): number {',
      );
      const res2 = await createPublicApiRule().check([asked], ws.context({}, { instruction: 'Give add a default for b' }));
      assert.equal(res2.findings[0]!.severity, 'warning');
    });

    it('only warns when the new signature just adds optional parameters', async () => {
      const c = ws.patch(
        'src/math.ts',
        'export function add(a: number, b: number): number {',
        'export function add(a: number, b: number, c?: number): number {',
      );
      const res = await createPublicApiRule().check([c], ws.context());
      assert.equal(res.findings[0]!.severity, 'warning');
      assert.match(res.findings[0]!.message, /only adds optional parameters/);
      assert.equal(onlyAddsOptionalParameters('(a, b)', '(a, b, sep=",", *rest, **kw)'), true);
      assert.equal(onlyAddsOptionalParameters('(a, b)', '(a, b, sep)'), false);
      assert.equal(onlyAddsOptionalParameters('(a: number) -> number', '(a: number, b = 1) -> string'), false);
      assert.equal(onlyAddsOptionalParameters('(a: Map<string, number>)', '(a: Map<string, number>, ...more: number[])'), true);
    });

    it('stays quiet when the body changes but the contract does not', async () => {
      const c = ws.patch('src/math.ts', 'return a + b;', 'return b + a;');
      assert.deepEqual((await createPublicApiRule().check([c], ws.context())).findings, []);
    });

    it("honours Python's __all__: a function left out of it is not public API", async () => {
      const before = '__all__ = ["kept"]\n\ndef kept():\n    return 1\n\ndef helper():\n    return 2\n';
      const after = before.replace('def helper():', 'def helper(x):');
      assert.deepEqual(
        (await createPublicApiRule().check([{ path: 'm.py', language: 'python', before, after }], ws.context())).findings,
        [],
      );
      const changed = before.replace('def kept():', 'def kept(x):');
      assert.equal(
        (await createPublicApiRule().check([{ path: 'm.py', language: 'python', before, after: changed }], ws.context())).findings.length,
        1,
      );
    });

    it('reads Python modules: a removed public function referenced by the package and its tests blocks', async () => {
      const py = new GateWorkspace('py-package');
      try {
        const c = py.patch('inventory/stock.py', 'def restock(stock, names):', 'def _restock(stock, names):');
        const res = await createPublicApiRule().check([c], py.context());
        assert.equal(res.findings.length, 1);
        assert.ok(isBlocking(res.findings[0]!));
        assert.match(res.findings[0]!.message, /restock is no longer public/);
        assert.match(res.findings[0]!.message, /inventory\/__init__\.py/);
      } finally {
        py.dispose();
      }
    });
  });

  describe('missing-tests', () => {
    it('warns about a new public function no test mentions', async () => {
      const c = ws.patch(
        'src/math.ts',
        'export const PI_ISH = 3.14;',
        'export const PI_ISH = 3.14;\n\nexport function clamp(v: number, lo: number, hi: number): number {\n  return Math.min(hi, Math.max(lo, v));\n}',
      );
      const res = await createMissingTestsRule().check([c], ws.context());
      assert.equal(res.findings.length, 1);
      assert.equal(res.findings[0]!.severity, 'warning');
      assert.equal(isBlocking(res.findings[0]!), false);
      assert.match(res.findings[0]!.message, /clamp has no test/);
    });

    it('stays quiet when the patch brings a test, or a test already mentions the function', async () => {
      const c = ws.patch('src/math.ts', 'export const PI_ISH = 3.14;', 'export function clamp(v: number): number {\n  return v;\n}');
      const test = ws.candidate('test/math.test.ts', "import { clamp } from '../src/math';\nclamp(1);\n");
      assert.deepEqual((await createMissingTestsRule().check([c, test], ws.context())).findings, []);
      const py = new GateWorkspace('py-package');
      try {
        py.write('tests/test_report.py', 'from inventory.stock import total_count\n');
        const added = py.patch(
          'inventory/stock.py',
          'def restock(stock, names):',
          'def total_count(stock):\n    return sum(stock.items.values())\n\n\ndef restock(stock, names):',
        );
        assert.deepEqual((await createMissingTestsRule().check([added], py.context())).findings, []);
      } finally {
        py.dispose();
      }
    });
  });
});
