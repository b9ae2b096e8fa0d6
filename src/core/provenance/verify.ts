import {
  foreignProblem,
  isPruned,
  prunedRanges,
  recordFileName,
  unadoptedSeqs,
  type ChainSnapshot,
  type ReadEntry,
  type RecordProblem,
} from './records';
import type { PruneMarker, StoreRecord } from './schema';

export type VerifyProblem = RecordProblem;

export interface VerifyResult {
  ok: boolean;
  /** Record files read. */
  checked: number;
  problems: VerifyProblem[];
  /**
   * Intact records from before records were signed that no adoption covers yet: not a fault (an
   * earlier release wrote them), but nothing acts on them until the user adopts the store.
   */
  unsigned: number;
  /** Blobs the records and the journal name, each read and hashed (set by the store's verify). */
  blobsChecked?: number;
}

/**
 * Checks the whole chain. Each record's hash must match its canonical content (else `edited`);
 * its seq must match its file name (else `reordered`); its prevHash must equal the hash of the
 * record one seq before it (else `reordered` when it names some other record, `edited` when it
 * names none: the record before it was rewritten); every seq from 1 to the last must be present
 * unless a prune marker declares it removed (else `removed`).
 *
 * How pruning fits an append-only chain: retention never rewrites a record. It appends a `prune`
 * marker at the end of the chain naming the removed range [fromSeq, toSeq] and the hash of the
 * record at toSeq, then deletes that range. Verify allows exactly that gap, and the record just
 * after it must still link to `lastPrunedHash`, so editing or removing anything outside the range
 * is still caught. The marker is itself a chained record, so it cannot be edited unnoticed either.
 *
 * Every record since version 2 is also signed with the installation's key (key.ts): a record
 * rewritten with every hash after it recomputed is caught as `foreign`, since its signature no
 * longer matches. What neither catches: removing records from the very end (the chain simply
 * looks shorter).
 */
export function verifyChain(snapshot: ChainSnapshot): VerifyResult {
  const { entries } = snapshot;
  const problems: VerifyProblem[] = [...snapshot.strays];
  const ranges = prunedRanges(entries);
  const good = entries.filter((e): e is Extract<ReadEntry, { ok: true }> => e.ok);
  const bySeq = new Map<number, Extract<ReadEntry, { ok: true }>>();
  for (const e of good) if (!bySeq.has(e.record.seq)) bySeq.set(e.record.seq, e);
  const byHash = new Map(good.map((e) => [e.record.hash, e]));

  for (const e of entries) {
    if (!e.ok) {
      problems.push(e.problem);
      continue;
    }
    const { record: r, file } = e;
    if (e.actualHash !== r.hash) {
      problems.push({ file, seq: r.seq, kind: 'edited', message: `${file} was edited: its content no longer matches its hash.` });
    } else if (e.trust === 'foreign') {
      problems.push(foreignProblem(e));
    }
    if (r.seq !== e.nameSeq) {
      problems.push({
        file,
        seq: e.nameSeq,
        kind: 'reordered',
        message: `${file} holds record ${r.seq}: records were renamed or swapped.`,
      });
    }
    if (r.kind === 'prune' && !(r.fromSeq <= r.toSeq && r.toSeq < r.seq)) {
      problems.push({
        file,
        seq: r.seq,
        kind: 'schema_invalid',
        message: `${file} is a prune marker for range ${r.fromSeq}-${r.toSeq}, which does not come before it.`,
      });
    }
    if (isPruned(r.seq, ranges)) continue; // left over by an interrupted prune: the marker speaks for it
    const link = checkLink(r, bySeq, ranges);
    if (link === 'ok' || link === 'unknown') continue;
    const other = r.prevHash === null ? undefined : byHash.get(r.prevHash);
    if (other && other.record.seq !== r.seq - 1) {
      problems.push({
        file,
        seq: r.seq,
        kind: 'reordered',
        message: `${file} links to ${other.file}, not to the record before it: records were reordered.`,
      });
    } else {
      problems.push({ file, seq: r.seq, kind: 'edited', message: `${file} does not link to ${link}: that record was edited or replaced.` });
    }
  }

  problems.push(...gaps(entries, ranges));
  problems.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return { ok: problems.length === 0, checked: entries.length, problems, unsigned: unadoptedSeqs(entries).size };
}

/** 'ok', 'unknown' (the record before it is unreadable or missing: reported elsewhere), or what it should link to. */
function checkLink(r: StoreRecord, bySeq: Map<number, Extract<ReadEntry, { ok: true }>>, ranges: readonly PruneMarker[]): string {
  if (r.seq === 1) return r.prevHash === null ? 'ok' : 'nothing (it is the first record)';
  const before = bySeq.get(r.seq - 1);
  if (before) return r.prevHash === before.record.hash ? 'ok' : before.file;
  const range = ranges.find((m) => m.toSeq === r.seq - 1);
  if (range) return r.prevHash === range.lastPrunedHash ? 'ok' : `the last record pruned by records/${recordFileName(range.seq)}`;
  return 'unknown';
}

/** Seqs missing from 1 to the last record that no prune marker accounts for. */
function gaps(entries: readonly ReadEntry[], ranges: readonly PruneMarker[]): VerifyProblem[] {
  const present = new Set(entries.map((e) => e.nameSeq));
  const last = entries.reduce((m, e) => Math.max(m, e.nameSeq), 0);
  const out: VerifyProblem[] = [];
  let start: number | undefined;
  for (let seq = 1; seq <= last + 1; seq++) {
    const missing = seq <= last && !present.has(seq) && !isPruned(seq, ranges);
    if (missing && start === undefined) start = seq;
    if (!missing && start !== undefined) {
      const what = start === seq - 1 ? `record ${start} (records/${recordFileName(start)}) is` : `records ${start}-${seq - 1} are`;
      const next = `records/${recordFileName(seq)}`;
      out.push({ file: next, seq: start, kind: 'removed', message: `${what} missing before ${next}: removed from the chain.` });
      start = undefined;
    }
  }
  return out;
}
