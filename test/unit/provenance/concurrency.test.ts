import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { makeRun, tempDir, putFixtureBlobs } from './fixtures';
import { TEST_KEY } from '../../support/testKey';

const WORKER = join(__dirname, 'appendWorker.ts');

function runWorker(dir: string, count: number, tag: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', WORKER, dir, String(count), tag], {
      cwd: join(__dirname, '..', '..', '..'),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('provenance store: concurrent appends', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('two processes appending at once produce one valid chain', async function () {
    this.timeout(120_000);
    const count = 15;
    const results = await Promise.all([runWorker(dir, count, 'alpha'), runWorker(dir, count, 'beta')]);
    for (const r of results) assert.equal(r.code, 0, r.stderr);

    const store = await ProvenanceStore.open(dir, { key: TEST_KEY });
    await putFixtureBlobs(store);
    const verdict = await store.verify();
    assert.deepEqual(verdict.problems, []);
    assert.equal(verdict.checked, 4 * count);
    const names = readdirSync(join(dir, 'records')).sort();
    assert.equal(names[names.length - 1], `${String(4 * count).padStart(8, '0')}.json`);
    const runs = await store.listRuns();
    assert.equal(runs.length, 2 * count);
    assert.equal(runs.filter((r) => r.instruction.startsWith('alpha')).length, count);
    assert.ok(
      runs.every((r) => r.patchCounts.approved === 1),
      'every run got its own decision',
    );
    assert.deepEqual(readdirSync(join(dir, 'tmp')), []);
  });

  it('takes over a lock left behind by a crashed process', async () => {
    const store = await ProvenanceStore.open(dir, { key: TEST_KEY });
    await putFixtureBlobs(store);
    const lock = join(dir, 'store.lock');
    mkdirSync(lock);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const run = await store.appendRun(makeRun());
    assert.equal(run.seq, 1);
    assert.equal((await store.verify()).ok, true);
  });
});
