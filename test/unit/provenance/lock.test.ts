import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreKey } from '../../../src/core/provenance/key';
import { withStoreLock } from '../../../src/core/provenance/lock';
import { tempDir } from '../../support/tempWorkspace';

const ROOT = join(__dirname, '..', '..', '..');

describe('the store lock', function () {
  this.timeout(30_000);
  let t: { dir: string; cleanup: () => void };
  beforeEach(() => (t = tempDir('rg-lock-')));
  afterEach(() => t.cleanup());

  it('runs callers one at a time, and leaves no lock behind', async () => {
    const order: string[] = [];
    const hold = (name: string) =>
      withStoreLock(t.dir, async () => {
        order.push(`${name}+`);
        await new Promise((r) => setTimeout(r, 30));
        order.push(`${name}-`);
      });
    await Promise.all([hold('a'), hold('b'), hold('c')]);
    for (let i = 0; i < order.length; i += 2)
      assert.equal(order[i]!.slice(0, 1), order[i + 1]!.slice(0, 1), `no overlap: ${order.join(' ')}`);
    assert.deepEqual(readdirSync(t.dir), []);
  });

  it('takes over at once a lock whose holder on this machine is dead, however fresh it looks', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    mkdirSync(join(t.dir, 'store.lock'));
    writeFileSync(
      join(t.dir, 'store.lock', 'owner.json'),
      JSON.stringify({ pid: dead, host: hostname(), token: 'dead', since: new Date().toISOString() }),
    );
    const got = await withStoreLock(t.dir, async () => 'mine', { waitMs: 500 });
    assert.equal(got, 'mine');
  });

  it('waits for a live holder, then gives up in one line naming it; the holder keeps its lock', async () => {
    let release!: () => void;
    const held = withStoreLock(t.dir, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(
      withStoreLock(t.dir, async () => undefined, { waitMs: 300 }),
      /busy: process \d+ has held its lock since/,
    );
    release();
    await held;
  });

  it('never takes a lock from a live holder on this machine, however long it has been silent (a Ctrl-Z)', async () => {
    const holder = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'support', 'lockHolder.ts'), t.dir, '60000'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve) => holder.stdout.on('data', (b: Buffer) => b.toString().includes('held') && resolve()));
      holder.kill('SIGSTOP'); // it no longer touches its lock
      await new Promise((r) => setTimeout(r, 400));
      await assert.rejects(
        withStoreLock(t.dir, async () => 'stolen', { waitMs: 1000, staleMs: 200 }),
        /busy: process \d+ has held its lock/,
      );
    } finally {
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    assert.equal(await withStoreLock(t.dir, async () => 'mine', { waitMs: 1000 }), 'mine', 'once dead, at once');
  });

  it('takes over a lock nobody has touched for its stale age (a holder on another machine)', async () => {
    mkdirSync(join(t.dir, 'store.lock'));
    writeFileSync(
      join(t.dir, 'store.lock', 'owner.json'),
      JSON.stringify({ pid: 1, host: 'elsewhere', token: 'x', since: '2026-01-01T00:00:00Z' }),
    );
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(t.dir, 'store.lock'), old, old);
    assert.equal(await withStoreLock(t.dir, async () => 1, { waitMs: 200, staleMs: 10_000 }), 1);
  });

  it('a holder whose lock was taken over finds out before it commits', async () => {
    await assert.rejects(
      withStoreLock(t.dir, async (lock) => {
        // Another process judged it abandoned (a stall past the stale age) and took it.
        const aside = join(t.dir, 'gone');
        renameSync(join(t.dir, 'store.lock'), aside);
        await lock.assertHeld();
      }),
      /taken over by another process/,
    );
  });

  it('keeps the lock folder fresh while held, so a long holder is not judged stale', async () => {
    await withStoreLock(
      t.dir,
      async () => {
        const first = statSync(join(t.dir, 'store.lock')).mtimeMs;
        await new Promise((r) => setTimeout(r, 700));
        assert.ok(statSync(join(t.dir, 'store.lock')).mtimeMs > first);
      },
      { staleMs: 800 },
    );
  });
});

describe('the store key', function () {
  this.timeout(30_000);
  it('is made once, mode 0600, and two processes starting at once agree on it', async () => {
    const t = tempDir('rg-key-');
    try {
      const file = join(t.dir, 'cfg', 'refactor-guard', 'store.key');
      const code = `require('./src/core/provenance/key').StoreKey.loadOrCreate(${JSON.stringify(file)}).then((k) => process.stdout.write(k.sign('0'.repeat(64))))`;
      const run = () =>
        new Promise<string>((resolve) => {
          const c = spawn(process.execPath, ['--import', 'tsx', '-e', code], { cwd: ROOT });
          let out = '';
          c.stdout.on('data', (b: Buffer) => (out += b.toString()));
          c.on('close', () => resolve(out));
        });
      const [a, b] = await Promise.all([run(), run()]);
      assert.match(a, /^[0-9a-f]{64}$/);
      assert.equal(a, b);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal((await StoreKey.loadOrCreate(file)).sign('0'.repeat(64)), a);
      assert.deepEqual(readdirSync(join(t.dir, 'cfg', 'refactor-guard')), ['store.key'], 'no temp file left');
    } finally {
      t.cleanup();
    }
  });

  it('a damaged key file is one clear error, never silently replaced', async () => {
    const t = tempDir('rg-key-');
    try {
      const file = join(t.dir, 'store.key');
      writeFileSync(file, 'not a key\n');
      await assert.rejects(StoreKey.loadOrCreate(file), /is damaged/);
      assert.equal(existsSync(file), true);
    } finally {
      t.cleanup();
    }
  });
});
