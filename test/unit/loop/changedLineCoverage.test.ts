import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { captureIO } from '../../support/captureIO';
import { startFakeAnthropic, type FakeAnthropicServer, type FakeReply } from '../../support/fakeAnthropicServer';
import { copyFixture } from '../../support/tempWorkspace';
import { FAKE_KEY } from '../models/helpers';

/**
 * Coverage of the lines a refactor changed, measured in the test gate's sandbox run: a refactor
 * that changes one line the project's test runs and one line no test runs is half covered, per
 * patch and per hunk, exactly; the risk score says so. Where coverage cannot be measured, the run
 * says why, once, and scores as it would without coverage.
 */

const WORKSPACES = join(__dirname, '..', '..', 'fixtures', 'workspaces');

interface Coverage {
  tool: string;
  changedLines: number;
  coveredLines: number;
  uncovered: number[];
}
interface JsonRun {
  status: string;
  findings: { code: string; introduced: boolean; severity: string; message: string }[];
  patches: {
    file: string;
    coverage?: Coverage;
    risk: number;
    riskFactors: { id: string; value: number; contribution: number; detail: string }[];
    hunks: { newStart: number; coverage?: Coverage }[];
  }[];
}

function patchCalls(path: string, edits: [string, string][]): FakeReply {
  return {
    kind: 'message',
    content: [
      { type: 'text', text: 'Reordering the products and folding the discount.' },
      ...edits.map(([old_string, new_string]) => ({
        type: 'tool_use' as const,
        name: 'patch_file',
        input: { path, old_string, new_string },
      })),
    ],
  };
}

/** A python that has coverage.py: the one on PATH, else Debian's. */
function pythonWithCoverage(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3']) {
    if (spawnSync(py, ['-c', 'import coverage'], { encoding: 'utf8' }).status === 0) return py;
  }
  return undefined;
}
function pythonWithoutCoverage(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import coverage'], { encoding: 'utf8' });
    if (r.status !== null && r.status !== 0) return py;
  }
  return undefined;
}

describe('coverage of changed lines', function () {
  this.timeout(90_000);
  let server: FakeAnthropicServer | undefined;
  let ws: { dir: string; cleanup: () => void } | undefined;
  afterEach(async () => {
    await server?.close();
    ws?.cleanup();
    server = undefined;
    ws = undefined;
  });

  async function refactor(fixture: string, target: string, reply: FakeReply, testCommand: string, ...extra: string[]): Promise<JsonRun> {
    server = await startFakeAnthropic([reply], { acceptKeys: [FAKE_KEY] });
    ws = copyFixture(join(WORKSPACES, fixture));
    const io = captureIO({ env: { ANTHROPIC_API_KEY: FAKE_KEY, ANTHROPIC_BASE_URL: server.url } });
    const args = ['refactor', 'Reorder the products; fold the discount', '-t', target, '--provider', 'anthropic', '--config', 'fast'];
    const code = await main([...args, '--test-command', testCommand, '--workspace', ws.dir, '--dry-run', '--json', ...extra], io);
    assert.equal(code, 0, io.stderr);
    return JSON.parse(io.stdout) as JsonRun;
  }

  const untested = (run: JsonRun) => run.patches[0]!.riskFactors.find((f) => f.id === 'untested_lines')!;

  it('JavaScript through V8: one changed line tested, one not, is half covered, per patch and per hunk', async () => {
    const run = await refactor(
      'coverage-js',
      'src/pricing.js',
      patchCalls('src/pricing.js', [
        ['    sum += item.price * item.quantity;', '    sum += item.quantity * item.price;'],
        ['  const off = (sum * percent) / 100;\n  return sum - off;', '  return sum * (1 - percent / 100);'],
      ]),
      'node --test',
    );
    assert.equal(run.status, 'proposed');
    const patch = run.patches[0]!;
    assert.deepEqual(patch.coverage, { tool: 'v8', changedLines: 2, coveredLines: 1, uncovered: [21] });
    assert.deepEqual(
      patch.hunks.map((h) => h.coverage),
      [
        { tool: 'v8', changedLines: 1, coveredLines: 1, uncovered: [] },
        { tool: 'v8', changedLines: 1, coveredLines: 0, uncovered: [21] },
      ],
    );
    const factor = untested(run);
    assert.equal(factor.value, 1);
    assert.equal(factor.detail, '1 of 2 changed code lines run by no test (50%).');
    assert.ok(factor.contribution > 0);
  });

  it('lets coverage decide the missing-tests rule: a function a test runs is tested whatever its name', async () => {
    const run = await refactor(
      'coverage-js',
      'src/pricing.js',
      patchCalls('src/pricing.js', [
        [
          '    sum += item.price * item.quantity;\n  }\n  return sum;\n}',
          '    sum += lineTotal(item);\n  }\n  return sum;\n}\n\nfunction lineTotal(item) {\n  const each = item.price;\n  return each * item.quantity;\n}\n\nfunction unusedHelper(x) {\n  const y = x + 1;\n  return y;\n}',
        ],
        ['module.exports = { total, label, discount };', 'module.exports = { total, label, discount, lineTotal, unusedHelper };'],
      ]),
      'node --test',
    );
    const missing = run.findings.filter((f) => f.code === 'missing-tests');
    // By name, both would be untested (the test file names neither); coverage says lineTotal runs.
    assert.deepEqual(
      missing.map((f) => f.message),
      ['New public function unusedHelper is run by no test (coverage of the test run). Add a test for it, or expect a higher risk score.'],
    );
  });

  const covered = pythonWithCoverage();
  it('Python through coverage.py: the same, exactly', async function () {
    if (!covered) {
      console.log('      (skipped: no python here has coverage.py; apt-get install python3-coverage)');
      this.skip();
    }
    const run = await refactor(
      'coverage-py',
      'shop/pricing.py',
      patchCalls('shop/pricing.py', [
        ['        result += price * quantity', '        result += quantity * price'],
        ['    off = amount * percent / 100\n    return amount - off', '    return amount * (1 - percent / 100)'],
      ]),
      `${covered} -m unittest discover -s tests -t .`,
    );
    assert.equal(run.status, 'proposed');
    const patch = run.patches[0]!;
    assert.deepEqual(patch.coverage, { tool: 'coverage.py', changedLines: 2, coveredLines: 1, uncovered: [21] });
    assert.deepEqual(
      patch.hunks.map((h) => h.coverage),
      [
        { tool: 'coverage.py', changedLines: 1, coveredLines: 1, uncovered: [] },
        { tool: 'coverage.py', changedLines: 1, coveredLines: 0, uncovered: [21] },
      ],
    );
    assert.equal(untested(run).detail, '1 of 2 changed code lines run by no test (50%).');
  });

  it('where coverage cannot be measured, says why once and scores as without coverage', async function () {
    const bare = pythonWithoutCoverage();
    if (!bare) {
      console.log('      (skipped: every python here has coverage.py)');
      this.skip();
    }
    const reply = patchCalls('shop/pricing.py', [['        result += price * quantity', '        result += quantity * price']]);
    const unmeasured = await refactor('coverage-py', 'shop/pricing.py', reply, `${bare} -m unittest discover -s tests -t .`);
    await server?.close();
    ws?.cleanup();
    const off = await refactor('coverage-py', 'shop/pricing.py', reply, `${bare} -m unittest discover -s tests -t .`, '--no-test-coverage');

    const patch = unmeasured.patches[0]!;
    assert.equal(patch.coverage, undefined);
    assert.ok(patch.hunks.every((h) => h.coverage === undefined));
    const notes = unmeasured.findings.filter((f) => f.code === 'coverage-unmeasured');
    assert.equal(notes.length, 1);
    assert.equal(notes[0]!.introduced, false);
    assert.match(
      notes[0]!.message,
      /^Coverage of the changed lines was not measured for shop\/pricing\.py \(coverage\.py is not installed/,
    );
    assert.equal(untested(unmeasured).contribution, 0);
    assert.equal(untested(unmeasured).detail, 'Coverage of the changed lines was not measured.');
    // The same run with coverage turned off scores the same and says nothing about coverage.
    assert.equal(patch.risk, off.patches[0]!.risk);
    assert.deepEqual(
      off.findings.filter((f) => f.code === 'coverage-unmeasured'),
      [],
    );
  });
});
