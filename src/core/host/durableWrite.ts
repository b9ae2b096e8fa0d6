import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sha256Hex } from '../sha256';

/**
 * Writes that are true when they say so. write-file-atomic 6 makes one write call and ignores a
 * short one: on a full disk it renames a truncated temp file into place and succeeds. Here every
 * byte is written (a short write is retried; no progress is ENOSPC), the temp file is synced
 * before the rename, the folder after it, and the result is read back and compared by hash, so
 * no caller records a write that the disk does not hold.
 */

export class WriteError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'WriteError';
  }
}

export interface DurableWriteOptions {
  /**
   * The temp file's path (same folder as the target, so the rename is atomic). Given by callers
   * that journal their writes, so an interrupted write's leftover can be found and removed.
   */
  tempPath?: string;
  /** Permission bits for a new file; an existing file keeps its own mode and owner. */
  mode?: number;
}

/** Replaces `file` with exactly `bytes`: all or nothing, durable, read back by hash. */
export async function writeFileDurably(file: string, bytes: Uint8Array, options: DurableWriteOptions = {}): Promise<void> {
  // Writing through a link replaces the link's target, not the link (as editors do).
  const target = await fs.realpath(file).catch(() => file);
  const existing = await fs.stat(target).catch(() => undefined);
  const tmp = options.tempPath ?? tempPathFor(target);
  // A named temp file is ours by its name: one a killed write left is removed, not collided with.
  if (options.tempPath !== undefined) await fs.rm(tmp, { force: true }).catch(() => undefined);
  try {
    await writeTempFile(tmp, bytes, existing?.mode ?? options.mode);
    if (existing && typeof process.getuid === 'function' && process.getuid() === 0) {
      // Root rewriting a user's file must not hand it to root.
      await fs.chown(tmp, existing.uid, existing.gid).catch(() => undefined);
    }
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw asWriteError(err, file);
  }
  await syncFolder(path.dirname(target));
  await checkContent(target, bytes);
}

/**
 * Writes a new file (it must not exist) with every byte, synced. The building block for writers
 * that link or rename the file into place themselves.
 */
export async function writeTempFile(tmp: string, bytes: Uint8Array, mode?: number): Promise<void> {
  // Without a mode the umask decides, as for any new file; with one (an existing file's), exactly it.
  const handle = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode ?? 0o666);
  try {
    let offset = 0;
    while (offset < bytes.byteLength) {
      const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset, offset);
      // A write that makes no progress would loop for ever; the kernel says ENOSPC on the next
      // call, but a file system that keeps answering 0 must not hang us either.
      if (bytesWritten <= 0) throw new WriteError(`no space left to write ${tmp}`, 'ENOSPC');
      offset += bytesWritten;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (mode !== undefined) await fs.chmod(tmp, mode & 0o7777).catch(() => undefined);
}

/** Removes a file durably: the folder entry is synced after it is gone. A missing file is fine. */
export async function removeFileDurably(file: string): Promise<void> {
  try {
    await fs.rm(file, { force: true });
  } catch (err) {
    throw asWriteError(err, file);
  }
  await syncFolder(path.dirname(file));
}

/** Reads `file` back and fails unless it holds exactly `bytes`. */
export async function checkContent(file: string, bytes: Uint8Array): Promise<void> {
  const back = await fs.readFile(file).catch((err: unknown) => {
    throw asWriteError(err, file);
  });
  if (back.byteLength !== bytes.byteLength || sha256Hex(back) !== sha256Hex(bytes)) {
    throw new WriteError(
      `${path.basename(file)} does not hold what was written (${back.byteLength} of ${bytes.byteLength} bytes read back)`,
      'EIO',
    );
  }
}

export async function syncFolder(dir: string): Promise<void> {
  // Not every platform can fsync a folder (Windows cannot open one); the rename is then as
  // durable as that file system makes it.
  const handle = await fs.open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // EINVAL/EISDIR on some file systems: nothing more to do.
  } finally {
    await handle.close();
  }
}

/** A temp name beside `file` that says whose it is: `.name.<pid>.<random>.rg-tmp`. */
export function tempPathFor(file: string, tag = `${process.pid}.${randomBytes(4).toString('hex')}`): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${tag}.rg-tmp`);
}

function asWriteError(err: unknown, file: string): WriteError {
  if (err instanceof WriteError) return err;
  const e = err as NodeJS.ErrnoException;
  const what =
    e.code === 'ENOSPC'
      ? 'no space left on the device'
      : e.code === 'EDQUOT'
        ? 'disk quota exceeded'
        : e.code === 'EROFS'
          ? 'read-only file system'
          : e.code === 'EACCES' || e.code === 'EPERM'
            ? 'permission denied'
            : (e.message ?? String(err));
  return new WriteError(`cannot write ${path.basename(file)}: ${what}`, e.code);
}
