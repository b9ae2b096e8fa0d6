import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isBlocking } from '../../../src/core/findings';
import { NodeProcessRunner } from '../../../src/core/host/nodeProcessRunner';
import { CancelledError } from '../../../src/core/ports';
import { probeBubblewrap } from '../../../src/core/validate/bubblewrap';
import { createTestGate } from '../../../src/core/validate/testGate';
import { snapshotFiles } from '../../support/tempWorkspace';
import type { GateSettingsInput } from '../../../src/core/validate/gateSettings';
import { runningInGroup, GateWorkspace } from './workspace';

/** Every file under `root` (links followed into linked folders) with its bytes and mtime. */
const snapshot = (root: string): Map<string, string> => snapshotFiles(root, [], { mtime: true });

describe('validate/test gate', function () {
  this.timeout(60_000);
  let ws: GateWorkspace;
  let runner: NodeProcessRunner;
  // The bubblewrap probe runs once per process; running it first keeps the run counts below exact.
  before(() => probeBubblewrap(new NodeProcessRunner()));
  beforeEach(() => {
    ws = new GateWorkspace('node-tests');
    runner = new NodeProcessRunner();
  });
  afterEach(() => ws.dispose());

  const ctx = (settings: GateSettingsInput = {}, extra: Record<string, unknown> = {}) =>
    ws.context({ testCommand: 'node --test', testTimeoutSeconds: 20, ...settings }, { processes: runner, ...extra });

  it('does not block on a test that already failed before the patch', async () => {
    const gate = createTestGate();
    const res = await gate.check(
      [ws.patch('src/slugify.js', "return slug.split('-');", "return slug.split('-'); // unchanged behaviour")],
      ctx(),
    );
    assert.equal(res.skipped, undefined);
    assert.deepEqual(res.findings, []);
    assert.equal(runner.startedPids.length, 2, 'a baseline run and a candidate run');
  });

  it('blocks a test the patch breaks, naming the test and its assertion', async () => {
    const gate = createTestGate();
    const res = await gate.check([ws.patch('src/slugify.js', ".replace(/[^a-z0-9]+/g, '-')", ".replace(/[^a-z0-9]+/g, '_')")], ctx());
    const blocking = res.findings.filter(isBlocking);
    assert.equal(blocking.length, 1, JSON.stringify(res.findings));
    assert.equal(blocking[0]!.category, 'test_failure');
    assert.match(blocking[0]!.message, /slugify joins words with dashes/);
    assert.match(blocking[0]!.message, /strictly equal/);
    assert.equal(blocking[0]!.file, 'test/slugify.test.js');
    assert.equal(blocking[0]!.line, 6);
  });

  it('runs the baseline once per workspace state', async () => {
    const gate = createTestGate();
    await gate.check([ws.patch('src/slugify.js', 'Splits on dashes.', 'Splits a slug on dashes.')], ctx());
    await gate.check([ws.patch('src/slugify.js', 'Splits on dashes.', 'Splits on its dashes.')], ctx());
    assert.equal(runner.startedPids.length, 3);
    ws.write('src/extra.js', 'module.exports = 1;\n');
    await gate.check([ws.patch('src/slugify.js', 'Splits on dashes.', 'Splits on its dashes.')], ctx());
    assert.equal(runner.startedPids.length, 5, 'a changed workspace needs a new baseline');
  });

  it('kills a hanging test run at the timeout with nothing left running', async () => {
    const gate = createTestGate();
    const hang = ws.patch('src/slugify.js', 'function words(slug) {', 'function words(slug) {\n  for (;;) {}');
    const res = await gate.check([hang], ctx({ testTimeoutSeconds: 4 }));
    const blocking = res.findings.filter(isBlocking);
    assert.equal(blocking.length, 1, JSON.stringify(res.findings));
    assert.equal(blocking[0]!.category, 'other');
    assert.match(blocking[0]!.message, /did not finish within 4 s/);
    const pgid = runner.startedPids[runner.startedPids.length - 1]!;
    assert.deepEqual(runningInGroup(pgid), []);
  });

  it('stops the whole process tree when the run is cancelled', async () => {
    const gate = createTestGate();
    const controller = new AbortController();
    const hang = ws.patch('src/slugify.js', 'function words(slug) {', 'function words(slug) {\n  for (;;) {}');
    const pending = gate.check([hang], ctx({}, { signal: controller.signal }));
    // Abort once the candidate run (the second process) has started.
    while (runner.startedPids.length < 2) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await assert.rejects(pending, CancelledError);
    const pgid = runner.startedPids[1]!;
    assert.deepEqual(runningInGroup(pgid), []);
  });

  it('caps the memory of the test processes', async () => {
    // 400 MB of buffers: outside V8's heap, so only the process limit stops it.
    const hog = ws.patch(
      'src/slugify.js',
      'function slugify(text) {',
      'function slugify(text) {\n  globalThis.hog = Array.from({ length: 8 }, () => Buffer.alloc(50 * 1024 * 1024, 1));',
    );
    const capped = await createTestGate().check([hog], ctx({ testMemoryMb: 200 }));
    assert.ok(
      capped.findings.some((f) => isBlocking(f) && f.category === 'test_failure'),
      JSON.stringify(capped.findings),
    );
    const roomy = await createTestGate().check([hog], ctx({ testMemoryMb: 2048 }));
    assert.deepEqual(roomy.findings, [], 'with room to spare the same patch passes');
  });

  it('never runs in an untrusted workspace', async () => {
    const res = await createTestGate().check([ws.patch('src/slugify.js', "'-'", "'_'")], ctx({}, { trusted: false }));
    assert.equal(res.skipped, 'workspace is not trusted');
    assert.deepEqual(res.findings, []);
    assert.equal(runner.startedPids.length, 0);
  });

  it('is off without a test command', async () => {
    const res = await createTestGate().check([ws.patch('src/slugify.js', "'-'", "'_'")], ctx({ testCommand: undefined }));
    assert.equal(res.skipped, 'no test command');
  });

  it('leaves the user folder untouched, linked dependencies included', async () => {
    mkdirSync(join(ws.root, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(ws.root, 'node_modules', 'dep', 'index.js'), 'module.exports = 42;\n');
    ws.write(
      'test/dep.test.js',
      "const test = require('node:test');\nconst assert = require('node:assert');\ntest('dep loads', () => assert.strictEqual(require('dep'), 42));\n",
    );
    // A test that writes beside itself: it must write into the copy, never here.
    ws.write(
      'test/writes.test.js',
      "const test = require('node:test');\ntest('writes', () => require('node:fs').writeFileSync(__dirname + '/out.txt', 'x'));\n",
    );
    const before = snapshot(ws.root);
    const res = await createTestGate().check(
      [ws.patch('src/slugify.js', ".replace(/[^a-z0-9]+/g, '-')", ".replace(/[^a-z0-9]+/g, '_')")],
      ctx(),
    );
    assert.ok(res.findings.some(isBlocking), 'the gate ran the tests');
    assert.ok(!res.findings.some((f) => /dep loads/.test(f.message)), 'the linked dependency resolved in the copy');
    assert.deepEqual(snapshot(ws.root), before);
  });

  it('reports unparseable output that turned red as one finding with the tail', async () => {
    ws.write(
      'check.js',
      "const { slugify } = require('./src/slugify');\nif (slugify('A B') !== 'a-b') { console.log('mismatch: ' + slugify('A B')); process.exit(3); }\nconsole.log('fine');\n",
    );
    const res = await createTestGate().check(
      [ws.patch('src/slugify.js', ".replace(/[^a-z0-9]+/g, '-')", ".replace(/[^a-z0-9]+/g, '+')")],
      ctx({ testCommand: 'node check.js' }),
    );
    assert.equal(res.findings.length, 1, JSON.stringify(res.findings));
    assert.equal(res.findings[0]!.category, 'test_failure');
    assert.match(res.findings[0]!.message, /exited with code 3 with the patch \(0 without it\)/);
    assert.match(res.findings[0]!.excerpt ?? '', /mismatch: a\+b/);
  });

  it('blocks a patch that stops an already red suite from running at all', async () => {
    ws.write(
      'test/mocha.spec.js',
      "const assert = require('node:assert');\nconst { words } = require('../src/slugify');\nit('splits', () => assert.deepStrictEqual(words('a-b'), ['a', 'b']));\nit('was already red', () => assert.strictEqual(1, 2));\n",
    );
    const mocha = `${join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'mocha')} --no-config test/mocha.spec.js`;
    const res = await createTestGate().check(
      [ws.patch('src/slugify.js', "'use strict';", "'use strict';\nrequire('./missing-module');")],
      ctx({ testCommand: mocha }),
    );
    assert.equal(res.findings.length, 1, JSON.stringify(res.findings));
    assert.equal(res.findings[0]!.category, 'test_failure');
    assert.match(res.findings[0]!.message, /no longer reports its tests/);
    assert.match(res.findings[0]!.excerpt ?? '', /missing-module/);
  });

  const hasPytest = spawnSync('python3', ['-m', 'pytest', '--version']).status === 0;
  (hasPytest ? it : it.skip)('reads pytest failures in a Python package (skipped when pytest is not installed)', async () => {
    const py = new GateWorkspace('py-package');
    try {
      const res = await createTestGate().check(
        [
          py.patch(
            'inventory/stock.py',
            'self.items[name] = self.items.get(name, 0) + count',
            'self.items[name] = self.items.get(name, 0) + count + 1',
          ),
        ],
        py.context({ testCommand: 'python3 -m pytest -q -p no:cacheprovider', testTimeoutSeconds: 60 }, { processes: runner }),
      );
      const names = res.findings.filter(isBlocking).map((f) => f.message);
      assert.equal(names.length, 2, JSON.stringify(res.findings));
      assert.ok(names.some((m) => m.includes('tests/test_stock.py::test_add_counts')));
      assert.ok(names.some((m) => m.includes('tests/test_stock.py::test_restock')));
      // Besides them only notes (a python without coverage.py says so), never blocking.
      const blocking = res.findings.filter(isBlocking);
      assert.ok(blocking.every((f) => f.file === 'tests/test_stock.py'));
      assert.ok(res.findings.filter((f) => !isBlocking(f)).every((f) => !f.introduced));
      assert.deepEqual(
        blocking.map((f) => f.line).sort((a, b) => a - b),
        [8, 21],
      );
    } finally {
      py.dispose();
    }
  });
});
