/** A worker thread that takes the store's lock in workerData.dir, says so, and never releases it. */
import { parentPort, workerData } from 'node:worker_threads';
import { withStoreLock } from '../../src/core/provenance/lock';

void withStoreLock((workerData as { dir: string }).dir, async () => {
  parentPort!.postMessage('held');
  await new Promise<never>(() => {});
});
