import { strict as assert } from 'node:assert';
import { isBlocking } from '../../../src/core/findings';
import { CancelledError } from '../../../src/core/ports';
import type { Gate } from '../../../src/core/validate/gate';
import { NO_SETTINGS, type NoSettings } from '../../../src/core/validate/gateSettings';
import { createGates, disposeGates, runGates } from '../../../src/core/validate/pipeline';
import { disposeTsProjects } from '../../../src/core/validate/tsServices';
import { GateWorkspace } from './workspace';

describe('validate/pipeline', () => {
  let ws: GateWorkspace;
  beforeEach(() => {
    ws = new GateWorkspace('ts-project');
  });
  afterEach(() => ws.dispose());
  after(() => disposeTsProjects());

  it('orders the gates syntax, semantic, rules, tests', () => {
    const gates = createGates({ safeMode: true });
    const names = gates.map((g) => g.name);
    assert.deepEqual(names.slice(0, 4), ['syntax', 'typescript', 'ruff', 'pyright']);
    assert.equal(names[names.length - 1], 'tests');
    assert.deepEqual(
      names.filter((n) => n.startsWith('rule:')),
      ['rule:truncation', 'rule:lazy-elision', 'rule:diff-size', 'rule:complexity', 'rule:public-api', 'rule:missing-tests'],
    );
    const stages = gates.map((g) => g.stage);
    assert.deepEqual(
      [...stages].sort((a, b) => order(a) - order(b)),
      stages,
      'stages never go backwards',
    );
  });

  it('keeps the syntax gate in safe mode whatever is disabled; drops it outside safe mode', () => {
    assert.ok(createGates({ safeMode: true }, { disabled: ['syntax'] }).some((g) => g.name === 'syntax'));
    assert.ok(createGates({ safeMode: true, disabledGates: ['syntax'] }, { only: ['typescript'] }).some((g) => g.name === 'syntax'));
    const loose = createGates({ safeMode: false }, { disabled: ['syntax', 'tests'] }).map((g) => g.name);
    assert.ok(!loose.includes('syntax'));
    assert.ok(!loose.includes('tests'));
    assert.deepEqual(
      createGates({ safeMode: false }, { only: ['typescript', 'rules'] })
        .map((g) => g.name)
        .slice(0, 2),
      ['typescript', 'rule:truncation'],
    );
  });

  it('runs a clean candidate through every gate, skipped gates saying why', async () => {
    const gates = createGates({ safeMode: true });
    const results = await runGates(gates, [ws.patch('src/math.ts', 'return a + b;', 'return b + a;')], ws.context());
    assert.deepEqual(
      results.map((r) => r.gate),
      gates.map((g) => g.name),
    );
    assert.equal(results.flatMap((r) => r.findings).filter(isBlocking).length, 0);
    assert.equal(results.find((r) => r.gate === 'ruff')?.skipped, 'no Python files');
    assert.equal(results.find((r) => r.gate === 'tests')?.skipped, 'no test command');
    assert.ok(results.every((r) => r.durationMs >= 0));
    disposeGates(gates);
  });

  it('stops after the syntax stage when it blocks', async () => {
    const gates = createGates({ safeMode: true });
    const results = await runGates(gates, [ws.patch('src/math.ts', 'return a + b;', 'return a + ;')], ws.context());
    assert.ok(results[0]!.findings.some(isBlocking));
    assert.ok(results.slice(1).every((r) => r.skipped === 'not run: the syntax stage found blocking problems'));
  });

  it('runs the rules after a semantic failure but not the tests', async () => {
    const gates = createGates({ safeMode: true });
    const results = await runGates(
      gates,
      [ws.patch('src/math.ts', 'return a + b;', 'return a + c;')],
      ws.context({ testCommand: 'node --test' }),
    );
    assert.ok(results.find((r) => r.gate === 'typescript')!.findings.some(isBlocking));
    assert.equal(results.find((r) => r.gate === 'rule:truncation')!.skipped, undefined);
    assert.equal(results.find((r) => r.gate === 'tests')!.skipped, 'not run: the semantic stage found blocking problems');
  });

  it('turns a crashing gate into a blocking finding of category other, and lets cancellation through', async () => {
    const crashing: Gate<NoSettings> = {
      name: 'crashy',
      stage: 'semantic',
      settings: NO_SETTINGS,
      check: () => Promise.reject(new Error('boom\n    at somewhere')),
    };
    const [res] = await runGates([crashing], [ws.patch('src/math.ts', 'a + b', 'b + a')], ws.context());
    assert.equal(res!.findings.length, 1);
    assert.equal(res!.findings[0]!.category, 'other');
    assert.ok(isBlocking(res!.findings[0]!));
    assert.equal(res!.findings[0]!.message, 'The crashy gate failed: boom');

    const cancelled: Gate<NoSettings> = {
      name: 'cancelled',
      stage: 'semantic',
      settings: NO_SETTINGS,
      check: () => Promise.reject(new CancelledError()),
    };
    await assert.rejects(runGates([cancelled], [], ws.context()), CancelledError);
  });

  it('turns a gate that overruns its time into a blocking finding', async () => {
    let release: () => void = () => {};
    const slow: Gate<NoSettings> = {
      name: 'slow',
      stage: 'semantic',
      settings: NO_SETTINGS,
      check: () => new Promise((resolve) => (release = () => resolve({ gate: 'slow', findings: [], durationMs: 0 }))),
    };
    const [res] = await runGates([slow], [ws.patch('src/math.ts', 'a + b', 'b + a')], ws.context(), { gateTimeoutMs: 50 });
    release();
    assert.equal(res!.findings[0]!.category, 'other');
    assert.match(res!.findings[0]!.message, /did not finish within/);
  });
});

function order(stage: string): number {
  return ['syntax', 'semantic', 'rules', 'tests'].indexOf(stage);
}
