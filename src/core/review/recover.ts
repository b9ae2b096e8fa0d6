import type { Logger } from '../ports';
import { liveRecords } from '../provenance/records';
import type { JournalEntry } from '../provenance/journal';
import type { ProvenanceStore } from '../provenance/store';
import { StoreError } from '../provenance/errors';
import { tempPathOf, undo, type Change } from './transaction';
import type { ReviewWriter } from './writer';

/** What recovery did with one interrupted operation, for the host to tell the user. */
export interface Recovered {
  txId: string;
  runId: string;
  operation: JournalEntry['operation'];
  /** `finished`: its record was in the chain, only the journal was left; `undone`: put back. */
  outcome: 'finished' | 'undone';
  restored: string[];
  /** Files that held neither version: left as they are, the journal entry kept with both versions. */
  left: string[];
  /** One line. */
  message: string;
}

/**
 * Settles what a killed or failed operation left in the journal, before a command does anything
 * else: an operation whose decision reached the chain is finished (its journal entry and temp
 * files removed); one whose decision did not is undone, file by file, where the file still holds
 * what it wrote. Cheap when there is nothing to do (one readdir); takes the store lock otherwise,
 * so an operation another process has under way is waited for, never undone.
 *
 * A journal entry that is damaged or not signed by this installation is never acted on: it stops
 * the command with one line, since what it names cannot be trusted and what it guards cannot be
 * known.
 */
export async function recoverJournal(store: ProvenanceStore, writer: ReviewWriter, logger?: Logger): Promise<Recovered[]> {
  if ((await store.journal.list()).length === 0) return [];
  return store.locked(async (tx) => {
    const entries = await store.journal.list();
    const bad = entries.find((e) => !e.ok);
    if (bad && !bad.ok)
      throw new StoreError(
        `${bad.message} It guards an interrupted apply or rollback; nothing was changed. Move it aside (out of ${store.journal.dir}) once you have checked the files it names.`,
        bad.name,
      );
    const { records } = liveRecords(await tx.snapshot());
    const committed = new Set(records.flatMap((r) => (r.kind === 'decision' && r.txId ? [r.txId] : [])));
    const out: Recovered[] = [];
    for (const read of entries) {
      if (!read.ok) continue;
      const j = read.entry;
      const temps = j.files.flatMap((f) => [f.temp, tempPathOf(f.path, 'undo')]);
      if (committed.has(j.txId)) {
        for (const t of temps) await writer.removeLeftover(t).catch(() => undefined);
        await store.journal.remove(j.txId);
        out.push({
          txId: j.txId,
          runId: j.runId,
          operation: j.operation,
          outcome: 'finished',
          restored: [],
          left: [],
          message: `Finished an interrupted ${j.operation} of run ${j.runId} (it was recorded; only its journal was left).`,
        });
        continue;
      }
      const changes: Change[] = [];
      for (const f of j.files) {
        changes.push({
          path: f.path,
          from: f.before === null ? undefined : await store.blobs.get(f.before),
          to: f.after === null ? undefined : await store.blobs.get(f.after),
        });
      }
      const result = await undo(writer, changes);
      for (const t of temps) await writer.removeLeftover(t).catch(() => undefined);
      if (result.failed.length > 0) {
        throw new StoreError(
          `An interrupted ${j.operation} of run ${j.runId} could not be undone yet: ${result.failed[0]!.path}: ${result.failed[0]!.error}. Nothing else was done; try again once that is fixed.`,
        );
      }
      if (result.left.length > 0) await store.journal.keep(j.txId);
      else await store.journal.remove(j.txId);
      const put = result.restored.length > 0 ? `put back ${result.restored.join(', ')}` : 'no file had been changed yet';
      const left =
        result.left.length > 0
          ? `; ${result.left.join(', ')} changed since and ${result.left.length === 1 ? 'was' : 'were'} left as ${result.left.length === 1 ? 'it is' : 'they are'} (both versions are kept in the store: ${store.journal.keptDir})`
          : '';
      const message = `Undid an interrupted ${j.operation} of run ${j.runId}: ${put}${left}.`;
      logger?.warn(message);
      out.push({
        txId: j.txId,
        runId: j.runId,
        operation: j.operation,
        outcome: 'undone',
        restored: result.restored,
        left: result.left,
        message,
      });
    }
    return out;
  });
}
