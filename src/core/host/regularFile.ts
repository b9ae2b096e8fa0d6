import { closeSync, constants, fstatSync, openSync, promises as fs, readFileSync, statSync, type Stats } from 'node:fs';

/**
 * Reading a named pipe (FIFO) blocks until some other process writes to it, and a character device
 * such as /dev/zero never ends: a workspace (a cloned repository) can hold either where a source or
 * settings file is expected. These readers open without blocking (O_NONBLOCK makes open() of a FIFO
 * return at once and changes nothing for a regular file), check what the opened descriptor really
 * is, and read only a regular file. Checking the descriptor rather than a stat() of the path leaves
 * no window in which the path could be swapped for a pipe between the check and the read.
 */

/** The path exists but is not a regular file; `kind` says what it is, for the message. */
export class NotRegularFileError extends Error {
  constructor(
    readonly path: string,
    readonly kind: NonRegularKind,
  ) {
    super(`${path} is ${KIND_PHRASE[kind]}, not a regular file.`);
    this.name = 'NotRegularFileError';
  }

  /** What the path is, as a phrase: "a named pipe (FIFO)". */
  get phrase(): string {
    return KIND_PHRASE[this.kind];
  }
}

export type NonRegularKind = 'folder' | 'fifo' | 'socket' | 'device' | 'other';

const KIND_PHRASE: Record<NonRegularKind, string> = {
  folder: 'a folder',
  fifo: 'a named pipe (FIFO)',
  socket: 'a socket',
  device: 'a device',
  other: 'a special file',
};

// Windows has no O_NONBLOCK (nor FIFOs in the file system); 0 leaves the flags as they were.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** A file's bytes; NotRegularFileError before reading anything that is not a regular file. */
export async function readRegularFile(abs: string): Promise<Buffer> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(abs, OPEN_FLAGS);
  } catch (err) {
    throw await refineOpenError(abs, err);
  }
  try {
    refuseUnlessRegular(abs, await handle.stat());
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** readRegularFile for the few synchronous readers (settings files read while parsing flags). */
export function readRegularFileSync(abs: string): Buffer {
  let fd: number;
  try {
    fd = openSync(abs, OPEN_FLAGS);
  } catch (err) {
    throw refineOpenErrorSync(abs, err);
  }
  try {
    refuseUnlessRegular(abs, fstatSync(fd));
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

function refuseUnlessRegular(abs: string, st: Stats): void {
  if (!st.isFile()) throw new NotRegularFileError(abs, kindOf(st));
}

function kindOf(st: Stats): NonRegularKind {
  if (st.isDirectory()) return 'folder';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'device';
  return 'other';
}

/** open() of a Unix socket fails with ENXIO; say what the path is rather than "no such device". */
async function refineOpenError(abs: string, err: unknown): Promise<unknown> {
  if ((err as NodeJS.ErrnoException).code !== 'ENXIO') return err;
  const st = await fs.stat(abs).catch(() => undefined);
  return st && !st.isFile() ? new NotRegularFileError(abs, kindOf(st)) : err;
}

function refineOpenErrorSync(abs: string, err: unknown): unknown {
  if ((err as NodeJS.ErrnoException).code !== 'ENXIO') return err;
  const st = statSync(abs, { throwIfNoEntry: false });
  return st && !st.isFile() ? new NotRegularFileError(abs, kindOf(st)) : err;
}
