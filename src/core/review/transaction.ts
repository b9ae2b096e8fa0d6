import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { errorLine } from '../errorLine';
import type { Logger } from '../ports';
import type { JournalFile } from '../provenance/journal';
import type { DecisionRecord, NewDecisionRecord } from '../provenance/schema';
import type { LockedStore } from '../provenance/store';
import { sha256Hex } from '../sha256';
import { ReviewError } from './outcome';
import type { ReviewWriter } from './writer';

/** One file an operation changes: what it must hold now, and what it will hold. */
export interface Change {
  path: string;
  /** undefined: the file is absent now. */
  from: Uint8Array | undefined;
  /** undefined: the operation removes it. */
  to: Uint8Array | undefined;
}

export interface CommitPlan {
  runId: string;
  operation: 'apply' | 'rollback';
  actor: string;
  /** Files to write; a file that already holds its `to` bytes is left out by the caller. */
  changes: Change[];
  /** The decision that makes the writes count, given the transaction's id. */
  decision: (txId: string) => NewDecisionRecord;
}

/**
 * Writes a set of files and records it, as one step under the store lock the caller holds:
 *
 *   1. both versions of every file go into the blob store (the old ones are what an undo needs);
 *   2. a signed journal entry names every file, its old and new hash and its temp file;
 *   3. each file is written (atomically, by the writer) and read back by hash;
 *   4. the decision is appended to the chain, naming the journal's transaction;
 *   5. the journal entry is removed.
 *
 * A failure in 3 or 4 puts back every file that holds what this operation wrote (and only those:
 * a file changed by someone else meanwhile is left alone), then throws. A process killed anywhere
 * leaves the journal entry; the next command finds it (recover.ts) and, if the decision is not in
 * the chain, undoes it the same way. So an operation lands whole or not at all.
 */
export async function commit(tx: LockedStore, writer: ReviewWriter, plan: CommitPlan, logger?: Logger): Promise<DecisionRecord> {
  if (plan.changes.length === 0) return tx.appendDecision(plan.decision(''));
  const txId = `${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;
  const store = tx.store;
  const files: JournalFile[] = [];
  for (const c of plan.changes) {
    files.push({
      path: c.path,
      before: c.from === undefined ? null : await store.blobs.put(c.from),
      after: c.to === undefined ? null : await store.blobs.put(c.to),
      temp: tempPathOf(c.path, txId),
    });
  }
  await store.journal.write({
    txId,
    runId: plan.runId,
    operation: plan.operation,
    createdAt: new Date().toISOString(),
    actor: plan.actor,
    files,
  });

  const what = plan.operation === 'apply' ? 'apply' : 'rollback';
  let touched = 0;
  try {
    for (const c of plan.changes) {
      // A lock lost to a long stall (its holder on another machine judged it abandoned) stops the
      // writes here, before the next file, not only at the record.
      await tx.lock.assertHeld();
      touched++;
      await writer.write(c.path, c.to, tempPathOf(c.path, txId));
      const back = await writer.readSaved(c.path);
      if (!holds(back, c.to))
        throw new Error(
          `${c.path} does not hold the bytes written (read back ${back === undefined ? 'nothing' : `${back.byteLength} bytes`})`,
        );
    }
    // Every file again, once all are written: two paths that are one file (a link) would each
    // pass its own read-back while the second write undid the first.
    for (const c of plan.changes) {
      if (!holds(await writer.readSaved(c.path), c.to))
        throw new Error(`${c.path} no longer holds the bytes written once the other files were written (two of the paths are one file?)`);
    }
  } catch (err) {
    const failed = plan.changes[touched - 1]?.path ?? 'a file';
    throw await failAndUndo(tx, writer, plan.changes.slice(0, touched), files, txId, `Writing ${failed} failed (${errorLine(err)})`, what);
  }
  let record: DecisionRecord;
  try {
    record = await tx.appendDecision(plan.decision(txId));
  } catch (err) {
    throw await failAndUndo(tx, writer, plan.changes, files, txId, `Recording the ${what} failed (${errorLine(err)})`, what);
  }
  await store.journal
    .remove(txId)
    .catch((err: unknown) =>
      logger?.warn(`The journal entry of a finished ${what} was not removed (${errorLine(err)}); the next command removes it.`),
    );
  return record;
}

async function failAndUndo(
  tx: LockedStore,
  writer: ReviewWriter,
  changes: Change[],
  files: JournalFile[],
  txId: string,
  why: string,
  what: string,
): Promise<ReviewError> {
  const result = await undo(writer, changes);
  for (const f of files) await writer.removeLeftover(f.temp).catch(() => undefined);
  if (result.failed.length > 0) {
    // The journal stays: the next command puts these back once it can (a disk with room again).
    return new ReviewError(
      `${why}; ${result.failed.map((f) => f.path).join(', ')} could not be put back yet (${result.failed[0]!.error}); the next Refactor Guard command finishes putting back.`,
      'write_failed',
    );
  }
  if (result.left.length > 0) {
    await tx.store.journal.keep(txId).catch(() => undefined);
    return new ReviewError(
      `${why}; every file was put back except ${result.left.join(', ')}, which changed meanwhile and was left as it is.`,
      'write_failed',
    );
  }
  await tx.store.journal.remove(txId).catch(() => undefined);
  return new ReviewError(`${why}; every file of this ${what} was put back.`, 'write_failed');
}

export interface UndoResult {
  /** Put back to their old bytes. */
  restored: string[];
  /** Holding neither the old nor the new bytes: someone else changed them; left alone. */
  left: string[];
  /** Could not be put back (the disk refused). */
  failed: { path: string; error: string }[];
}

/**
 * Puts back, newest first, every file that holds exactly what the operation wrote. A file that
 * holds its old bytes needs nothing; one that holds anything else is someone's later work and is
 * never overwritten.
 */
export async function undo(writer: ReviewWriter, changes: readonly Change[]): Promise<UndoResult> {
  const result: UndoResult = { restored: [], left: [], failed: [] };
  for (const c of [...changes].reverse()) {
    try {
      const now = await writer.readSaved(c.path);
      if (holds(now, c.from)) continue;
      if (!holds(now, c.to)) {
        result.left.push(c.path);
        continue;
      }
      await writer.write(c.path, c.from, tempPathOf(c.path, 'undo'));
      if (!holds(await writer.readSaved(c.path), c.from)) throw new Error('the file does not hold its old bytes after the write');
      result.restored.push(c.path);
    } catch (err) {
      result.failed.push({ path: c.path, error: errorLine(err) });
    }
  }
  return result;
}

function holds(now: Uint8Array | undefined, want: Uint8Array | undefined): boolean {
  if (now === undefined || want === undefined) return now === want;
  return now.byteLength === want.byteLength && sha256Hex(now) === sha256Hex(want);
}

/** The temp file a transaction's write of `file` may leave: `.name.<tag>.rg-tmp` beside it. */
export function tempPathOf(file: string, tag: string): string {
  const dir = path.posix.dirname(file);
  const name = `.${path.posix.basename(file)}.${tag}.rg-tmp`;
  return dir === '.' ? name : `${dir}/${name}`;
}
