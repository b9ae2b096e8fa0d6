import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { blastRadius, changedPublicSymbols, publicSymbolImpact } from '../../../src/core/context/blastRadius';
import { SymbolGraph } from '../../../src/core/context/symbolGraph';
import { tempWorkspace, type TempWorkspace } from './workspace';

describe('context: blast radius', () => {
  let ws: TempWorkspace;
  let g: SymbolGraph;
  before(async () => {
    ws = tempWorkspace('ts-shop');
    g = new SymbolGraph({ files: ws.files });
    await g.ensureBuilt();
  });
  after(() => ws.dispose());

  it('counts the uses other files make of each symbol, and which files', () => {
    const r = blastRadius(g, 'src/userRepo.ts', ['normalizeName', 'UserRepo.find', 'UserRepo.save', 'notThere']);
    assert.deepEqual(r, [
      // The import line and the call in userService.ts.
      { symbol: 'normalizeName', references: 2, referencingFiles: ['src/userService.ts'] },
      { symbol: 'UserRepo.find', references: 1, referencingFiles: ['src/userService.ts'] },
      { symbol: 'UserRepo.save', references: 1, referencingFiles: ['src/userService.ts'] },
      { symbol: 'notThere', references: 0, referencingFiles: [] },
    ]);
    const models = blastRadius(g, 'src/models.ts', ['User']);
    assert.deepEqual(models[0]?.referencingFiles, ['src/userRepo.ts', 'src/userService.ts']);
  });

  it('a symbol used only inside its own file has no blast radius', () => {
    const r = blastRadius(g, 'src/userService.ts', ['UserService.rename']);
    assert.deepEqual(r, [{ symbol: 'UserService.rename', references: 0, referencingFiles: [] }]);
  });

  it('names the public symbols a patch changes, not the private ones', async () => {
    const before = readFileSync(path.join(ws.root, 'src/userRepo.ts'), 'utf8');
    const after = before
      .replace(".join(' ');", ".join(' ').normalize();")
      .replace('save(user: User): void {', 'save(user: User, overwrite = true): void {');
    assert.deepEqual(await changedPublicSymbols('typescript', before, after), ['UserRepo.save', 'normalizeName']);
    const privateOnly = 'function helper() { return 1; }\nexport function api() { return 2; }\n';
    assert.deepEqual(await changedPublicSymbols('typescript', privateOnly, privateOnly.replace('return 1', 'return 3')), []);
    assert.deepEqual(await changedPublicSymbols('python', 'def _h():\n    pass\n\ndef run():\n    pass\n', 'def _h():\n    return 1\n\n'), [
      'run',
    ]);
  });

  it('sums changed public symbols and the files that use them, for the risk score', async () => {
    const before = readFileSync(path.join(ws.root, 'src/userRepo.ts'), 'utf8');
    const after = before.replace(".join(' ');", ".join(' ').normalize();");
    const impact = await publicSymbolImpact(g, 'src/userRepo.ts', 'typescript', before, after);
    assert.deepEqual(impact.changed, ['normalizeName']);
    assert.equal(impact.count, 2);
    const none = await publicSymbolImpact(g, 'src/userRepo.ts', 'typescript', before, before);
    assert.equal(none.count, 0);
  });
});
