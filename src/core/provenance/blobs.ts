import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { syncFolder, writeFileDurably } from '../host/durableWrite';
import { readRegularFile } from '../host/regularFile';
import { StoreError } from './errors';
import { errorLine } from '../errorLine';
import { sha256Hex } from './hash';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Content-addressed bytes: `blobs/<first 2 hex>/<sha256>`. The engine keeps every patch's original
 * and proposed bytes here, so a rollback works after the editor is closed and a dry-run proposal
 * can be applied later. A blob's name is its hash, so every read checks the bytes against it.
 */
export class BlobStore {
  constructor(
    /** The `blobs` folder itself. */
    readonly dir: string,
    /** A temp file for a blob being written, in the store's tmp folder. */
    private readonly tempPath: (name: string) => string = (name) => join(dir, `.${name}.${process.pid}.tmp`),
    /** Makes the store's folders before the first write. */
    private readonly ensureStore: () => Promise<void> = async () => undefined,
  ) {}

  pathOf(sha: string): string {
    checkSha(sha);
    return join(this.dir, sha.slice(0, 2), sha);
  }

  /** Stores the bytes and returns their sha256. Writing the same bytes twice is a no-op. */
  async put(bytes: Uint8Array): Promise<string> {
    const sha = sha256Hex(bytes);
    const path = this.pathOf(sha);
    // A present blob with the right content is left alone; a damaged one is healed by rewriting.
    const existing = await readOrUndefined(path);
    if (existing !== undefined && sha256Hex(existing) === sha) {
      // Refresh its age: retention spares young unreferenced blobs, and this one may belong to a
      // run that has not written its record yet, even if an older run that named it is pruned.
      const now = new Date();
      await fs.utimes(path, now, now).catch(() => undefined);
      return sha;
    }
    await this.ensureStore();
    // A new prefix folder is itself a new name in blobs/: synced, or a power cut could lose it.
    if ((await fs.mkdir(join(this.dir, sha.slice(0, 2)), { recursive: true })) !== undefined) await syncFolder(this.dir);
    try {
      // Every byte, synced and read back: a blob is the only copy of what a rollback restores.
      await writeFileDurably(path, bytes, { tempPath: this.tempPath(`blob-${sha.slice(0, 12)}`) });
    } catch (err) {
      throw new StoreError(`Cannot store blob ${sha.slice(0, 12)}: ${errorLine(err)}`, this.rel(sha));
    }
    return sha;
  }

  /** The bytes stored under `sha`; a missing or damaged blob is a StoreError naming it. */
  async get(sha: string): Promise<Uint8Array> {
    const path = this.pathOf(sha);
    let bytes: Buffer;
    try {
      bytes = await readRegularFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new StoreError(`Blob ${sha} is missing (${this.rel(sha)}).`, this.rel(sha));
      }
      throw new StoreError(`Blob ${sha} cannot be read (${this.rel(sha)}): ${errorLine(err)}`, this.rel(sha));
    }
    const actual = sha256Hex(bytes);
    if (actual !== sha) {
      throw new StoreError(`Blob ${sha} is corrupt (${this.rel(sha)}): its content hashes to ${actual}.`, this.rel(sha));
    }
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async has(sha: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(sha));
      return true;
    } catch {
      return false;
    }
  }

  /** Every stored blob's sha256 with its modification time (for retention's grace period). */
  async list(): Promise<{ sha: string; mtimeMs: number }[]> {
    const out: { sha: string; mtimeMs: number }[] = [];
    for (const prefix of await readdirOrEmpty(this.dir)) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const name of await readdirOrEmpty(join(this.dir, prefix))) {
        if (!SHA256.test(name) || !name.startsWith(prefix)) continue;
        const st = await fs.stat(join(this.dir, prefix, name)).catch(() => undefined);
        if (st?.isFile()) out.push({ sha: name, mtimeMs: st.mtimeMs });
      }
    }
    return out;
  }

  /** Removes a blob; a missing one is not an error. */
  async remove(sha: string): Promise<void> {
    await fs.rm(this.pathOf(sha), { force: true });
  }

  private rel(sha: string): string {
    return `blobs/${sha.slice(0, 2)}/${sha}`;
  }
}

function checkSha(sha: string): void {
  if (!SHA256.test(sha)) throw new StoreError(`Not a sha256 blob name: '${sha.slice(0, 80)}'.`);
}

async function readOrUndefined(path: string): Promise<Buffer | undefined> {
  try {
    return await readRegularFile(path);
  } catch {
    return undefined;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch {
    return [];
  }
}
