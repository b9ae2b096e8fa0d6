import * as assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { flagAbortController, isAbortFlagRaised, newAbortFlag, raiseAbortFlag } from '../../../src/core/abortFlag';
import { FLAG_WORKER, TSX_EXEC_ARGV } from '../../support/engineWorkers';

describe('an AbortSignal tied to a shared flag (core/abortFlag.ts)', () => {
  it('reads as aborted once the flag is raised, and aborts its controller (listeners, reason)', () => {
    const flag = newAbortFlag();
    const controller = flagAbortController(flag);
    let heard = 0;
    controller.signal.addEventListener('abort', () => heard++);
    assert.equal(controller.signal.aborted, false);
    assert.equal(isAbortFlagRaised(flag), false);
    raiseAbortFlag(flag);
    assert.equal(controller.signal.aborted, true);
    assert.equal(heard, 1, 'the first read that sees the flag aborts the controller');
    assert.equal(controller.signal.aborted, true);
    assert.equal(heard, 1, 'once');
    assert.throws(() => controller.signal.throwIfAborted());
  });

  it('still aborts the ordinary way, without the flag', () => {
    const controller = flagAbortController(newAbortFlag());
    controller.abort();
    assert.equal(controller.signal.aborted, true);
  });

  it('reaches a worker thread that never yields its event loop', async function () {
    this.timeout(20_000);
    const flag = newAbortFlag();
    const worker = new Worker(FLAG_WORKER, { execArgv: TSX_EXEC_ARGV, workerData: { flag: flag.buffer } });
    try {
      const stopped = await new Promise<unknown>((resolve, reject) => {
        worker.on('error', reject);
        worker.on('message', (m: unknown) => {
          if (m === 'spinning') raiseAbortFlag(flag);
          else resolve(m);
        });
      });
      assert.deepEqual(stopped, { stopped: true, listenerHeard: true });
    } finally {
      await worker.terminate();
    }
  });
});
