import { strict as assert } from 'node:assert';
import { defKey, instructionWords, nameMatch, rank } from '../../../src/core/context/rank';
import { SymbolGraph } from '../../../src/core/context/symbolGraph';
import { tempWorkspace, type TempWorkspace } from './workspace';

describe('context: ranking', () => {
  let ws: TempWorkspace;
  let g: SymbolGraph;
  before(async () => {
    ws = tempWorkspace('ts-shop');
    g = new SymbolGraph({ files: ws.files });
    await g.ensureBuilt();
  });
  after(() => ws.dispose());

  const key = (path: string, name: string): string => {
    const index = g.entry(path)!.tags!.defs.findIndex((d) => d.name === name);
    assert.ok(index >= 0, `${name} not in ${path}`);
    return defKey({ path, index });
  };

  it('splits the instruction into words and identifier parts', () => {
    const w = instructionWords('Add caching to getUser via the UserRepo');
    for (const x of ['caching', 'getuser', 'user', 'userrepo', 'repo']) assert.ok(w.has(x), x);
    assert.ok(!w.has('the') && !w.has('to'));
    assert.equal(nameMatch('getUser', w), 1);
    assert.ok(nameMatch('findUserById', w) > 0);
    assert.equal(nameMatch('revenueByMonth', w), 0);
  });

  it('ranks what the target calls above what it does not reach, and callers are one hop away', () => {
    const r = rank({ graph: g, seeds: [key('src/userService.ts', 'getUser')], instruction: '' });
    assert.equal(r.distance(key('src/userRepo.ts', 'find')), 1);
    assert.equal(r.distance(key('src/api.ts', 'handleGetUser')), 1);
    assert.ok(r.score(key('src/userRepo.ts', 'normalizeName')) > r.score(key('src/reports.ts', 'averageOrder')));
  });

  it('weights definitions the instruction names', () => {
    const seeds = [key('src/api.ts', 'handleGetUser')];
    const plain = rank({ graph: g, seeds, instruction: 'tidy up' });
    const named = rank({ graph: g, seeds, instruction: 'report revenueByMonth next to the user' });
    const revenue = key('src/reports.ts', 'revenueByMonth');
    assert.ok(named.score(revenue) > plain.score(revenue));
    assert.ok(named.score(revenue) > named.score(key('src/reports.ts', 'averageOrder')));
  });
});
