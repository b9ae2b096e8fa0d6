import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { prepareCoverage, SCRATCH_FOLDER, type CoverageResult, type FileCoverage } from '../../../src/core/validate/coverage/lineCoverage';
import { tempDir, TempWorkspace } from '../../support/tempWorkspace';

/** The real tools on real files: node --test (and tsx) for V8, a real python for coverage.py. */

interface Run {
  code: number | null;
  output: string;
}

/** Runs a command to its end (bounded), whatever its exit code. */
function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...process.env, ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, output: `${stdout}\n${stderr}` });
    });
  });
}

/** Sorted, so a failure shows both sets whole. */
const lines = (s: ReadonlySet<number> | undefined) => (s ? [...s].sort((a, b) => a - b) : undefined);

function measured(result: CoverageResult, path: string): FileCoverage {
  const c = result.files.get(path);
  assert.ok(c, `${path} was not measured: ${result.unmeasured.get(path) ?? 'not reported'}`);
  return c;
}

const MATH_JS = `'use strict';
// Two functions; the tests call only add.
function add(a, b) {
  const sum = a + b;
  return sum;
}

/* Multiplies,
 * never called by the tests.
 */
function mul(a, b) {
  const product = a * b;
  return product;
}

module.exports = { add, mul };
`;

const MATH_TEST_JS = `const test = require('node:test');
const assert = require('node:assert');
const { add } = require('../src/math');

test('adds', () => {
  assert.equal(add(2, 3), 5);
});
`;

describe('validate/coverage', function () {
  this.timeout(30_000);
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = new TempWorkspace({ prefix: 'rg-coverage-' });
  });
  afterEach(() => ws.dispose());

  /** Sets coverage up for `files`, runs the command in the workspace with its env, collects. */
  async function measure(
    files: string[],
    command: string,
    args: string[],
    extraEnv: (env: Record<string, string>) => Record<string, string> = (e) => e,
  ) {
    const setup = await prepareCoverage({ sandboxRoot: ws.root, files: files.map((p) => ({ path: p, text: ws.read(p) })) });
    const ran = await run(command, args, ws.root, extraEnv(setup.env));
    const result = await setup.collect();
    assert.ok(!existsSync(join(ws.root, SCRATCH_FOLDER)), 'collect removes its scratch folder');
    return { result, ran, env: setup.env };
  }

  describe('JavaScript (V8)', () => {
    beforeEach(() => {
      ws.write('src/math.js', MATH_JS);
      ws.write('src/unused.js', '// Loaded by no test.\nexports.x = 1;\n');
      ws.write('test/math.test.js', MATH_TEST_JS);
      // ESM, and no test() call: it loads the module and runs no function of its own.
      ws.write('test/empty.test.mjs', "import '../src/math.js';\n");
      ws.write('src/plain.ts', '// Types-free, so plain node runs it, without a source map.\nexports.y = 2;\n');
      ws.write('test/plain.test.js', "require('../src/plain.ts');\n");
      ws.write('src/never.ts', 'export const n = 1;\n');
      ws.write('main.go', 'package main\n');
    });

    it('reports the executed and the code lines of each file, and which files cannot be measured', async () => {
      const files = ['src/math.js', 'src/unused.js', 'test/math.test.js', 'test/empty.test.mjs', 'src/plain.ts', 'src/never.ts', 'main.go'];
      const { result, ran, env } = await measure(files, process.execPath, [
        '--test',
        'test/math.test.js',
        'test/empty.test.mjs',
        'test/plain.test.js',
      ]);
      assert.equal(ran.code, 0, ran.output);
      assert.deepEqual(Object.keys(env), ['NODE_V8_COVERAGE']);

      const math = measured(result, 'src/math.js');
      assert.equal(math.tool, 'v8');
      // Comments and blank lines are not code; mul's declaration and body never ran.
      assert.deepEqual(lines(math.executable), [1, 3, 4, 5, 6, 11, 12, 13, 14, 16]);
      assert.deepEqual(lines(math.executed), [1, 3, 4, 5, 6, 16]);

      assert.equal(measured(result, 'test/math.test.js').ranFunctionBody, true, 'the test callback ran');
      const empty = measured(result, 'test/empty.test.mjs');
      assert.deepEqual(lines(empty.executed), [1]);
      assert.equal(empty.ranFunctionBody, false, 'no test callback in it');

      const unused = measured(result, 'src/unused.js');
      assert.deepEqual(lines(unused.executed), [], 'loaded by no test');
      assert.deepEqual(lines(unused.executable), [2]);

      assert.equal(result.unmeasured.get('src/plain.ts'), 'TypeScript that node ran without a source map');
      // No TypeScript ran with a map here, so an unseen one may have run compiled without one.
      assert.match(result.unmeasured.get('src/never.ts') ?? '', /^no TypeScript ran with a source map/);
      assert.equal(result.unmeasured.get('main.go'), 'no coverage tool for this language');
      assert.equal(result.files.size + result.unmeasured.size, files.length);
    });

    it('counts a line executed when any test process ran it, and reads paths through a linked sandbox folder', async () => {
      ws.write('test/mul.test.js', "const { mul } = require('../src/math');\nrequire('node:test')('muls', () => mul(2, 3));\n");
      // The sandbox given by a link: node reports the real path, which must still be found.
      const link = `${ws.base}-link`;
      symlinkSync(ws.root, link);
      try {
        const setup = await prepareCoverage({ sandboxRoot: link, files: [{ path: 'src/math.js', text: MATH_JS }] });
        const ran = await run(process.execPath, ['--test', 'test/math.test.js', 'test/mul.test.js'], link, setup.env);
        assert.equal(ran.code, 0, ran.output);
        const math = measured(await setup.collect(), 'src/math.js');
        assert.deepEqual(lines(math.executed), lines(math.executable));
      } finally {
        unlinkSync(link);
      }
    });

    it('leaves every file unmeasured when node runs but loads none of the project (a wrapper around another runner)', async () => {
      const { result } = await measure(['src/math.js', 'test/math.test.js'], process.execPath, ['-e', 'process.exit(0)']);
      assert.equal(result.files.size, 0);
      assert.deepEqual(
        [...result.unmeasured.values()],
        Array(2).fill('node ran, but loaded none of the project’s files: the tests run outside node'),
      );
    });

    it('leaves every file unmeasured when the command runs no node', async () => {
      const { result } = await measure(['src/math.js', 'test/math.test.js'], 'true', []);
      assert.equal(result.files.size, 0);
      assert.deepEqual([...result.unmeasured.values()], Array(2).fill('the test command ran no node process with coverage'));
    });
  });

  describe('TypeScript through a source map (tsx)', () => {
    it('maps the lines back, and counts only lines that compile to code', async () => {
      ws.write(
        'src/shape.ts',
        [
          '// Shapes; the tests call only area.',
          'export interface Rect {',
          '  width: number;',
          '  height: number;',
          '}',
          '',
          'export function area(r: Rect): number {',
          '  const a: number = r.width * r.height;',
          '  return a;',
          '}',
          '',
          'export function perimeter(r: Rect): number {',
          '  return 2 * (r.width + r.height);',
          '}',
          '',
        ].join('\n'),
      );
      ws.write(
        'test/shape.test.ts',
        "import test from 'node:test';\nimport { area } from '../src/shape';\n\ntest('area', () => {\n  if (area({ width: 2, height: 3 }) !== 6) throw new Error('area');\n});\n",
      );
      ws.write('test/types.test.ts', "import type { Rect } from '../src/shape';\nexport const r: Rect = { width: 1, height: 1 };\n");
      ws.write('src/unloaded.ts', 'export const z = 1;\n');
      const tsx = pathToFileURL(require.resolve('tsx')).href;
      const files = ['src/shape.ts', 'test/shape.test.ts', 'test/types.test.ts', 'src/unloaded.ts'];
      const { result, ran } = await measure(files, process.execPath, [
        '--import',
        tsx,
        '--test',
        'test/shape.test.ts',
        'test/types.test.ts',
      ]);
      assert.equal(ran.code, 0, ran.output);

      const shape = measured(result, 'src/shape.ts');
      assert.deepEqual(lines(shape.executable), [7, 8, 9, 10, 12, 13, 14], 'the interface compiles to nothing');
      assert.deepEqual(lines(shape.executed), [7, 8, 9, 10]);
      assert.equal(measured(result, 'test/shape.test.ts').ranFunctionBody, true);
      // tsx's module helpers are functions that ran, but they map to no line of the file.
      assert.equal(measured(result, 'test/types.test.ts').ranFunctionBody, false);
      const unloaded = measured(result, 'src/unloaded.ts');
      assert.deepEqual(lines(unloaded.executed), []);
      assert.equal(unloaded.executable, undefined, 'without a map nothing tells its code lines');
    });
  });

  describe('Python (coverage.py)', () => {
    // Which pythons here have coverage.py: pyenv's python3 has not, Debian's /usr/bin/python3 has.
    const pythons = [...new Set(['python3', '/usr/bin/python3'])].filter((p) => spawnSync(p, ['--version']).status === 0);
    const hasCoverage = (p: string) => spawnSync(p, ['-c', 'import coverage']).status === 0;
    const withCoverage = pythons.find(hasCoverage);
    const without = pythons.find((p) => !hasCoverage(p));
    let told = false;
    function needCoverage(test: Mocha.Context): string {
      if (withCoverage) return withCoverage;
      if (!told) console.log('      skipped: no python here has coverage.py (apt-get install python3-coverage)');
      told = true;
      test.skip();
    }

    beforeEach(() => {
      ws.write('pkg/__init__.py', '');
      ws.write(
        'pkg/calc.py',
        '"""Two functions; the tests call only add."""\n\n\ndef add(a, b):\n    total = a + b\n    return total\n\n\ndef mul(a, b):\n    product = a * b\n    return product\n',
      );
      ws.write(
        'tests/test_calc.py',
        'import unittest\n\nfrom pkg.calc import add\n\n\nclass AddTest(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(2, 3), 5)\n',
      );
      ws.write(
        'tests/test_skipped.py',
        'import unittest\n\n\nclass LaterTest(unittest.TestCase):\n    @unittest.skip("not yet")\n    def test_later(self):\n        self.fail("never runs")\n',
      );
      ws.write('pkg/unused.py', 'VALUE = 1\n');
    });
    const unittest = ['-m', 'unittest', 'discover', '-s', 'tests'];
    const files = ['pkg/calc.py', 'tests/test_calc.py', 'tests/test_skipped.py', 'pkg/unused.py'];

    it('reports the executed lines and the statements of each file', async function () {
      const python = needCoverage(this);
      const { result, ran, env } = await measure(files, python, unittest);
      assert.equal(ran.code, 0, ran.output);
      assert.deepEqual(Object.keys(env), ['PYTHONPATH']);

      const calc = measured(result, 'pkg/calc.py');
      assert.equal(calc.tool, 'coverage.py');
      // The docstring is no statement; mul's def line ran (at import), its body did not.
      assert.deepEqual(lines(calc.executable), [4, 5, 6, 9, 10, 11]);
      assert.deepEqual(lines(calc.executed), [4, 5, 6, 9]);
      assert.equal(measured(result, 'tests/test_calc.py').ranFunctionBody, true);
      const skipped = measured(result, 'tests/test_skipped.py');
      assert.deepEqual(lines(skipped.executed), [1, 4, 5, 6], 'the class body and the def ran, not the test');
      assert.equal(skipped.ranFunctionBody, false);
      const unused = measured(result, 'pkg/unused.py');
      assert.deepEqual(lines(unused.executed), [], 'imported by no test');
      assert.deepEqual(lines(unused.executable), [1]);
    });

    it("still runs the project's own sitecustomize", async function () {
      const python = needCoverage(this);
      const hooks = tempDir('rg-coverage-hooks-');
      try {
        const marker = join(hooks.dir, 'hook-ran');
        writeFileSync(join(hooks.dir, 'sitecustomize.py'), `open(${JSON.stringify(marker)}, "w").close()\n`);
        const { result, ran } = await measure(files, python, unittest, (env) => ({
          PYTHONPATH: `${env.PYTHONPATH!}${delimiter}${hooks.dir}`,
        }));
        assert.equal(ran.code, 0, ran.output);
        assert.ok(existsSync(marker), 'the sitecustomize behind ours ran');
        assert.deepEqual(lines(measured(result, 'pkg/calc.py').executed), [4, 5, 6, 9]);
      } finally {
        hooks.cleanup();
      }
    });

    it("gives way to the project's own coverage measurement, and says the lines are unknown", async function () {
      const python = needCoverage(this);
      ws.write(
        'tests/test_calc.py',
        [
          'import unittest',
          '',
          'import coverage',
          '',
          'from pkg.calc import mul',
          '',
          '',
          'class OwnCoverageTest(unittest.TestCase):',
          '    def test_mul(self):',
          '        cov = coverage.Coverage(data_file=None, config_file=False)',
          '        cov.start()',
          '        self.assertEqual(mul(2, 3), 6)',
          '        cov.stop()',
          '        self.assertIn(10, cov.get_data().lines(mul.__code__.co_filename))',
          '',
        ].join('\n'),
      );
      const { result, ran } = await measure(['pkg/calc.py'], python, unittest);
      assert.equal(ran.code, 0, `their measurement saw mul run: ${ran.output}`);
      assert.equal(
        result.unmeasured.get('pkg/calc.py'),
        'another coverage measurement (such as pytest-cov) ran in the same python process',
      );
    });

    it('says when the python that ran the tests has no coverage.py', async function () {
      if (!without) this.skip();
      const { result, ran } = await measure(files, without, unittest);
      assert.equal(ran.code, 0, ran.output);
      assert.equal(result.files.size, 0);
      for (const why of result.unmeasured.values())
        assert.match(why, /^coverage\.py is not installed for the python that ran the tests \(.+\)$/);
    });

    it('says when no python ran', async () => {
      const { result } = await measure(['pkg/calc.py'], 'true', []);
      assert.match(result.unmeasured.get('pkg/calc.py') ?? '', /^no python process ran with coverage/);
    });
  });
});
