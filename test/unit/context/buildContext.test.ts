import { strict as assert } from 'node:assert';
import { buildContext, disposeSymbolGraphs, formatContextReport, getSymbolGraph } from '../../../src/core/context';
import { countTokens } from '../../../src/core/context/tokens';
import { CancelledError } from '../../../src/core/ports';
import { tempWorkspace, type TempWorkspace } from './workspace';

describe('context: buildContext', () => {
  let ws: TempWorkspace | undefined;
  afterEach(() => {
    ws?.dispose();
    ws = undefined;
    disposeSymbolGraphs();
  });

  it('TypeScript: a target function brings the definition it calls from another file and its callers, within the budget', async () => {
    ws = tempWorkspace('ts-shop');
    const budget = 1200;
    const r = await buildContext({
      files: ws.files,
      cacheDir: ws.cacheDir,
      targets: [{ path: 'src/userService.ts', function: 'getUser' }],
      instruction: 'Add caching to getUser',
      budgetTokens: budget,
    });
    const target = r.pieces.find((p) => p.reason === 'target');
    assert.deepEqual([target?.path, target?.kind, target?.startLine, target?.endLine], ['src/userService.ts', 'function', 7, 11]);
    // The callee lives in another file: its definition is there with its path and lines.
    const callee = r.pieces.find(
      (p) => p.reason === 'called by target' && p.path === 'src/userRepo.ts' && p.startLine! <= 6 && p.endLine! >= 6,
    );
    assert.ok(callee, `no piece for UserRepo.find: ${JSON.stringify(r.pieces)}`);
    assert.match(r.text, /find\(id: UserId\): User \| undefined/);
    assert.match(r.text, /export function normalizeName\(name: string\): string/);
    // A caller in another file, which a change to getUser may break.
    const caller = r.pieces.find((p) => p.reason === 'calls target' && p.path === 'src/api.ts');
    assert.ok(caller, `no caller piece from src/api.ts: ${JSON.stringify(r.pieces)}`);
    assert.match(r.text, /service\.getUser\(request\.id\)/);
    // The unrelated module does not come before what the target needs.
    assert.ok(!r.text.includes('revenueByMonth'), 'an unrelated report function was sent');
    assert.equal(r.tokens, countTokens(r.text));
    assert.ok(r.tokens <= budget, `${r.tokens} tokens is over the budget of ${budget}`);
  });

  it('Python: a target function brings its callee from another module and its callers, within the budget', async () => {
    ws = tempWorkspace('py-shop');
    const budget = 900;
    const r = await buildContext({
      files: ws.files,
      targets: [{ path: 'shop/service.py', function: 'get_user' }],
      instruction: 'cache get_user results',
      budgetTokens: budget,
    });
    assert.ok(r.pieces.some((p) => p.reason === 'target' && p.startLine === 5 && p.endLine === 11));
    assert.ok(
      r.pieces.some((p) => p.reason === 'called by target' && p.path === 'shop/repo.py' && p.startLine! <= 19 && p.endLine! >= 19),
      JSON.stringify(r.pieces),
    );
    assert.match(r.text, /def normalize_name\(name: str\) -> str:/);
    assert.ok(
      r.pieces.some((p) => p.reason === 'calls target' && p.path === 'shop/api.py'),
      JSON.stringify(r.pieces),
    );
    assert.ok(
      r.pieces.some((p) => p.reason === 'calls target' && p.path === 'shop/service.py' && p.startLine === 15),
      'the caller in the same file (Greeter.greet) is missing',
    );
    assert.ok(r.pieces.some((p) => p.reason === 'type used by target' && p.path === 'shop/models.py'));
    assert.equal(r.tokens, countTokens(r.text));
    assert.ok(r.tokens <= budget);
  });

  it('keeps the target and drops the least needed pieces under a tight budget, and says so', async () => {
    ws = tempWorkspace('ts-shop');
    const full = await buildContext({
      files: ws.files,
      targets: [{ path: 'src/userService.ts', function: 'getUser' }],
      instruction: '',
      budgetTokens: 100_000,
    });
    const budget = 300;
    const r = await buildContext({
      files: ws.files,
      targets: [{ path: 'src/userService.ts', function: 'getUser' }],
      instruction: '',
      budgetTokens: budget,
    });
    assert.ok(full.tokens > budget, 'the fixture should need more than the tight budget');
    assert.ok(r.tokens <= budget, `${r.tokens} > ${budget}`);
    assert.equal(r.pieces[0]?.reason, 'target');
    assert.ok(r.pieces.length < full.pieces.length);
    assert.ok(
      r.notes.some((n) => n.startsWith('Left out for the budget:')),
      r.notes.join('\n'),
    );
  });

  it('says a target does not fit rather than going over the budget', async () => {
    ws = tempWorkspace('ts-shop');
    const r = await buildContext({ files: ws.files, targets: [{ path: 'src/userRepo.ts' }], instruction: '', budgetTokens: 40 });
    assert.ok(r.tokens <= 40);
    assert.ok(
      r.notes.some((n) => n.includes('src/userRepo.ts') && n.includes('does not fit the budget')),
      r.notes.join('\n'),
    );
  });

  it('wholeFiles sends the target files only, whole', async () => {
    ws = tempWorkspace('ts-shop');
    const r = await buildContext({
      files: ws.files,
      targets: [{ path: 'src/userService.ts' }, { path: 'src/api.ts' }],
      instruction: 'x',
      budgetTokens: 5000,
      wholeFiles: true,
    });
    assert.deepEqual(
      r.pieces.map((p) => [p.path, p.kind, p.reason]),
      [
        ['src/userService.ts', 'file', 'target'],
        ['src/api.ts', 'file', 'target'],
      ],
    );
    assert.ok(r.text.includes('export function formatUser(user: User): string {\n  return `${user.name} <${user.email}>`;\n}'));
    assert.equal(r.tokens, countTokens(r.text));
  });

  it('a whole-file target sends the file and the code in other files that uses it', async () => {
    ws = tempWorkspace('ts-shop');
    const r = await buildContext({
      files: ws.files,
      targets: [{ path: 'src/userRepo.ts' }],
      instruction: 'rename normalizeName',
      budgetTokens: 2000,
    });
    assert.equal(r.pieces[0]?.kind, 'file');
    assert.ok(
      r.pieces.some((p) => p.reason === 'calls target' && p.path === 'src/userService.ts'),
      JSON.stringify(r.pieces),
    );
    assert.ok(
      r.pieces.some((p) => p.reason === 'called by target' && p.path === 'src/db.ts'),
      JSON.stringify(r.pieces),
    );
  });

  it('refuses an unknown function, a missing file and a bad budget with one clear line', async () => {
    ws = tempWorkspace('ts-shop');
    const files = ws.files;
    await assert.rejects(
      buildContext({ files, targets: [{ path: 'src/userService.ts', function: 'nope' }], instruction: '', budgetTokens: 100 }),
      /Function "nope" was not found in src\/userService\.ts\./,
    );
    await assert.rejects(
      buildContext({ files, targets: [{ path: 'src/missing.ts' }], instruction: '', budgetTokens: 100 }),
      /does not exist/,
    );
    await assert.rejects(
      buildContext({ files, targets: [{ path: 'src/api.ts' }], instruction: '', budgetTokens: 0 }),
      /positive number of tokens/,
    );
    await assert.rejects(
      buildContext({ files, targets: [{ path: '../outside.ts' }], instruction: '', budgetTokens: 100 }),
      /outside the workspace/,
    );
  });

  it('formats a report with each piece, its reason and tokens, and the total', async () => {
    ws = tempWorkspace('py-shop');
    const r = await buildContext({
      files: ws.files,
      targets: [{ path: 'shop/service.py', function: 'get_user' }],
      instruction: '',
      budgetTokens: 2000,
    });
    const report = formatContextReport(r);
    assert.match(report, /^reason\s+where\s+kind\s+tokens$/m);
    assert.match(report, /^target\s+shop\/service\.py:5-11\s+function\s+\d+$/m);
    assert.match(report, /^calls target\s+shop\/api\.py:4-8\s+caller\s+\d+$/m);
    assert.ok(report.includes(`Total: ${r.tokens} tokens in ${r.pieces.length} pieces`));
  });

  it('a context asked for before the graph is built uses what is indexed, and says so', async () => {
    ws = tempWorkspace('ts-shop');
    const r = await buildContext({
      files: ws.files,
      targets: [{ path: 'src/userService.ts', function: 'getUser' }],
      instruction: '',
      budgetTokens: 2000,
      waitMs: 0,
    });
    assert.ok(
      r.notes.some((n) => n.startsWith('The symbol graph is still being built')),
      r.notes.join('\n'),
    );
    // The target and what it imports are indexed on demand, ahead of the build.
    assert.equal(r.pieces[0]?.reason, 'target');
    assert.ok(
      r.pieces.some((p) => p.reason === 'called by target' && p.path === 'src/userRepo.ts'),
      JSON.stringify(r.pieces),
    );
  });

  it('imported files are outlined with only the names the target imports from them', async () => {
    ws = tempWorkspace('ts-shop');
    ws.write('src/db.ts', 'export function query(sql: string): unknown[] { return [sql]; }\nexport function unusedExport(): void {}\n');
    const r = await buildContext({
      files: ws.files,
      targets: [{ path: 'src/userRepo.ts', function: 'normalizeName' }],
      instruction: '',
      budgetTokens: 3000,
    });
    const outlineOfDb = r.text.split('### ').find((b) => b.startsWith('src/db.ts') && b.includes('imported by target'));
    assert.ok(outlineOfDb, r.text);
    assert.ok(outlineOfDb.includes('export function query') && !outlineOfDb.includes('unusedExport'), outlineOfDb);
    // The target's own file: other classes show their header, not their members.
    const own = r.text.split('### ').find((b) => b.startsWith('src/userRepo.ts') && b.includes('outline of target file'));
    assert.ok(own && /\d+: export class UserRepo/.test(own) && !own.includes('find(id: UserId)'), own);
  });

  it("a function's local helper is not what a same-named use in another file means", async () => {
    ws = tempWorkspace('ts-shop');
    ws.write('src/outer.ts', 'export function outer(): number {\n  const helper = (): number => 1;\n  return helper();\n}\n');
    ws.write(
      'src/other.ts',
      "import { outer } from './outer';\n\nexport function other(helper: () => number): number {\n  return helper() + outer();\n}\n\nexport function unrelated(helper: () => number): number {\n  return helper();\n}\n",
    );
    const r = await buildContext({
      files: ws.files,
      targets: [{ path: 'src/outer.ts', function: 'outer' }],
      instruction: '',
      budgetTokens: 2000,
    });
    const callers = r.pieces.filter((p) => p.reason === 'calls target').map((p) => `${p.path}:${p.startLine}`);
    assert.deepEqual(callers, ['src/other.ts:3']);
  });

  it('a call through an object is not taken for the one method of that name elsewhere', async () => {
    ws = tempWorkspace('ts-shop');
    // The only `map` the workspace defines; normalizeName's `.map(...)` on an array is not a use of it.
    ws.write('src/bag.ts', 'export class Bag {\n  map(): Bag {\n    return this;\n  }\n}\n');
    ws.write('src/useBag.ts', "import { Bag } from './bag';\n\nexport function twice(b: Bag): Bag {\n  return b.map().map();\n}\n");
    const r = await buildContext({
      files: ws.files,
      targets: [{ path: 'src/bag.ts', function: 'Bag.map' }],
      instruction: '',
      budgetTokens: 3000,
    });
    const callers = r.pieces.filter((p) => p.reason === 'calls target').map((p) => p.path);
    assert.deepEqual(callers, ['src/useBag.ts']);
  });

  it('gives the same context whatever order the files were indexed in', async () => {
    ws = tempWorkspace('ts-shop');
    // Two callers that rank exactly alike: only a tie-break keeps their order stable.
    ws.write('src/sym/core.ts', 'export function core(): number {\n  return 1;\n}\n');
    ws.write('src/sym/c1.ts', "import { core } from './core';\n\nexport function c1(): number {\n  return core();\n}\n");
    ws.write('src/sym/c2.ts', "import { core } from './core';\n\nexport function c2(): number {\n  return core();\n}\n");
    const opts = { files: ws.files, targets: [{ path: 'src/sym/core.ts', function: 'core' }], instruction: '', budgetTokens: 1500 };
    const first = await buildContext(opts);
    assert.deepEqual(
      first.pieces.filter((p) => p.reason === 'calls target').map((p) => p.path),
      ['src/sym/c1.ts', 'src/sym/c2.ts'],
    );
    disposeSymbolGraphs();
    // Index files out of order before the build, as a query racing a fresh build does.
    await getSymbolGraph({ files: ws.files }).ensureIndexed(['src/sym/c2.ts', 'src/sym/core.ts', 'src/sym/c1.ts']);
    const second = await buildContext(opts);
    assert.equal(second.text, first.text);
  });

  it('two functions of one file: both in full, one outline', async () => {
    ws = tempWorkspace('ts-shop');
    const r = await buildContext({
      files: ws.files,
      targets: [
        { path: 'src/userRepo.ts', function: 'UserRepo.find' },
        { path: 'src/userRepo.ts', function: 'normalizeName' },
      ],
      instruction: '',
      budgetTokens: 3000,
    });
    assert.deepEqual(
      r.pieces.filter((p) => p.path === 'src/userRepo.ts').map((p) => `${p.reason} ${p.kind} ${p.startLine}`),
      ['target function 5', 'target function 18', 'outline of target file outline 1'],
    );
  });

  it('a definition the instruction names is sent even when the graph does not link it to the target', async () => {
    ws = tempWorkspace('ts-shop');
    const opts = { files: ws.files, targets: [{ path: 'src/userService.ts', function: 'getUser' }], budgetTokens: 3000 };
    const plain = await buildContext({ ...opts, instruction: 'Add caching to getUser' });
    assert.ok(!plain.text.includes('revenueByMonth'));
    const named = await buildContext({ ...opts, instruction: 'Log revenueByMonth totals when getUser runs' });
    const piece = named.pieces.find((p) => p.reason === 'named in instruction');
    assert.deepEqual([piece?.path, piece?.startLine], ['src/reports.ts', 4]);
    assert.match(named.text, /export function revenueByMonth\(orders: Order\[\]\): Map<string, number> \{ … \}/);
  });

  it('stops with CancelledError when the run is cancelled', async () => {
    ws = tempWorkspace('ts-shop');
    const ctl = new AbortController();
    ctl.abort();
    await assert.rejects(
      buildContext({ files: ws.files, targets: [{ path: 'src/api.ts' }], instruction: '', budgetTokens: 1000, signal: ctl.signal }),
      CancelledError,
    );
    // Cancelled mid-build: the graph keeps what it indexed and the next query finishes the build.
    const mid = new AbortController();
    const pending = buildContext({
      files: ws.files,
      targets: [{ path: 'src/api.ts' }],
      instruction: '',
      budgetTokens: 1000,
      signal: mid.signal,
      onProgress: () => mid.abort(),
    });
    await assert.rejects(pending, CancelledError);
    const r = await buildContext({ files: ws.files, targets: [{ path: 'src/api.ts' }], instruction: '', budgetTokens: 1000 });
    assert.ok(
      r.pieces.some((p) => p.reason === 'called by target' && p.path === 'src/userService.ts'),
      JSON.stringify(r.pieces),
    );
  });
});
