import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { z } from 'zod';
import { StoreError, oneLine } from './errors';
import { hashRecord } from './hash';
import { withStoreLock } from './lock';
import { StoreRecordSchema, type PruneMarker, type StoreRecord } from './schema';

/** What can be wrong with a record file, as `verify` and the readers report it. */
export type ProblemKind = 'edited' | 'removed' | 'reordered' | 'unreadable' | 'invalid_json' | 'schema_invalid' | 'unexpected_file';

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
      /** The hash of the content as read; computed only for fresh reads (verify), as it costs more than parsing. */
      actualHash?: string;
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
  private readonly tmpDir: string;
  private readonly cache = new Map<string, { size: number; mtimeMs: number; entry: ReadEntry }>();

  constructor(readonly storeDir: string) {
    this.recordsDir = join(storeDir, 'records');
    this.tmpDir = join(storeDir, 'tmp');
  }

  async ensure(): Promise<void> {
    await fs.mkdir(this.recordsDir, { recursive: true });
    await fs.mkdir(this.tmpDir, { recursive: true });
  }

  /** Removes temporary files a crashed writer left, once they are old enough to be nobody's. */
  async sweepTemp(olderThanMs = 60 * 60 * 1000): Promise<void> {
    const names = await fs.readdir(this.tmpDir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(this.tmpDir, name);
      const st = await fs.stat(path).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > olderThanMs) await fs.rm(path, { force: true });
    }
  }

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    return withStoreLock(this.storeDir, fn);
  }

  async snapshot(options: { fresh?: boolean } = {}): Promise<ChainSnapshot> {
    const names = await fs.readdir(this.recordsDir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw new StoreError(`Cannot list the provenance records in ${this.recordsDir}: ${oneLine(err)}`);
    });
    const strays: RecordProblem[] = [];
    const named: { name: string; seq: number }[] = [];
    for (const name of names) {
      const m = RECORD_NAME.exec(name);
      if (m) named.push({ name, seq: Number(m[1]) });
      else strays.push({ file: `records/${name}`, kind: 'unexpected_file', message: `records/${name} is not a record file name; records are named <seq>.json.` });
    }
    named.sort((a, b) => a.seq - b.seq);
    const entries: ReadEntry[] = [];
    for (const { name, seq } of named) {
      const entry = await this.read(name, seq, options.fresh === true);
      if (entry) entries.push(entry);
    }
    const listed = new Set(names);
    for (const gone of [...this.cache.keys()].filter((k) => !listed.has(k))) this.cache.delete(gone);
    return { entries, strays };
  }

  /** Undefined when the file vanished since the folder was listed (a concurrent prune removed it). */
  private async read(name: string, nameSeq: number, fresh: boolean): Promise<ReadEntry | undefined> {
    const file = `records/${name}`;
    const path = join(this.recordsDir, name);
    const bad = (kind: ProblemKind, message: string): ReadEntry => ({ ok: false, file, nameSeq, problem: { file, seq: nameSeq, kind, message } });
    let st;
    try {
      st = await fs.stat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return bad('unreadable', `${file} cannot be read: ${oneLine(err)}`);
    }
    const cached = this.cache.get(name);
    if (!fresh && cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs) return cached.entry;
    let text: string;
    try {
      text = await fs.readFile(path, 'utf8');
    } catch (err) {
      return bad('unreadable', `${file} cannot be read: ${oneLine(err)}`);
    }
    const entry = parseRecordText(file, nameSeq, text, fresh);
    this.cache.set(name, { size: st.size, mtimeMs: st.mtimeMs, entry });
    return entry;
  }

  /**
   * Appends one record; call it only inside `withLock`. The store fills in seq, prevHash and
   * hash, validates the whole record with `schema`, and links the finished file into place:
   * a hard link never replaces an existing name, so even a writer that lost its lock fails
   * instead of overwriting a record and forking the chain.
   */
  async appendLocked<T extends StoreRecord>(schema: z.ZodType<T>, fields: object): Promise<T> {
    const head = await this.head();
    const seq = head ? head.seq + 1 : 1;
    const candidate = { ...fields, seq, prevHash: head ? head.hash : null, hash: '0'.repeat(64) };
    const parsed = schema.safeParse(candidate);
    if (!parsed.success) {
      const kind = (fields as { kind?: unknown }).kind;
      throw new StoreError(`Refused to write a ${String(kind ?? 'store')} record: ${describeIssues(parsed.error)}`);
    }
    const record = parsed.data;
    record.hash = hashRecord(record);
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
    const names = (await fs.readdir(this.recordsDir)).filter((n) => RECORD_NAME.test(n));
    if (names.length === 0) return undefined;
    const last = names.map((n) => Number(RECORD_NAME.exec(n)![1])).reduce((a, b) => Math.max(a, b));
    const entry = await this.read(recordFileName(last), last, true);
    if (!entry) throw new StoreError(`Cannot append to the provenance chain: its last record records/${recordFileName(last)} vanished while being read; try again.`);
    if (!entry.ok) throw new StoreError(`Cannot append to the provenance chain: its last record is damaged (${entry.problem.message}). Run verify.`, entry.file);
    if (entry.record.seq !== last) {
      throw new StoreError(`Cannot append to the provenance chain: its last record ${entry.file} holds seq ${entry.record.seq}. Run verify.`, entry.file);
    }
    return { seq: last, hash: entry.record.hash };
  }

  private async writeNew(seq: number, text: string): Promise<void> {
    await this.ensure();
    const name = recordFileName(seq);
    const final = join(this.recordsDir, name);
    const tmp = join(this.tmpDir, `${name}.${process.pid}.${randomBytes(4).toString('hex')}`);
    await writeFileAtomic(tmp, text, { fsync: true });
    try {
      await fs.link(tmp, final);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        throw new StoreError(`Record ${seq} was written by another process at the same time (records/${name}); nothing was appended, try again.`, `records/${name}`);
      }
      // Some filesystems have no hard links: under the lock, check-then-rename is the next best.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw new StoreError(`Cannot write records/${name}: ${oneLine(err)}`, `records/${name}`);
      if (await fs.stat(final).then(() => true, () => false)) {
        throw new StoreError(`Record ${seq} already exists (records/${name}); nothing was appended, try again.`, `records/${name}`);
      }
      await fs.rename(tmp, final);
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }
}

/** Parses one record file's text: JSON, then the schema; also recomputes its hash. */
export function parseRecordText(file: string, nameSeq: number, text: string, withHash = true): ReadEntry {
  const bad = (kind: ProblemKind, message: string): ReadEntry => ({ ok: false, file, nameSeq, problem: { file, seq: nameSeq, kind, message } });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return bad('invalid_json', `${file} is not valid JSON: ${oneLine(err)}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return bad('schema_invalid', `${file} does not hold a JSON object.`);
  const parsed = StoreRecordSchema.safeParse(raw);
  if (!parsed.success) return bad('schema_invalid', `${file} does not match the record schema: ${describeIssues(parsed.error)}`);
  const entry: ReadEntry = { ok: true, file, nameSeq, record: parsed.data, raw: raw as Record<string, unknown> };
  if (withHash) {
    try {
      entry.actualHash = hashRecord(raw);
    } catch (err) {
      return bad('schema_invalid', `${file} cannot be hashed: ${oneLine(err)}`);
    }
  }
  return entry;
}

export function describeIssues(error: z.ZodError): string {
  const [first, ...rest] = error.issues;
  if (!first) return 'invalid.';
  const where = first.path.length > 0 ? first.path.map(String).join('.') + ': ' : '';
  return `${where}${first.message}${rest.length > 0 ? ` (and ${rest.length} more)` : ''}`;
}

/** The seq ranges that prune markers declare removed. Only a marker written after its range counts. */
export function prunedRanges(entries: readonly ReadEntry[]): PruneMarker[] {
  const out: PruneMarker[] = [];
  for (const e of entries) {
    if (!e.ok || e.record.kind !== 'prune') continue;
    const m = e.record;
    if (m.fromSeq <= m.toSeq && m.toSeq < m.seq) out.push(m);
  }
  return out;
}

export function isPruned(seq: number, ranges: readonly PruneMarker[]): boolean {
  return ranges.some((r) => seq >= r.fromSeq && seq <= r.toSeq);
}

/** The readable records a reader should see: schema-valid, and not inside a pruned range. */
export function liveRecords(snapshot: ChainSnapshot): { records: StoreRecord[]; problems: RecordProblem[] } {
  const ranges = prunedRanges(snapshot.entries);
  const records: StoreRecord[] = [];
  const problems: RecordProblem[] = [];
  for (const e of snapshot.entries) {
    if (isPruned(e.nameSeq, ranges)) continue; // left over by an interrupted prune
    if (e.ok) records.push(e.record);
    else problems.push(e.problem);
  }
  return { records, problems };
}
