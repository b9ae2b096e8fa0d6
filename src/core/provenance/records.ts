import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { syncFolder, writeTempFile } from '../host/durableWrite';
import { readRegularFile } from '../host/regularFile';
import { StoreError } from './errors';
import { errorLine } from '../errorLine';
import { hashRecord } from './hash';
import type { StoreKey } from './key';
import { isAlive, withStoreLock, type HeldLock, type LockOptions } from './lock';
import { StoreRecordSchema, type PruneMarker, type StoreRecord } from './schema';

/** What can be wrong with a record file, as `verify` and the readers report it. */
export type ProblemKind =
  | 'edited'
  | 'removed'
  | 'reordered'
  | 'unreadable'
  | 'invalid_json'
  | 'schema_invalid'
  | 'unexpected_file'
  | 'foreign'
  | 'blob_missing'
  | 'blob_corrupt';

/**
 * Whose a record is: `signed` with this installation's key; `unsigned`, a version 1 record from
 * before records were signed (trusted once adopted); `foreign`, claiming a signature that this key
 * did not make (another user's store, or a record edited and re-hashed by hand).
 */
export type Trust = 'signed' | 'unsigned' | 'foreign';

export interface RecordProblem {
  /** The file at fault, relative to the store folder: `records/00000007.json`. */
  file: string;
  seq?: number;
  kind: ProblemKind;
  /** One line, naming the file. */
  message: string;
}

export type ReadEntry =
  | {
      ok: true;
      file: string;
      nameSeq: number;
      record: StoreRecord;
      raw: Record<string, unknown>;
      /** The hash of the content as read. */
      actualHash: string;
      trust: Trust;
    }
  | { ok: false; file: string; nameSeq: number; problem: RecordProblem };

export interface ChainSnapshot {
  /** Every record file, sorted by the seq in its name. */
  entries: ReadEntry[];
  /** Files in records/ that are not named like a record. */
  strays: RecordProblem[];
}

const RECORD_NAME = /^(\d{8,})\.json$/;

export function recordFileName(seq: number): string {
  return `${String(seq).padStart(8, '0')}.json`;
}

/**
 * The records folder: one immutable file per record, `records/<seq zero-padded to 8>.json`.
 * Reads are cached by name, size and mtime (records never change unless someone edits them);
 * `verify` reads without the cache.
 */
export class ChainFiles {
  readonly recordsDir: string;
  readonly tmpDir: string;
  private readonly cache = new Map<string, { size: number; mtimeMs: number; entry: ReadEntry }>();

  constructor(
    readonly storeDir: string,
    readonly key: StoreKey,
    private readonly lockOptions: LockOptions = {},
    /** Makes the store's folders before the first write (the store adds its .gitignore). */
    private readonly ensureStore: () => Promise<void> = () => this.ensure(),
  ) {
    this.recordsDir = join(storeDir, 'records');
    this.tmpDir = join(storeDir, 'tmp');
  }

  async ensure(): Promise<void> {
    await fs.mkdir(this.recordsDir, { recursive: true });
    await fs.mkdir(this.tmpDir, { recursive: true });
  }

  /**
   * Removes temporary files that killed writers left: at once when the pid in their name
   * (`<name>.<pid>.<random>`) no longer runs here, else once they are an hour old; and the
   * folders a lock left when its holder died between renaming and removing them.
   */
  async sweepTemp(olderThanMs = 60 * 60 * 1000): Promise<void> {
    const names = await fs.readdir(this.tmpDir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(this.tmpDir, name);
      const pid = Number(/\.(\d+)\.[0-9a-f]+$/.exec(name)?.[1]);
      const st = await fs.stat(path).catch(() => undefined);
      if (!st) continue;
      if ((pid > 0 && pid !== process.pid && !isAlive(pid)) || Date.now() - st.mtimeMs > olderThanMs)
        await fs.rm(path, { force: true, recursive: true });
    }
    for (const name of await fs.readdir(this.storeDir).catch(() => [] as string[])) {
      // A holder or taker killed between renaming a lock aside and removing it; never a live lock.
      if (!/^store\.lock\.(released|removing)-/.test(name)) continue;
      const st = await fs.stat(join(this.storeDir, name)).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > 60_000)
        await fs.rm(join(this.storeDir, name), { recursive: true, force: true }).catch(() => undefined);
    }
  }

  withLock<T>(fn: (lock: HeldLock) => Promise<T>): Promise<T> {
    return withStoreLock(this.storeDir, fn, this.lockOptions);
  }

  /** A temp file name in the store's tmp folder that sweepTemp can tell the owner of. */
  tempPath(name: string): string {
    return join(this.tmpDir, `${name}.${process.pid}.${randomBytes(4).toString('hex')}`);
  }

  async snapshot(options: { fresh?: boolean } = {}): Promise<ChainSnapshot> {
    const names = await fs.readdir(this.recordsDir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw new StoreError(`Cannot list the provenance records in ${this.recordsDir}: ${errorLine(err)}`);
    });
    const strays: RecordProblem[] = [];
    const named: { name: string; seq: number }[] = [];
    for (const name of names) {
      const m = RECORD_NAME.exec(name);
      if (m) named.push({ name, seq: Number(m[1]) });
      else
        strays.push({
          file: `records/${name}`,
          kind: 'unexpected_file',
          message: `records/${name} is not a record file name; records are named <seq>.json.`,
        });
    }
    named.sort((a, b) => a.seq - b.seq);
    const entries: ReadEntry[] = [];
    for (const { name, seq } of named) {
      const entry = await this.read(name, seq, options.fresh === true);
      if (entry) entries.push(entry);
    }
    const listed = new Set(names);
    for (const gone of [...this.cache.keys()].filter((k) => !listed.has(k))) this.cache.delete(gone);
    return { entries: demoteLateUnsigned(entries), strays };
  }

  /** Undefined when the file vanished since the folder was listed (a concurrent prune removed it). */
  private async read(name: string, nameSeq: number, fresh: boolean): Promise<ReadEntry | undefined> {
    const file = `records/${name}`;
    const path = join(this.recordsDir, name);
    const bad = (kind: ProblemKind, message: string): ReadEntry => ({
      ok: false,
      file,
      nameSeq,
      problem: { file, seq: nameSeq, kind, message },
    });
    let st;
    try {
      st = await fs.stat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return bad('unreadable', `${file} cannot be read: ${errorLine(err)}`);
    }
    const cached = this.cache.get(name);
    if (!fresh && cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs) return cached.entry;
    let text: string;
    try {
      // A cloned store may hold a FIFO where a record should be: it must not hang the reader.
      text = (await readRegularFile(path)).toString('utf8');
    } catch (err) {
      return bad('unreadable', `${file} cannot be read: ${errorLine(err)}`);
    }
    const entry = parseRecordText(file, nameSeq, text, this.key);
    this.cache.set(name, { size: st.size, mtimeMs: st.mtimeMs, entry });
    return entry;
  }

  /**
   * Appends one record; call it only inside `withLock`. The store fills in seq, prevHash, hash and
   * its signature, validates the whole record with `schema`, and links the finished file into
   * place: a hard link never replaces an existing name, so even a writer that lost its lock fails
   * instead of overwriting a record and forking the chain.
   */
  async appendLocked<T extends StoreRecord>(schema: z.ZodType<T>, fields: object): Promise<T> {
    const head = await this.head();
    const seq = head ? head.seq + 1 : 1;
    const candidate = { ...fields, schemaVersion: 2, seq, prevHash: head ? head.hash : null, hash: '0'.repeat(64) };
    const parsed = schema.safeParse(candidate);
    if (!parsed.success) {
      const kind = (fields as { kind?: unknown }).kind;
      throw new StoreError(`Refused to write a ${String(kind ?? 'store')} record: ${describeIssues(parsed.error)}`);
    }
    const record = parsed.data;
    record.hash = hashRecord(record);
    record.mac = this.key.sign(record.hash);
    await this.writeNew(seq, JSON.stringify(record, null, 2) + '\n');
    return record;
  }

  /** Removes record files by seq; call it only inside `withLock`. */
  async removeLocked(seqs: readonly number[]): Promise<void> {
    for (const seq of seqs) {
      const name = recordFileName(seq);
      await fs.rm(join(this.recordsDir, name), { force: true });
      this.cache.delete(name);
    }
  }

  private async head(): Promise<{ seq: number; hash: string } | undefined> {
    const names = (
      await fs.readdir(this.recordsDir).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return [] as string[];
        throw err;
      })
    ).filter((n) => RECORD_NAME.test(n));
    if (names.length === 0) return undefined;
    const last = names.map((n) => Number(RECORD_NAME.exec(n)![1])).reduce((a, b) => Math.max(a, b));
    const entry = await this.read(recordFileName(last), last, true);
    if (!entry)
      throw new StoreError(
        `Cannot append to the provenance chain: its last record records/${recordFileName(last)} vanished while being read; try again.`,
      );
    if (!entry.ok)
      throw new StoreError(
        `Cannot append to the provenance chain: its last record is damaged (${entry.problem.message}). Run verify.`,
        entry.file,
      );
    if (entry.actualHash !== entry.record.hash)
      throw new StoreError(
        `Cannot append to the provenance chain: its last record ${entry.file} was edited (its content no longer matches its hash). Run verify.`,
        entry.file,
      );
    if (entry.trust === 'foreign') throw new StoreError(foreignStoreMessage(this.storeDir, entry.file), entry.file);
    if (entry.record.seq !== last) {
      throw new StoreError(
        `Cannot append to the provenance chain: its last record ${entry.file} holds seq ${entry.record.seq}. Run verify.`,
        entry.file,
      );
    }
    return { seq: last, hash: entry.record.hash };
  }

  private async writeNew(seq: number, text: string): Promise<void> {
    await this.ensureStore();
    const name = recordFileName(seq);
    const final = join(this.recordsDir, name);
    const tmp = this.tempPath(name);
    // Every byte on disk and synced before the record is linked into the chain: a full disk
    // fails here, and never leaves a truncated record that every later command would refuse.
    try {
      await writeTempFile(tmp, new TextEncoder().encode(text));
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw new StoreError(`Cannot write records/${name}: ${errorLine(err)}; nothing was recorded.`, `records/${name}`);
    }
    try {
      await fs.link(tmp, final);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        throw new StoreError(
          `Record ${seq} was written by another process at the same time (records/${name}); nothing was appended, try again.`,
          `records/${name}`,
        );
      }
      // Some filesystems have no hard links: under the lock, check-then-rename is the next best.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS')
        throw new StoreError(`Cannot write records/${name}: ${errorLine(err)}`, `records/${name}`);
      if (
        await fs.stat(final).then(
          () => true,
          () => false,
        )
      ) {
        throw new StoreError(`Record ${seq} already exists (records/${name}); nothing was appended, try again.`, `records/${name}`);
      }
      await fs.rename(tmp, final);
    } finally {
      await fs.rm(tmp, { force: true });
    }
    // The new name is durable before anyone acts on the record (a journal entry removed after
    // it, the files it vouches for).
    await syncFolder(this.recordsDir);
  }
}

/** Parses one record file's text: JSON, then the schema; recomputes its hash and checks its signature. */
export function parseRecordText(file: string, nameSeq: number, text: string, key: StoreKey): ReadEntry {
  const bad = (kind: ProblemKind, message: string): ReadEntry => ({
    ok: false,
    file,
    nameSeq,
    problem: { file, seq: nameSeq, kind, message },
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return bad('invalid_json', `${file} is not valid JSON: ${errorLine(err)}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return bad('schema_invalid', `${file} does not hold a JSON object.`);
  const parsed = StoreRecordSchema.safeParse(raw);
  if (!parsed.success) return bad('schema_invalid', `${file} does not match the record schema: ${describeIssues(parsed.error)}`);
  let actualHash: string;
  try {
    actualHash = hashRecord(raw);
  } catch (err) {
    return bad('schema_invalid', `${file} cannot be hashed: ${errorLine(err)}`);
  }
  const record = parsed.data;
  const trust: Trust =
    record.mac !== undefined
      ? key.verify(actualHash, record.mac)
        ? 'signed'
        : 'foreign'
      : record.schemaVersion === 1
        ? 'unsigned'
        : 'foreign';
  return { ok: true, file, nameSeq, record, raw: raw as Record<string, unknown>, actualHash, trust };
}

/**
 * An unsigned record can only be an earlier release's, and an earlier release wrote before any
 * signed record: one after the first signed record was made by something else (a forged prune
 * marker hiding a rejection, a forged run waiting to be adopted), so it counts as foreign.
 */
function demoteLateUnsigned(entries: ReadEntry[]): ReadEntry[] {
  const firstSigned = entries.find((e) => e.ok && e.trust === 'signed')?.nameSeq;
  if (firstSigned === undefined) return entries;
  return entries.map((e) => (e.ok && e.trust === 'unsigned' && e.nameSeq > firstSigned ? { ...e, trust: 'foreign' as const } : e));
}

/** The one line for a store this installation did not write. */
export function foreignStoreMessage(storeDir: string, file: string): string {
  return `The provenance store ${storeDir} holds records this installation did not sign (${file}: a store copied from elsewhere, or edited by hand); nothing was changed. Move the folder aside to start a new store.`;
}

export function describeIssues(error: z.ZodError): string {
  const [first, ...rest] = error.issues;
  if (!first) return 'invalid.';
  const where = first.path.length > 0 ? first.path.map(String).join('.') + ': ' : '';
  return `${where}${first.message}${rest.length > 0 ? ` (and ${rest.length} more)` : ''}`;
}

/**
 * The seq ranges that prune markers declare removed. Only a marker written after its range counts,
 * and only one not signed by someone else (a forged marker must not excuse a removal).
 */
export function prunedRanges(entries: readonly ReadEntry[]): PruneMarker[] {
  const out: PruneMarker[] = [];
  for (const e of entries) {
    if (!e.ok || e.record.kind !== 'prune' || e.trust === 'foreign' || e.actualHash !== e.record.hash) continue;
    const m = e.record;
    if (m.fromSeq <= m.toSeq && m.toSeq < m.seq) out.push(m);
  }
  return out;
}

export function isPruned(seq: number, ranges: readonly PruneMarker[]): boolean {
  return ranges.some((r) => seq >= r.fromSeq && seq <= r.toSeq);
}

/**
 * The records a reader should see: schema-valid, intact (content matches its hash), not signed by
 * someone else, and not inside a pruned range. `unsigned` lists the seqs of version 1 records
 * that no adoption covers: readable, never acted on.
 */
export function liveRecords(snapshot: ChainSnapshot): { records: StoreRecord[]; problems: RecordProblem[]; unadopted: Set<number> } {
  const ranges = prunedRanges(snapshot.entries);
  const records: StoreRecord[] = [];
  const problems: RecordProblem[] = [];
  for (const e of snapshot.entries) {
    if (isPruned(e.nameSeq, ranges)) continue; // left over by an interrupted prune
    if (!e.ok) problems.push(e.problem);
    else if (e.actualHash !== e.record.hash)
      problems.push({
        file: e.file,
        seq: e.nameSeq,
        kind: 'edited',
        message: `${e.file} was edited: its content no longer matches its hash.`,
      });
    else if (e.trust === 'foreign') problems.push(foreignProblem(e));
    else records.push(e.record);
  }
  return { records, problems, unadopted: unadoptedSeqs(snapshot.entries) };
}

export function foreignProblem(e: { file: string; nameSeq: number }): RecordProblem {
  return {
    file: e.file,
    seq: e.nameSeq,
    kind: 'foreign',
    message: `${e.file} is not signed by this installation's key: written by another installation, or edited and re-hashed by hand.`,
  };
}

/**
 * Seqs of unsigned records that no signed adoption vouches for. An adoption covers the records up
 * to its `throughSeq` when the record there still hashes to `throughHash` and every record up to
 * it is intact and linked to the one before it (or to a declared prune gap): the links make one
 * signature cover the whole prefix.
 */
export function unadoptedSeqs(entries: readonly ReadEntry[]): Set<number> {
  type Ok = Extract<ReadEntry, { ok: true }>;
  const ok = entries.filter((e): e is Ok => e.ok);
  const ranges = prunedRanges(ok);
  const bySeq = new Map(ok.map((e) => [e.nameSeq, e]));
  // The longest prefix 1..n of the chain that is intact and linked.
  let intactThrough = 0;
  let prevHash: string | null = null;
  const last = entries.reduce((m, e) => Math.max(m, e.nameSeq), 0);
  for (let seq = 1; seq <= last; seq++) {
    const e = bySeq.get(seq);
    if (!e) {
      const gap = ranges.find((r) => r.fromSeq === seq);
      if (!gap) break;
      seq = gap.toSeq;
      prevHash = gap.lastPrunedHash;
      intactThrough = seq;
      continue;
    }
    if (e.actualHash !== e.record.hash || e.record.seq !== seq || e.record.prevHash !== prevHash || e.trust === 'foreign') break;
    prevHash = e.record.hash;
    intactThrough = seq;
  }
  let adoptedThrough = 0;
  for (const e of ok) {
    const r = e.record;
    if (r.kind !== 'adopt' || e.trust !== 'signed' || e.actualHash !== r.hash) continue;
    if (r.throughSeq <= intactThrough && bySeq.get(r.throughSeq)?.record.hash === r.throughHash)
      adoptedThrough = Math.max(adoptedThrough, r.throughSeq);
  }
  const out = new Set<number>();
  for (const e of ok) if (e.trust === 'unsigned' && e.nameSeq > adoptedThrough) out.add(e.nameSeq);
  return out;
}
