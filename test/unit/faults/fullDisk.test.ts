import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuiltCli, runCli } from '../../support/cliProcess';
import { listFiles, sha } from '../../support/multiFileRun';
import { tempDir } from '../../support/tempWorkspace';

/**
 * A full disk, for real: the workspace and its store on a 2 MiB tmpfs (root only: mount and umount
 * need it; elsewhere the suite is skipped with the reason printed). A write that does not fit must
 * fail, say so in one line, and leave every file and the store as they were.
 */
describe('a full disk (2 MiB tmpfs)', function () {
  this.timeout(120_000);
  const base = tempDir('rg-disk-');
  const mount = join(base.dir, 'disk');
  let mounted = false;

  before(function () {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) {
      console.log('      skipped: mounting a tmpfs needs root on Linux');
      this.skip();
    }
    mkdirSync(mount);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount], { stdio: 'pipe' });
      mounted = true;
    } catch (err) {
      console.log(`      skipped: cannot mount a tmpfs here (${String((err as Error).message).split('\n')[0]})`);
      this.skip();
    }
    ensureBuiltCli();
  });
  after(() => {
    if (mounted) execFileSync('umount', ['-l', mount], { stdio: 'pipe' });
    base.cleanup();
  });
  afterEach(() => {
    if (mounted) for (const name of readdirSync(mount)) rmSync(join(mount, name), { recursive: true, force: true });
  });

  const free = () => {
    const s = statfsSync(mount);
    return s.bavail * s.bsize;
  };
  /** Fills the disk until only `leave` bytes are free. */
  const fill = (leave: number) => {
    const size = free() - leave;
    assert.ok(size > 0, `not enough room to fill (${free()} free)`);
    writeFileSync(join(mount, 'filler.bin'), Buffer.alloc(size, 1));
    return () => rmSync(join(mount, 'filler.bin'));
  };

  /**
   * A 600 KB file and a proposal changing one line of it, made on the small disk; with
   * `storeElsewhere` the store folder is a link to the big disk (the user's disk is full, not ours).
   */
  async function proposal(
    storeElsewhere = false,
  ): Promise<{ ws: string; file: string; transcript: string; runId: string; args: string[] }> {
    const ws = join(mount, 'ws');
    mkdirSync(join(ws, 'notes'), { recursive: true });
    if (storeElsewhere) {
      const store = join(base.dir, 'store');
      rmSync(store, { recursive: true, force: true });
      mkdirSync(store);
      symlinkSync(store, join(ws, '.refactor-guard'));
    }
    const file = join(ws, 'notes', 'big.txt');
    writeFileSync(file, Array.from({ length: 10_000 }, (_, i) => `line ${String(i).padStart(6, '0')} ${'y'.repeat(48)}`).join('\n') + '\n');
    const transcript = join(base.dir, 'transcript.json');
    writeFileSync(
      transcript,
      JSON.stringify({
        replies: [
          {
            phase: 'generate',
            toolCalls: [
              { name: 'patch_file', input: { path: 'notes/big.txt', old_string: 'line 005000 ', new_string: 'line FIVE THOUSAND ' } },
            ],
          },
        ],
      }),
    );
    const args = [
      'refactor',
      'Name line 5000',
      '-t',
      'notes/big.txt',
      '--provider',
      'replay',
      '--transcript',
      transcript,
      '--dry-run',
      '--json',
      '--workspace',
      ws,
    ];
    const r = await runCli(args);
    assert.equal(r.code, 0, r.stderr);
    return { ws, file, transcript, runId: (JSON.parse(r.stdout) as { runId: string }).runId, args };
  }

  it('apply on a full disk fails in one line and leaves the file whole; with room again it applies', async () => {
    const { ws, file, runId } = await proposal(true);
    const before = readFileSync(file);
    assert.ok(statSync(file).size > 590_000);
    const unfill = fill(100 * 1024);
    const r = await runCli(['apply', runId, '--workspace', ws]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /no space left/);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.deepEqual(readFileSync(file), before, 'the file is whole and unchanged');
    assert.deepEqual(listFiles(ws), ['notes/big.txt'], 'no temp file is left beside it');
    unfill();
    const status = await runCli(['status', '--run-id', runId, '--json', '--workspace', ws]);
    assert.deepEqual(
      (JSON.parse(status.stdout) as { patches: { status: string }[] }).patches.map((p) => p.status),
      ['pending'],
    );
    assert.equal((await runCli(['verify', '--workspace', ws])).code, 0);
    const again = await runCli(['apply', runId, '--workspace', ws]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(readFileSync(file, 'utf8'), /line FIVE THOUSAND /);
    assert.equal((await runCli(['rollback', runId, '--workspace', ws])).code, 0);
    assert.equal(sha(readFileSync(file)), sha(before));
  });

  it('a run record that does not fit is not linked into the chain: the store stays usable', async () => {
    const { ws, args } = await proposal();
    const records = join(ws, '.refactor-guard', 'records');
    const first = readdirSync(records);
    const recordBytes = statSync(join(records, first[0]!)).size;
    assert.ok(recordBytes > 8192, `the record spans pages (${recordBytes} bytes)`);
    // Room for the lock's owner file and part of a record: the second run's blobs already exist.
    const unfill = fill(4096 + Math.floor(recordBytes / 2));
    const r = await runCli(args);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no space left/);
    assert.deepEqual(readdirSync(records), first, 'nothing was linked into the chain');
    unfill();
    const list = await runCli(['list-runs', '--json', '--workspace', ws]);
    assert.equal(list.code, 0, list.stderr);
    assert.equal((JSON.parse(list.stdout) as { runs: unknown[]; problems: unknown[] }).problems.length, 0);
    assert.equal((await runCli(['verify', '--workspace', ws])).code, 0);
    const next = await runCli(args);
    assert.equal(next.code, 0, `the next run records as usual: ${next.stderr}`);
  });
});
