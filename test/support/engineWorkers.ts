import { join } from 'node:path';

/** How a test starts a worker from TypeScript sources: tsx's require hook in the worker too. */
export const TSX_EXEC_ARGV = ['--require', require.resolve('tsx/cjs')];

/** The real engine worker, from source. */
export const ENGINE_WORKER = join(__dirname, '..', '..', 'src', 'vscode', 'engineHost', 'engineWorker.ts');

/** Support workers: one that never lets go of its event loop, one that holds the store lock. */
export const STUCK_WORKER = join(__dirname, 'stuckEngineWorker.ts');
export const LOCK_WORKER = join(__dirname, 'lockHolderWorker.ts');
export const FLAG_WORKER = join(__dirname, 'abortFlagWorker.ts');
