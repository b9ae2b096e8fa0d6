import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { ruffCheck, ruffVersion, ruffWasmFile, RUFF_SYNTAX_CODE } from '../../../src/core/validate/ruffWasm';

describe('ruffWasm', () => {
  const source = 'import os\n\ndef f():\n    return undefined_name\n';

  it('runs the selected rules with 1-based positions as ruff reports them', async () => {
    const diags = await ruffCheck(source, { select: ['F'] });
    assert.deepEqual(diags.map((d) => [d.code, d.row, d.column]).sort(), [
      ['F401', 1, 8],
      ['F821', 4, 12],
    ]);
    assert.ok(diags.find((d) => d.code === 'F401')!.fixable);
    assert.match(diags.find((d) => d.code === 'F821')!.message, /undefined_name/);
  });

  it('reports syntax errors alone with an empty selection, and honours ignore', async () => {
    assert.deepEqual(await ruffCheck(source, { select: [] }), []);
    assert.deepEqual(
      (await ruffCheck(source, { select: ['F'], ignore: ['F401'] })).map((d) => d.code),
      ['F821'],
    );
    const broken = await ruffCheck('x = (1,\n', { select: [] });
    assert.equal(broken.length, 1);
    assert.equal(broken[0]!.code, RUFF_SYNTAX_CODE);
  });

  it('applies the target Python version only when asked; the default is the newest grammar', async () => {
    const match = 'match x:\n    case 1:\n        pass\n';
    assert.deepEqual(await ruffCheck(match, { select: [] }), []);
    const old = await ruffCheck(match, { select: [], targetVersion: 'py38' });
    assert.match(old[0]!.message, /match/);
  });

  it('turns a bad rule selector into one clear line', async () => {
    await assert.rejects(ruffCheck(source, { select: ['NOPE1'] }), (err: Error) => {
      assert.match(err.message, /^Invalid ruff settings: .*NOPE1/);
      assert.ok(!err.message.includes('\n'));
      return true;
    });
  });

  it('exposes its version and its wasm file for the build', () => {
    assert.match(ruffVersion(), /^\d+\.\d+\.\d+$/);
    assert.ok(existsSync(ruffWasmFile()));
  });
});
