/**
 * A worker that speaks the engine's protocol but, once a run starts, spins synchronously for ever
 * (as a TypeScript check of a huge file would, without a cancellation token): it never reads the
 * cancel message. Only `worker.terminate()` ends it.
 */
import { parentPort } from 'node:worker_threads';
import type { HostToWorker, WorkerToHost } from '../../src/vscode/engineHost/protocol';

const post = (m: WorkerToHost) => parentPort!.postMessage(m);
parentPort!.on('message', (m: HostToWorker) => {
  if (m.type === 'ping') post({ type: 'pong', id: m.id });
  if (m.type !== 'run') return;
  post({ type: 'progress', id: m.id, progress: { stage: 'validate', message: 'Checking types (stuck)' } });
  // Spins until terminated.
  for (;;) {
    /* busy */
  }
});
