import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { registerSecretFile } from '../host/secretFiles';
import { tempPathFor, writeTempFile } from '../host/durableWrite';
import { readRegularFile } from '../host/regularFile';
import { StoreError } from './errors';
import { errorLine } from '../errorLine';

/**
 * The per-user key that signs provenance records and journals. A hash chain alone proves only
 * that records were not changed one by one; anyone can write a whole new chain, and a cloned
 * repository can carry a `.refactor-guard/` folder that asks `apply` to write anything anywhere.
 * An HMAC with a key that never leaves the user's machine (the user config folder for the CLI,
 * the extension's global storage in VS Code, never the workspace) tells this installation's
 * records from everyone else's.
 */
export class StoreKey {
  private constructor(
    private readonly secret: Buffer,
    /** Where it is kept, for messages (never the key itself). */
    readonly source: string,
  ) {}

  /** For tests and hosts that keep the key elsewhere: 32 or more bytes. */
  static fromBytes(bytes: Uint8Array, source = 'memory'): StoreKey {
    if (bytes.byteLength < 32) throw new StoreError('A store key needs at least 32 bytes.');
    return new StoreKey(Buffer.from(bytes), source);
  }

  /**
   * Reads the key file, or makes one (mode 0600) when there is none. Two processes starting at
   * once agree: the file is made complete under a temp name and linked into place, which fails
   * for the loser, who then reads the winner's.
   */
  static async loadOrCreate(file: string): Promise<StoreKey> {
    const existing = await readKeyFile(file);
    if (existing) return existing;
    await fs.mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = tempPathFor(file);
    try {
      await writeTempFile(tmp, new TextEncoder().encode(randomBytes(32).toString('hex') + '\n'), 0o600);
      await fs.link(tmp, file).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    } catch (err) {
      throw new StoreError(`Cannot create the provenance key ${file}: ${errorLine(err)}`);
    } finally {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
    }
    const made = await readKeyFile(file);
    if (!made) throw new StoreError(`The provenance key ${file} could not be read back.`);
    return made;
  }

  /** The MAC of a record's hash (hex). */
  sign(hash: string): string {
    return createHmac('sha256', this.secret).update(`refactor-guard/v2\0${hash}`).digest('hex');
  }

  verify(hash: string, mac: string | undefined): boolean {
    if (typeof mac !== 'string' || !/^[0-9a-f]{64}$/.test(mac)) return false;
    return timingSafeEqual(Buffer.from(this.sign(hash), 'hex'), Buffer.from(mac, 'hex'));
  }
}

async function readKeyFile(file: string): Promise<StoreKey | undefined> {
  let text: string;
  try {
    text = (await readRegularFile(file)).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StoreError(`Cannot read the provenance key ${file}: ${errorLine(err)}`);
  }
  const hex = text.trim();
  if (!/^[0-9a-f]{64,}$/.test(hex))
    throw new StoreError(
      `The provenance key ${file} is damaged (it should hold 64 hex digits); move it aside to make a new one, which makes this store's records unsigned to you.`,
    );
  registerSecretFile(resolve(file));
  return StoreKey.fromBytes(Buffer.from(hex, 'hex'), file);
}
