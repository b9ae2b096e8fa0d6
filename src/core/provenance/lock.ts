import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { writeTempFile } from '../host/durableWrite';
import { StoreError } from './errors';
import { errorLine } from '../errorLine';

const LOCK_NAME = 'store.lock';
const OWNER = 'owner.json';

/** Who holds the lock: written into the lock folder right after it is made. */
interface Owner {
  pid: number;
  /**
   * The worker thread holding it (0 the main thread; absent in locks older releases wrote). Threads
   * of one process share its pid, so a thread stopped mid-write looks alive to `isAbandoned`: the
   * thread that stopped it frees its lock with `releaseThreadLock`.
   */
  thread?: number;
  host: string;
  token: string;
  since: string;
}

export interface LockOptions {
  /** How long to wait for another holder before giving up (default 30 s). */
  waitMs?: number;
  /** A lock whose holder cannot be asked (another host) is taken over once untouched this long. */
  staleMs?: number;
}

/** The lock as its holder sees it. */
export interface HeldLock {
  /** Throws a StoreError when the lock is no longer this holder's (taken over as stale). */
  assertHeld(): Promise<void>;
}

/**
 * Runs `fn` holding the store's lock, so that two processes (two CLIs, or the CLI and a test)
 * never interleave a check, a write and its record.
 *
 * The lock is a folder made with mkdir (atomic on every local file system) holding its owner's
 * pid, host and a random token. proper-lockfile, used before, knows no owner: a lock left by a
 * killed process held every command up for its whole stale period (10 s) and then was taken on
 * age alone. Here a holder on this host that no longer runs is known dead at once and its lock
 * taken over, and a live one is never; a holder elsewhere is judged by age (the holder touches the
 * folder every few seconds). Takers go one at a time and judge the lock again before removing it,
 * so two waiters cannot both take the same dead lock. A holder checks with `assertHeld` that the
 * lock is still its own before each write and before it commits, so even a lock lost to a long
 * stall on another machine cannot let two writers commit at once.
 */
export async function withStoreLock<T>(storeDir: string, fn: (lock: HeldLock) => Promise<T>, options: LockOptions = {}): Promise<T> {
  const waitMs = options.waitMs ?? 30_000;
  const staleMs = options.staleMs ?? 15_000;
  const dir = join(storeDir, LOCK_NAME);
  const me: Owner = {
    pid: process.pid,
    thread: threadId,
    host: hostname(),
    token: randomBytes(12).toString('hex'),
    since: new Date().toISOString(),
  };
  await acquire(dir, me, waitMs, staleMs);
  const touch = setInterval(
    () => {
      const now = new Date();
      void fs.utimes(dir, now, now).catch(() => undefined);
    },
    Math.max(200, Math.floor(staleMs / 4)),
  );
  touch.unref();
  const held: HeldLock = {
    assertHeld: async () => {
      const owner = await readOwner(dir);
      if (owner?.token !== me.token)
        throw new StoreError(
          `The provenance store's lock (${dir}) was taken over by another process while this one held it; nothing more was written.`,
          LOCK_NAME,
        );
    },
  };
  try {
    return await fn(held);
  } finally {
    clearInterval(touch);
    await release(dir, me);
  }
}

/**
 * Frees the store's lock if a worker thread of this process held it and is gone (it was terminated
 * or crashed between taking and releasing it). Only the caller can know that thread is gone: call
 * this after its Worker's 'exit' event. Returns whether a lock was freed.
 */
export async function releaseThreadLock(storeDir: string, thread: number): Promise<boolean> {
  const dir = join(storeDir, LOCK_NAME);
  const owner = await readOwner(dir);
  if (!owner || owner.pid !== process.pid || owner.host !== hostname() || owner.thread !== thread || thread === threadId) return false;
  const aside = `${dir}.removing-${randomBytes(6).toString('hex')}`;
  try {
    await fs.rename(dir, aside);
  } catch {
    return false;
  }
  await fs.rm(aside, { recursive: true, force: true }).catch(() => undefined);
  return true;
}

async function acquire(dir: string, me: Owner, waitMs: number, staleMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  let delay = 5;
  for (;;) {
    try {
      await fs.mkdir(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        await fs.mkdir(join(dir, '..'), { recursive: true });
        continue;
      }
      if (code !== 'EEXIST') throw new StoreError(`Cannot lock the provenance store (${dir}): ${errorLine(err)}`, LOCK_NAME);
      const holder = await readOwner(dir);
      if (await isAbandoned(dir, holder, staleMs)) {
        await takeOver(dir, holder, staleMs);
        await sleep(1); // let a concurrent taker finish before the next mkdir
        continue;
      }
      if (Date.now() >= deadline) {
        const who = holder
          ? `process ${holder.pid}${holder.host === me.host ? '' : ` on ${holder.host}`} has held its lock since ${holder.since}`
          : 'another process holds its lock';
        throw new StoreError(
          `The provenance store is busy: ${who} (${dir}); nothing was changed. Try again when it has finished.`,
          LOCK_NAME,
        );
      }
      await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
      delay = Math.min(200, Math.ceil(delay * 1.5));
      continue;
    }
    try {
      await writeTempFile(join(dir, OWNER), new TextEncoder().encode(JSON.stringify(me)));
    } catch (err) {
      await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw new StoreError(`Cannot lock the provenance store (${dir}): ${errorLine(err)}`, LOCK_NAME);
    }
    return;
  }
}

/**
 * True when the lock's holder is gone. A holder on this host is asked directly: dead means gone,
 * alive means it holds the lock however long it takes (a stopped `apply` at a Ctrl-Z must not lose
 * it). A holder elsewhere, or one that died before naming itself, is judged by the folder's age.
 */
async function isAbandoned(dir: string, holder: Owner | undefined, staleMs: number): Promise<boolean> {
  if (holder && holder.host === hostname()) return !isAlive(holder.pid);
  const st = await fs.stat(dir).catch(() => undefined);
  if (!st) return false; // released meanwhile: the next mkdir will tell
  return Date.now() - st.mtimeMs > staleMs;
}

/**
 * Removes an abandoned lock so that the next mkdir can take it. Takers go one at a time, through a
 * second folder held for milliseconds, and each judges the lock again under it: only the folder
 * judged abandoned (same owner token) is removed, never one that changed hands meanwhile.
 */
async function takeOver(dir: string, judged: Owner | undefined, staleMs: number): Promise<void> {
  const mutex = `${dir}.takeover`;
  try {
    await fs.mkdir(mutex);
  } catch {
    // Another taker is at it. One killed in those milliseconds leaves the folder: clear it once old.
    const st = await fs.stat(mutex).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > 10_000) await fs.rmdir(mutex).catch(() => undefined);
    return;
  }
  try {
    const now = await readOwner(dir);
    if (now?.token !== judged?.token || !(await isAbandoned(dir, now, staleMs))) return;
    // Renamed first, so no waiter ever sees a half-removed folder as a lock.
    const aside = `${dir}.removing-${randomBytes(6).toString('hex')}`;
    if (
      await fs.rename(dir, aside).then(
        () => true,
        () => false,
      )
    )
      await fs.rm(aside, { recursive: true, force: true }).catch(() => undefined);
  } finally {
    await fs.rmdir(mutex).catch(() => undefined);
  }
}

async function release(dir: string, me: Owner): Promise<void> {
  const owner = await readOwner(dir);
  if (owner?.token !== me.token) return; // taken over: it is someone else's now
  const aside = `${dir}.released-${me.token}`;
  // Renamed before removal, so no other process ever sees a half-removed lock folder as a lock.
  try {
    await fs.rename(dir, aside);
  } catch {
    return;
  }
  await fs.rm(aside, { recursive: true, force: true }).catch(() => undefined);
}

async function readOwner(dir: string): Promise<Owner | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(join(dir, OWNER), 'utf8')) as Partial<Owner>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string') return parsed as Owner;
  } catch {
    // Missing (the holder is between mkdir and writing it) or unreadable: judged by age.
  }
  return undefined;
}

/** Whether a process with this pid runs on this host (a zombie counts, until it is reaped). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
