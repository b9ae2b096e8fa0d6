import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { syncFolder, writeTempFile } from '../host/durableWrite';
import { readRegularFile } from '../host/regularFile';
import { StoreError } from './errors';
import { errorLine } from '../errorLine';
import { hashRecord } from './hash';
import type { StoreKey } from './key';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** One file a transaction is about to write. */
export const JournalFileSchema = z.object({
  path: z.string().min(1),
  /** What the file holds before the write (null: absent); stored as a blob first, for undo. */
  before: Sha256.nullable(),
  /** What the write leaves (null: removes it); stored as a blob first. */
  after: Sha256.nullable(),
  /** The temp file the write may leave beside it if killed, workspace-relative. */
  temp: z.string().min(1),
});
export type JournalFile = z.infer<typeof JournalFileSchema>;

export const JournalEntrySchema = z.object({
  kind: z.literal('journal'),
  schemaVersion: z.literal(1),
  txId: z.string().regex(/^[0-9a-z-]{8,64}$/),
  runId: z.string().min(1),
  operation: z.enum(['apply', 'rollback', 'recover']),
  createdAt: z.string(),
  actor: z.string(),
  files: z.array(JournalFileSchema).min(1),
  hash: Sha256,
  mac: Sha256,
});
export type JournalEntry = z.infer<typeof JournalEntrySchema>;
export type NewJournalEntry = Omit<JournalEntry, 'kind' | 'schemaVersion' | 'hash' | 'mac'>;

export type JournalRead = { ok: true; name: string; entry: JournalEntry } | { ok: false; name: string; message: string };

/**
 * The write-ahead journal of multi-file operations: `journal/<txId>.json`, written (complete,
 * synced, signed) before the first byte of a user's file is, removed once the operation's record
 * is in the chain. Whatever kills a process in between, the next command finds the entry and
 * finishes or undoes it before doing anything else. `journal/kept/` holds entries that recovery
 * could not settle (a file that holds neither its old nor its new bytes): they keep the blobs they
 * name from retention, and `verify` reports them.
 */
export class JournalFiles {
  readonly dir: string;
  readonly keptDir: string;

  constructor(
    storeDir: string,
    private readonly key: StoreKey,
    private readonly tempPath: (name: string) => string,
  ) {
    this.dir = join(storeDir, 'journal');
    this.keptDir = join(this.dir, 'kept');
  }

  async write(fields: NewJournalEntry): Promise<JournalEntry> {
    const body = { kind: 'journal' as const, schemaVersion: 1 as const, ...fields };
    const hash = hashRecord(body);
    const entry = JournalEntrySchema.parse({ ...body, hash, mac: this.key.sign(hash) });
    await fs.mkdir(this.dir, { recursive: true });
    const tmp = this.tempPath(`journal-${entry.txId}`);
    try {
      await writeTempFile(tmp, new TextEncoder().encode(JSON.stringify(entry, null, 2) + '\n'));
      await fs.rename(tmp, join(this.dir, `${entry.txId}.json`));
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw new StoreError(`Cannot write the journal before changing any file: ${errorLine(err)}; nothing was changed.`);
    }
    await syncFolder(this.dir);
    return entry;
  }

  /** Unsettled entries, oldest first; damaged or foreign ones come back as problems, never acted on. */
  async list(): Promise<JournalRead[]> {
    const names = (await fs.readdir(this.dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
    const out: JournalRead[] = [];
    for (const name of names) out.push(await this.read(join(this.dir, name), `journal/${name}`));
    return out;
  }

  /** Entries recovery left in `kept/`: the blobs they name stay. */
  async listKept(): Promise<JournalRead[]> {
    const names = (await fs.readdir(this.keptDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
    const out: JournalRead[] = [];
    for (const name of names) out.push(await this.read(join(this.keptDir, name), `journal/kept/${name}`));
    return out;
  }

  /** The entry is settled: its operation is recorded, or undone. */
  async remove(txId: string): Promise<void> {
    await fs.rm(join(this.dir, `${txId}.json`), { force: true });
    await syncFolder(this.dir);
  }

  /** Settled as far as it can be, with files left for the user to look at. */
  async keep(txId: string): Promise<void> {
    await fs.mkdir(this.keptDir, { recursive: true });
    await fs.rename(join(this.dir, `${txId}.json`), join(this.keptDir, `${txId}.json`));
    await syncFolder(this.keptDir);
    await syncFolder(this.dir);
  }

  private async read(path: string, name: string): Promise<JournalRead> {
    let raw: unknown;
    try {
      raw = JSON.parse((await readRegularFile(path)).toString('utf8'));
    } catch (err) {
      return { ok: false, name, message: `${name} cannot be read: ${errorLine(err)}` };
    }
    const parsed = JournalEntrySchema.safeParse(raw);
    if (!parsed.success) return { ok: false, name, message: `${name} is not a journal entry of this version.` };
    const entry = parsed.data;
    if (hashRecord(raw as object) !== entry.hash || !this.key.verify(entry.hash, entry.mac)) {
      return { ok: false, name, message: `${name} is not signed by this installation's key (edited, or written elsewhere).` };
    }
    return { ok: true, name, entry };
  }
}
