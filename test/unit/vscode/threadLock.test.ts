import * as assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { releaseThreadLock, withStoreLock } from '../../../src/core/provenance/lock';
import { LOCK_WORKER, TSX_EXEC_ARGV } from '../../support/engineWorkers';
import { tempDir } from '../../support/tempWorkspace';

describe('the store lock across threads of one process', function () {
  this.timeout(20_000);

  it('a live worker thread holding it keeps the main thread out; once that thread is stopped, releaseThreadLock frees it', async () => {
    const t = tempDir();
    const worker = new Worker(LOCK_WORKER, { execArgv: TSX_EXEC_ARGV, workerData: { dir: t.dir } });
    const thread = worker.threadId;
    try {
      await new Promise<void>((resolve, reject) => {
        worker.on('error', reject);
        worker.on('message', () => resolve());
      });
      await assert.rejects(
        withStoreLock(t.dir, async () => 'taken', { waitMs: 100 }),
        /busy/,
        'same pid, live thread: held',
      );
    } finally {
      await worker.terminate();
    }
    // Stopped mid-hold: same pid, so without the release it would look held for ever.
    await assert.rejects(
      withStoreLock(t.dir, async () => 'taken', { waitMs: 100 }),
      /busy/,
    );
    assert.equal(await releaseThreadLock(t.dir, thread + 1000), false, 'another thread id: not ours to free');
    assert.equal(await releaseThreadLock(t.dir, thread), true);
    assert.equal(await withStoreLock(t.dir, async () => 'taken', { waitMs: 100 }), 'taken');
    t.cleanup();
  });
});
