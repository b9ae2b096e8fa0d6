import { liveRecords } from '../../core/provenance/records';
import { StoreRecordSchema, type StoreRecord } from '../../core/provenance/schema';
import type { ProvenanceStore } from '../../core/provenance/store';

/**
 * "Export Provenance": one run (its run record and its decisions) or the whole chain, as one
 * JSON document whose `records` are store records exactly as stored, hashes included, so a
 * reader can check each record against StoreRecordSchema and recompute its hash. Every record is
 * validated before anything is written: an export that a reader would reject is never produced.
 * 'vscode'-free.
 */

export const EXPORT_FORMAT = 'refactor-guard-provenance';

export interface ProvenanceExport {
  format: typeof EXPORT_FORMAT;
  version: 1;
  exportedAt: string;
  /** 'all' or the run id. */
  scope: string;
  records: StoreRecord[];
}

export async function buildExport(
  store: ProvenanceStore,
  scope: { runId: string } | 'all',
  now: Date = new Date(),
): Promise<ProvenanceExport> {
  let records: StoreRecord[];
  if (scope === 'all') {
    // Straight from the chain, prune markers included: the export shows the gaps the store has.
    records = liveRecords(await store.chain.snapshot({ fresh: true })).records;
  } else {
    const view = await store.getRun(scope.runId);
    records = [view.run, ...view.decisions].sort((a, b) => a.seq - b.seq);
  }
  const doc: ProvenanceExport = {
    format: EXPORT_FORMAT,
    version: 1,
    exportedAt: now.toISOString(),
    scope: scope === 'all' ? 'all' : scope.runId,
    records,
  };
  validateExport(doc);
  return doc;
}

/** Throws one line naming the first record that does not match the schema. */
export function validateExport(doc: ProvenanceExport): void {
  doc.records.forEach((record, i) => {
    const result = StoreRecordSchema.safeParse(record);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const seq = (record as { seq?: unknown }).seq;
      throw new Error(
        `Export refused: record ${i + 1}${typeof seq === 'number' ? ` (seq ${seq})` : ''} does not match the record schema at ${issue.path.join('.') || 'its root'}: ${issue.message}`,
      );
    }
  });
}

export function exportText(doc: ProvenanceExport): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
