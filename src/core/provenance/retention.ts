import { StoreError } from './errors';
import { isPruned, liveRecords, prunedRanges, type ReadEntry } from './records';
import { PruneMarkerSchema, type PruneMarker, type RunRecord } from './schema';
import { isOnDisk } from './status';
import type { ProvenanceStore } from './store';
import { buildViews, type RunView } from './views';

export interface PruneOptions {
  /** How many of the newest runs to keep. */
  keepRuns: number;
  /**
   * Unreferenced blobs younger than this are kept: the engine stores a run's blobs before it
   * appends the run's record, so a run in flight owns blobs that no record names yet.
   */
  minBlobAgeMs?: number;
  now?: Date;
  /**
   * Whether the workspace file holds these bytes now. With it, an old run whose proposal is on
   * disk though its record does not say applied (an apply by an earlier release killed before its
   * record) is kept, with the originals its rollback would need.
   */
  holds?: (path: string, sha256: string) => Promise<boolean>;
}

export interface PruneResult {
  prunedRunIds: string[];
  /** Older runs kept because one of their patches is on disk and may still be rolled back. */
  keptForRollback: string[];
  removedRecords: number;
  markers: PruneMarker[];
  removedBlobs: number;
  /** Set when blobs were left alone, and why. */
  blobsSkipped?: string;
  /** Set when nothing was pruned, and why. */
  skipped?: string;
}

/**
 * Removes the records of all but the newest `keepRuns` runs, with their decisions, and the blobs
 * no remaining run names. A run with a patch still on disk (applied, not rolled back) is kept
 * whatever its age, with its blobs, so its rollback keeps working.
 *
 * The chain stays verifiable: nothing is rewritten. For each contiguous block of removed seqs a
 * `prune` marker is appended at the end of the chain naming the block and the hash of its last
 * record, and only then are the block's files deleted. `verify` accepts exactly the declared
 * gaps and checks that the record after each gap links to the marker's `lastPrunedHash`. If the
 * process dies between the two steps, the leftover files are ignored by readers and removed by
 * the next prune. Markers are never pruned: they are small, and they are the proof.
 */
export async function prune(store: ProvenanceStore, options: PruneOptions): Promise<PruneResult> {
  const keep = options.keepRuns;
  if (!Number.isInteger(keep) || keep < 0) throw new StoreError(`keepRuns must be a whole number of runs, not ${keep}.`);
  const now = (options.now ?? new Date()).getTime();
  const minAge = options.minBlobAgeMs ?? 60 * 60 * 1000;

  return store.locked(async () => {
    // An operation under way (or one a killed process left) still needs every blob and record it
    // names; recovery settles it first, and the next prune goes ahead.
    const journals = await store.journal.list();
    if (journals.length > 0) {
      return {
        prunedRunIds: [],
        keptForRollback: [],
        removedRecords: 0,
        markers: [],
        removedBlobs: 0,
        skipped: `an unfinished operation is in the journal (${journals[0]!.name})`,
      };
    }
    const snapshot = await store.chain.snapshot({ fresh: true });
    const { records, problems, unadopted } = liveRecords(snapshot);
    const views = buildViews(records, problems, unadopted);
    const newestFirst = [...views].reverse();
    const old = newestFirst.slice(keep);
    const keptForRollback: string[] = [];
    for (const v of old) if (v.patches.some(isOnDisk) || (await proposalOnDisk(v, options.holds))) keptForRollback.push(v.run.runId);
    const pruned = new Set(old.map((v) => v.run.runId).filter((id) => !keptForRollback.includes(id)));

    const doomed = new Set<number>();
    for (const r of records) if ((r.kind === 'run' || r.kind === 'decision') && pruned.has(r.runId)) doomed.add(r.seq);
    const toRemove = blocks(snapshot.entries, doomed);
    // Leftovers of an interrupted prune are already declared by their marker: finish removing them.
    const ranges = prunedRanges(snapshot.entries);
    const leftovers = snapshot.entries.filter((e) => isPruned(e.nameSeq, ranges)).map((e) => e.nameSeq);

    const markers: PruneMarker[] = [];
    for (const block of toRemove) {
      const last = block[block.length - 1]!;
      markers.push(
        await store.chain.appendLocked(PruneMarkerSchema, {
          kind: 'prune',
          createdAt: new Date(now).toISOString(),
          fromSeq: block[0]!.nameSeq,
          toSeq: last.nameSeq,
          lastPrunedHash: (last as Extract<ReadEntry, { ok: true }>).record.hash,
        }),
      );
    }
    const removed = toRemove.flat().map((e) => e.nameSeq);
    await store.chain.removeLocked([...removed, ...leftovers]);

    const gone = new Set(removed);
    const remaining = records.filter((r) => !gone.has(r.seq));
    const prunedRunIds = records.filter((r): r is RunRecord => r.kind === 'run' && gone.has(r.seq)).map((r) => r.runId);
    const result: PruneResult = { prunedRunIds, keptForRollback, removedRecords: removed.length, markers, removedBlobs: 0 };
    // A damaged record might be a run whose rollback needs a blob: delete no blob while one exists.
    if (problems.length > 0) {
      result.blobsSkipped = `${problems.length} damaged record(s) in the store; no blob was removed; run verify.`;
      return result;
    }
    const needed = new Set<string>();
    // Journals recovery could not settle keep the bytes they name: a user may still want them.
    for (const j of [...(await store.journal.list()), ...(await store.journal.listKept())]) {
      if (!j.ok) {
        result.blobsSkipped = `${j.name} cannot be read; no blob was removed.`;
        return result;
      }
      for (const f of j.entry.files) for (const sha of [f.before, f.after]) if (sha) needed.add(sha);
    }
    for (const r of remaining) {
      // A person's revision names its own after-bytes; the model's patch stays needed beside it.
      const patches = r.kind === 'run' ? r.patches : r.kind === 'decision' && r.revision ? [r.revision.patch] : [];
      for (const p of patches) {
        if (p.beforeSha256) needed.add(p.beforeSha256);
        if (p.afterSha256) needed.add(p.afterSha256);
      }
    }
    for (const blob of await store.blobs.list()) {
      if (needed.has(blob.sha) || now - blob.mtimeMs < minAge) continue;
      await store.blobs.remove(blob.sha);
      result.removedBlobs++;
    }
    return result;
  });
}

async function proposalOnDisk(v: RunView, holds: PruneOptions['holds']): Promise<boolean> {
  if (!holds) return false;
  for (const p of v.run.patches) {
    if (p.afterSha256 === null || p.afterSha256 === p.beforeSha256) continue;
    if (await holds(p.file, p.afterSha256).catch(() => true)) return true;
  }
  return false;
}

/** Maximal runs of consecutive seqs, all present, intact and to be removed, in chain order. */
function blocks(entries: readonly ReadEntry[], remove: ReadonlySet<number>): ReadEntry[][] {
  const out: ReadEntry[][] = [];
  let current: ReadEntry[] = [];
  for (const e of entries) {
    const prev = current[current.length - 1];
    // A record that fails its own hash is evidence of tampering: pruning must not erase it.
    const wanted = e.ok && remove.has(e.nameSeq) && e.record.seq === e.nameSeq && e.actualHash === e.record.hash;
    if (wanted && (!prev || prev.nameSeq === e.nameSeq - 1)) current.push(e);
    else {
      if (current.length > 0) out.push(current);
      current = wanted ? [e] : [];
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * What a host calls after each run with the `retention.maxRuns` setting (0 keeps every run).
 * It prunes only once the store holds a tenth more runs than the limit (at least one more), and
 * then back down to the limit, so a busy store gets one marker per batch of runs, not per run.
 * Returns undefined when it left the store alone.
 */
export async function applyRetention(
  store: ProvenanceStore,
  maxRuns: number,
  options: Omit<PruneOptions, 'keepRuns'> = {},
): Promise<PruneResult | undefined> {
  if (maxRuns === 0) return undefined;
  const slack = Math.max(1, Math.ceil(maxRuns / 10));
  const runs = (await store.listRuns()).length;
  if (runs <= maxRuns + slack) return undefined;
  return prune(store, { ...options, keepRuns: maxRuns });
}
