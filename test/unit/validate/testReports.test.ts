import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { outputTail, parseTestOutput } from '../../../src/core/validate/testReports';
import { GateWorkspace } from './workspace';

const MOCHA = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'mocha');

/** Runs a real test runner in `dir` and returns what it printed (stdout then stderr). */
function run(dir: string, command: string, args: string[]): string {
  const r = spawnSync(command, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return `${r.stdout}\n${r.stderr}`;
}

const NESTED_NODE_TEST = `const { describe, it } = require('node:test');
const assert = require('node:assert');
describe('outer', () => {
  it('inner passes', () => {});
  it('inner fails', () => { assert.strictEqual(1, 2); });
  describe('deeper', () => { it('deep fails', () => { throw new Error('boom deep'); }); });
});
`;

describe('validate/testReports', function () {
  this.timeout(60_000);
  let ws: GateWorkspace;
  beforeEach(() => {
    ws = new GateWorkspace();
  });
  afterEach(() => ws.dispose());

  it("reads node's test runner in TAP, with suite paths, messages and locations, skipping failed suites", () => {
    ws.write('nested.test.js', NESTED_NODE_TEST);
    const report = parseTestOutput(run(ws.root, process.execPath, ['--test', '--test-reporter=tap']));
    assert.ok(report.recognized);
    assert.deepEqual([...report.failures.keys()].sort(), ['outer > deeper > deep fails', 'outer > inner fails']);
    const inner = report.failures.get('outer > inner fails')!;
    assert.match(inner.message, /strictly equal/);
    assert.equal(inner.line, 5);
    assert.match(inner.file ?? '', /nested\.test\.js$/);
    assert.equal(report.failures.get('outer > deeper > deep fails')!.message, 'boom deep');
  });

  it("reads node's test runner in its spec format", () => {
    ws.write('nested.test.js', NESTED_NODE_TEST);
    const report = parseTestOutput(run(ws.root, process.execPath, ['--test', '--test-reporter=spec']));
    assert.ok(report.frameworks.includes('node-test'));
    assert.deepEqual([...report.failures.keys()].sort(), ['deep fails', 'inner fails']);
    assert.match(report.failures.get('inner fails')!.message, /AssertionError/);
  });

  it('reads mocha spec output, titles spanning several lines', () => {
    ws.write(
      'cart.spec.js',
      `const assert = require('node:assert');
describe('Cart', () => {
  it('adds items', () => {});
  it('totals prices', () => { assert.strictEqual(1 + 1, 3); });
  describe('discounts', () => { it('applies a coupon', () => { throw new TypeError('coupon is not a function'); }); });
});
`,
    );
    const report = parseTestOutput(run(ws.root, MOCHA, ['--no-config', 'cart.spec.js']));
    assert.deepEqual(report.frameworks, ['mocha']);
    assert.deepEqual([...report.failures.keys()].sort(), ['Cart > discounts > applies a coupon', 'Cart > totals prices']);
    assert.match(report.failures.get('Cart > discounts > applies a coupon')!.message, /TypeError: coupon is not a function/);
  });

  const hasPytest = spawnSync('python3', ['-m', 'pytest', '--version']).status === 0;
  (hasPytest ? it : it.skip)('reads pytest short summaries (skipped when pytest is not installed)', () => {
    ws.write(
      'test_things.py',
      'import pytest\n\ndef test_ok():\n    assert True\n\ndef test_bad():\n    assert 1 == 2\n\n@pytest.mark.parametrize("x", [1, 2])\ndef test_param(x):\n    assert x == 1\n',
    );
    const report = parseTestOutput(run(ws.root, 'python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider']));
    assert.deepEqual(report.frameworks, ['pytest']);
    assert.deepEqual([...report.failures.keys()].sort(), ['test_things.py::test_bad', 'test_things.py::test_param[2]']);
    assert.match(report.failures.get('test_things.py::test_bad')!.message, /assert 1 == 2/);
    assert.equal(report.failures.get('test_things.py::test_bad')!.file, 'test_things.py');
    assert.equal(report.failures.get('test_things.py::test_bad')!.line, 7);
    assert.equal(report.failures.get('test_things.py::test_param[2]')!.line, 11);
  });

  it("reads Python's unittest: failures and errors with the exception line", () => {
    ws.write(
      'test_m.py',
      'import unittest\n\nclass T(unittest.TestCase):\n    def test_ok(self):\n        self.assertTrue(True)\n    def test_add(self):\n        self.assertEqual(1, 2)\n    def test_err(self):\n        raise KeyError("k")\n',
    );
    const report = parseTestOutput(run(ws.root, 'python3', ['-m', 'unittest']));
    assert.deepEqual(report.frameworks, ['unittest']);
    const names = [...report.failures.keys()].sort();
    assert.equal(names.length, 2);
    const add = report.failures.get(names.find((n) => n.startsWith('test_add'))!)!;
    assert.equal(add.message, 'AssertionError: 1 != 2');
    assert.equal(add.line, 7);
    assert.equal(report.failures.get(names.find((n) => n.startsWith('test_err'))!)!.message, "KeyError: 'k'");
  });

  it('reads jest output (recorded)', () => {
    const out = [
      'FAIL src/cart.test.js',
      '  Cart',
      '    ✓ adds items (2 ms)',
      '    ✕ totals prices (3 ms)',
      '',
      '  ● Cart › totals prices',
      '',
      '    expect(received).toBe(expected) // Object.is equality',
      '',
      '    Expected: 3',
      '    Received: 2',
      '',
      'Test Suites: 1 failed, 1 total',
      'Tests:       1 failed, 1 passed, 2 total',
    ].join('\n');
    const report = parseTestOutput(out);
    assert.deepEqual(report.frameworks, ['jest']);
    const f = report.failures.get('Cart > totals prices')!;
    assert.match(f.message, /expect\(received\)\.toBe\(expected\)/);
    assert.equal(f.file, 'src/cart.test.js');
  });

  it('reads go test output with subtests (recorded)', () => {
    const out = [
      '--- FAIL: TestAdd (0.00s)',
      '    --- FAIL: TestAdd/negative (0.00s)',
      '        math_test.go:21: Add(-1, -2) = -4, want -3',
      '--- FAIL: TestScale (0.00s)',
      '    math_test.go:30: got [2 4], want [3 6]',
      'FAIL',
      'FAIL\texample.com/m\t0.003s',
    ].join('\n');
    const report = parseTestOutput(out);
    assert.ok(report.frameworks.includes('go-test'));
    assert.equal(report.failures.get('TestAdd/negative')!.message, 'Add(-1, -2) = -4, want -3');
    assert.equal(report.failures.get('TestScale')!.line, 30);
  });

  it('recognises nothing in free-form output, and keeps its tail', () => {
    const report = parseTestOutput('checking...\nmismatch: a+b\n');
    assert.equal(report.recognized, false);
    assert.equal(report.failures.size, 0);
    assert.equal(outputTail('a\nb\nc\nd\n', 2), 'c\nd');
  });
});
