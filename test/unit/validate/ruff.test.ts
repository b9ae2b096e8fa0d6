import { strict as assert } from 'node:assert';
import { isBlocking } from '../../../src/core/findings';
import { createRuffGate } from '../../../src/core/validate/ruff';
import { GateWorkspace } from './workspace';

describe('validate/ruff gate', () => {
  let ws: GateWorkspace;
  beforeEach(() => {
    ws = new GateWorkspace('py-package');
  });
  afterEach(() => ws.dispose());

  it('passes a benign patch', async () => {
    const res = await createRuffGate().check(
      [ws.patch('inventory/stock.py', 'return stock\n', 'return stock  # same stock\n')],
      ws.context(),
    );
    assert.deepEqual(res.findings, []);
  });

  it('blocks an undefined name the patch introduces', async () => {
    const res = await createRuffGate().check(
      [ws.patch('inventory/report.py', 'return "\\n".join(lines)', 'return "\\n".join(line)')],
      ws.context(),
    );
    const blocking = res.findings.filter(isBlocking);
    assert.equal(blocking.length, 1);
    assert.equal(blocking[0]!.code, 'F821');
    assert.equal(blocking[0]!.category, 'undefined_name');
    assert.equal(blocking[0]!.file, 'inventory/report.py');
    assert.equal(blocking[0]!.line, 6);
  });

  it('does not block a pre-existing undefined name that the patch moves', async () => {
    ws.write('inventory/report.py', ws.read('inventory/report.py') + '\n\ndef broken():\n    return missing_helper()\n');
    const res = await createRuffGate().check(
      [ws.patch('inventory/report.py', 'def summary', '# Summaries for the shop window.\n\n\ndef summary')],
      ws.context(),
    );
    const f821 = res.findings.filter((f) => f.code === 'F821');
    assert.equal(f821.length, 1);
    assert.equal(f821[0]!.introduced, false);
    assert.equal(res.findings.filter(isBlocking).length, 0);
  });

  it('reports an unused import as a warning that does not block', async () => {
    const res = await createRuffGate().check(
      [ws.patch('inventory/report.py', 'from .stock import Stock', 'import os\nfrom .stock import Stock')],
      ws.context(),
    );
    const f401 = res.findings.find((f) => f.code === 'F401');
    assert.ok(f401);
    assert.equal(f401.severity, 'warning');
    assert.equal(f401.introduced, true);
    assert.equal(res.findings.filter(isBlocking).length, 0);
  });

  it('leaves parse errors to the syntax gate unless asked to report them', async () => {
    const broken = ws.patch('inventory/report.py', 'def summary(stock: Stock) -> str:', 'def summary(stock: Stock -> str:');
    const quiet = await createRuffGate().check([broken], ws.context());
    assert.equal(quiet.findings.filter((f) => f.category === 'syntax').length, 0);
    const loud = await createRuffGate({ reportSyntax: true }).check([broken], ws.context());
    assert.ok(loud.findings.some((f) => isBlocking(f) && f.category === 'syntax'));
  });

  it('honours ruffSelect', async () => {
    const patch = ws.patch('inventory/report.py', 'return "\\n".join(lines)', 'return "\\n".join(line)');
    const res = await createRuffGate().check([patch], ws.context({ ruffSelect: ['E9'] }));
    assert.deepEqual(res.findings, []);
  });

  it('skips when no Python file changed', async () => {
    const res = await createRuffGate().check([ws.candidate('notes.txt', 'x')], ws.context());
    assert.equal(res.skipped, 'no Python files');
  });
});
