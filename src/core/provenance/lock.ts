import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import * as lockfile from 'proper-lockfile';
import { StoreError, oneLine } from './errors';

const LOCK_NAME = 'store.lock';

/**
 * Runs `fn` holding the store's lock, so two processes (the CLI and the extension, or two CLIs)
 * never append at the same time. proper-lockfile takes the lock with an atomic mkdir and keeps
 * its mtime fresh while held; a lock left by a crashed process is taken over once it is older
 * than `staleMs`. If the lock is lost while held (the machine slept past the stale limit), the
 * callback still runs to completion but the append itself refuses to overwrite a record, so the
 * worst case is a failed append, never a forked chain.
 */
export async function withStoreLock<T>(storeDir: string, fn: () => Promise<T>, staleMs = 10_000): Promise<T> {
  await fs.mkdir(storeDir, { recursive: true });
  const lockfilePath = join(storeDir, LOCK_NAME);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(storeDir, {
      lockfilePath,
      realpath: false,
      stale: staleMs,
      // Appends hold the lock for milliseconds; waiting up to about half a minute covers a slow
      // disk and a stale lock from a crashed writer being reclaimed.
      retries: { retries: 120, factor: 1.3, minTimeout: 10, maxTimeout: 300, randomize: true },
      onCompromised: () => {
        /* handled by the no-overwrite append; the default would throw from a timer */
      },
    });
  } catch (err) {
    throw new StoreError(`The provenance store is locked by another process (${lockfilePath}): ${oneLine(err)}`, LOCK_NAME);
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
