import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuiltCli, finished, runCli, startCli } from '../../support/cliProcess';
import { propose, sha } from '../../support/multiFileRun';
import { seededRandom } from '../../support/seededRandom';
import { tempDir } from '../../support/tempWorkspace';

/**
 * Two commands at once, with real processes: two applies of different runs over the same file, and
 * commands that meet a store another process holds (alive, or killed while holding it).
 */
const ROOT = join(__dirname, '..', '..', '..');
const SEED = Number(process.env.RG_FAULT_SEED ?? 20261202);
const ROUNDS = Number(process.env.RG_FAULT_ITERATIONS ?? 4);

type Status = { patches: { status: string }[] };

describe('two commands at once (real processes)', function () {
  this.timeout(180_000);
  const scratch = tempDir('rg-concurrent-');
  const holders: ChildProcess[] = [];
  before(() => ensureBuiltCli());
  afterEach(() => {
    for (const h of holders.splice(0)) if (h.exitCode === null) h.kill('SIGKILL');
  });
  after(() => scratch.cleanup());

  /** A workspace with one 2,000-line file and two runs that change it in different places. */
  async function twoRuns(name: string): Promise<{ ws: string; file: string; a: string; b: string }> {
    const ws = join(scratch.dir, name);
    mkdirSync(join(ws, 'notes'), { recursive: true });
    const file = join(ws, 'notes', 'shared.txt');
    writeFileSync(file, Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n') + '\n');
    const a = await propose(ws, 'Change line 100', [['notes/shared.txt', 'line 100\n', 'line one hundred\n']], scratch.dir);
    const b = await propose(ws, 'Change line 1500', [['notes/shared.txt', 'line 1500\n', 'line fifteen hundred\n']], scratch.dir);
    return { ws, file, a, b };
  }

  async function status(ws: string, runId: string): Promise<string[]> {
    const r = await runCli(['status', '--run-id', runId, '--json', '--workspace', ws]);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as Status).patches.map((p) => p.status);
  }

  function holdLock(ws: string, ms: number): Promise<ChildProcess> {
    const holder = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test', 'support', 'lockHolder.ts'), join(ws, '.refactor-guard'), String(ms)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    holders.push(holder);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the lock holder did not start')), 30_000);
      holder.stdout!.on('data', (b: Buffer) => {
        if (b.toString().includes('held')) {
          clearTimeout(timer);
          resolve(holder);
        }
      });
    });
  }

  it('two applies over the same file: exactly one lands, the other is stale, and the landed one rolls back', async () => {
    const random = seededRandom(SEED);
    for (let round = 0; round < ROUNDS; round++) {
      const { ws, file, a, b } = await twoRuns(`race-${round}`);
      const original = readFileSync(file);
      const first = startCli(['apply', a, '--workspace', ws]);
      await new Promise((r) => setTimeout(r, Math.floor(random() * 20)));
      const second = startCli(['apply', b, '--workspace', ws]);
      const [ra, rb] = await Promise.all([finished(first), finished(second)]);
      const sa = await status(ws, a);
      const sb = await status(ws, b);
      assert.deepEqual([sa, sb].map((s) => s[0]).sort(), ['applied', 'stale'], `round ${round}: ${ra.stderr}${rb.stderr}`);
      assert.deepEqual([ra.code, rb.code].sort(), [0, 1], 'the stale one exits 1');
      const winner = sa[0] === 'applied' ? a : b;
      const text = readFileSync(file, 'utf8');
      assert.equal(text.includes('line one hundred'), winner === a, 'the file holds the applied run, and only it');
      assert.equal(text.includes('line fifteen hundred'), winner === b);
      assert.equal((await runCli(['rollback', winner, '--workspace', ws])).code, 0);
      assert.equal(sha(readFileSync(file)), sha(original), 'rolled back to the exact original bytes');
      assert.equal((await runCli(['verify', '--workspace', ws])).code, 0);
    }
  });

  it('apply waits for a held store, then gives up writing nothing: a save made meanwhile stays', async () => {
    const { ws, file, a } = await twoRuns('held-apply');
    await holdLock(ws, 60_000);
    const apply = finished(startCli(['apply', a, '--workspace', ws], { REFACTOR_GUARD_LOCK_WAIT_MS: '2500' }), 90_000);
    await new Promise((r) => setTimeout(r, 800));
    const saved = readFileSync(file, 'utf8').replace('line 7\n', 'line 7 saved by the user\n');
    writeFileSync(file, saved);
    const r = await apply;
    assert.equal(r.code, 1);
    assert.match(r.stderr, /busy: process \d+ has held its lock since/);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    assert.equal(readFileSync(file, 'utf8'), saved, "the user's save is untouched");
    holders.pop()!.kill('SIGKILL');
    assert.deepEqual(await status(ws, a), ['pending']);
  });

  it('rollback meets a held store: nothing restored, nothing recorded; once free it rolls back', async () => {
    const { ws, file, a } = await twoRuns('held-rollback');
    const original = readFileSync(file);
    assert.equal((await runCli(['apply', a, '--workspace', ws])).code, 0);
    const applied = readFileSync(file);
    const holder = await holdLock(ws, 60_000);
    const r = await runCli(['rollback', a, '--workspace', ws], { REFACTOR_GUARD_LOCK_WAIT_MS: '1500' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /busy/);
    assert.deepEqual(readFileSync(file), applied, 'nothing restored while the store says applied');
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    assert.deepEqual(await status(ws, a), ['applied']);
    // The holder died holding the lock: the next command takes it over at once (it is far younger
    // than the age at which an unattended lock counts as abandoned).
    const again = await runCli(['rollback', a, '--workspace', ws], { REFACTOR_GUARD_LOCK_WAIT_MS: '3000' });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(readFileSync(file), original);
    assert.deepEqual(await status(ws, a), ['rolled_back']);
  });
});
