/**
 * A worker that spins synchronously, reading only an AbortSignal tied to the flag it was given,
 * and reports how it stopped: its event loop never turns, so only the shared flag can reach it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { flagAbortController } from '../../src/core/abortFlag';

const controller = flagAbortController(new Int32Array((workerData as { flag: SharedArrayBuffer }).flag));
let heard = false;
controller.signal.addEventListener('abort', () => (heard = true));
parentPort!.postMessage('spinning');
while (!controller.signal.aborted) {
  /* busy: no await, no event loop */
}
parentPort!.postMessage({ stopped: true, listenerHeard: heard });
