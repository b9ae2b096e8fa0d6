import { strict as assert } from 'node:assert';
import { isBlocking } from '../../../src/core/findings';
import { NodeProcessRunner } from '../../../src/core/host/nodeProcessRunner';
import { createPyrightGate, findPyright } from '../../../src/core/validate/pyright';
import { GateWorkspace } from './workspace';

describe('validate/pyright gate', function () {
  this.timeout(120_000);
  let ws: GateWorkspace;
  let pyright: string | undefined;
  before(async () => {
    // PYRIGHT_PATH lets a machine without pyright on PATH point at an installed copy.
    pyright = await findPyright(process.env.PYRIGHT_PATH ?? '');
  });
  beforeEach(() => {
    ws = new GateWorkspace('py-package');
  });
  afterEach(() => ws.dispose());

  it('is off when pyright is not installed', async () => {
    const res = await createPyrightGate().check(
      [ws.patch('inventory/report.py', 'lines = ', 'lines  = ')],
      ws.context({ pyrightPath: '/nonexistent/pyright' }, { processes: new NodeProcessRunner() }),
    );
    assert.equal(res.skipped, 'pyright not found');
    assert.deepEqual(res.findings, []);
  });

  it('does not run in an untrusted workspace', async function () {
    if (!pyright) this.skip();
    const res = await createPyrightGate().check(
      [ws.patch('inventory/report.py', 'lines = ', 'lines  = ')],
      ws.context({ pyrightPath: pyright }, { processes: new NodeProcessRunner(), trusted: false }),
    );
    assert.equal(res.skipped, 'workspace is not trusted');
  });

  it('catches an importer broken by a renamed attribute, and ignores pre-existing errors (skipped without pyright)', async function () {
    if (!pyright) this.skip();
    ws.write('inventory/report.py', ws.read('inventory/report.py') + '\n\ndef old() -> int:\n    return "not an int"\n');
    const runner = new NodeProcessRunner();
    const gate = createPyrightGate();
    const ctx = ws.context({ pyrightPath: pyright }, { processes: runner });
    const benign = await gate.check([ws.patch('inventory/stock.py', 'return stock\n', 'return stock  # same\n')], ctx);
    assert.equal(benign.findings.filter(isBlocking).length, 0, JSON.stringify(benign.findings));
    assert.ok(benign.findings.some((f) => f.file === 'inventory/report.py' && f.code === 'reportReturnType' && !f.introduced));

    const renamed = await gate.check(
      [ws.patch('inventory/stock.py', '    items: dict = field(default_factory=dict)', '    entries: dict = field(default_factory=dict)')],
      ctx,
    );
    const blocking = renamed.findings.filter(isBlocking);
    assert.ok(
      blocking.some((f) => f.file === 'inventory/report.py' && f.code === 'reportAttributeAccessIssue' && f.category === 'type_mismatch'),
      JSON.stringify(renamed.findings),
    );
    assert.equal(runner.startedPids.length, 3, 'the before state is checked once and reused');
  });
});
