import { join } from 'node:path';
import { BlobStore } from './blobs';
import { StoreError, oneLine } from './errors';
import { ChainFiles, liveRecords } from './records';
import { DecisionRecordSchema, RunRecordSchema, type DecisionRecord, type NewDecisionRecord, type NewRunRecord, type RunRecord } from './schema';
import { computeStats, type Stats } from './stats';
import { checkDecision, foldDecisions } from './status';
import { verifyChain, type VerifyResult } from './verify';
import { buildViews, summarize, type RunList, type RunView } from './views';

/**
 * The provenance store over one folder: `records/` (the hash chain, one file per record),
 * `blobs/` (file contents by sha256), `tmp/` (files being written) and `store.lock`. The CLI uses
 * `<workspace>/.refactor-guard/`, the extension its workspace storage folder.
 *
 * Readers never throw for a damaged record: they skip it and report it beside their answer, so
 * one bad file cannot stop `list-runs` or `status` of another run. Writers refuse to append
 * onto a damaged head, and refuse any record that fails the schema, before anything is written.
 */
export class ProvenanceStore {
  readonly chain: ChainFiles;
  readonly blobs: BlobStore;

  private constructor(readonly dir: string) {
    this.chain = new ChainFiles(dir);
    this.blobs = new BlobStore(join(dir, 'blobs'));
  }

  static async open(dir: string): Promise<ProvenanceStore> {
    const store = new ProvenanceStore(dir);
    try {
      await store.chain.ensure();
      await store.chain.sweepTemp();
    } catch (err) {
      throw new StoreError(`Cannot open the provenance store at ${dir}: ${oneLine(err)}`);
    }
    return store;
  }

  /** Writes a run once, when its proposal is ready or it failed. Its runId must be new. */
  async appendRun(run: NewRunRecord): Promise<RunRecord> {
    return this.chain.withLock(async () => {
      const { records } = liveRecords(await this.chain.snapshot());
      if (records.some((r) => r.kind === 'run' && r.runId === run.runId)) {
        throw new StoreError(`Refused to write run ${run.runId}: the store already has a run with that id.`);
      }
      return this.chain.appendLocked(RunRecordSchema, { ...run, kind: 'run' });
    });
  }

  /**
   * Records a decision about some of a run's patches. It is refused, and nothing is written,
   * when the run or a patch or hunk is unknown, or the patches' current status does not allow it
   * (applying a rejected patch, rolling back one that was never applied).
   */
  async appendDecision(decision: NewDecisionRecord): Promise<DecisionRecord> {
    return this.chain.withLock(async () => {
      const { records } = liveRecords(await this.chain.snapshot());
      const run = records.find((r): r is RunRecord => r.kind === 'run' && r.runId === decision.runId);
      if (!run) throw new StoreError(`Refused to record ${decision.decision}: the store has no run ${decision.runId}.`);
      const decisions = records.filter((r): r is DecisionRecord => r.kind === 'decision' && r.runId === run.runId);
      const why = checkDecision(run, foldDecisions(run, decisions).patches, decision);
      if (why) throw new StoreError(`Refused to record ${decision.decision} for run ${run.runId}: ${why}`);
      return this.chain.appendLocked(DecisionRecordSchema, { ...decision, kind: 'decision' });
    });
  }

  /** Every run, oldest first, with the damaged records that were skipped. */
  async allViews(): Promise<{ views: RunView[]; problems: VerifyResult['problems'] }> {
    const { records, problems } = liveRecords(await this.chain.snapshot());
    return { views: buildViews(records, problems), problems };
  }

  /** Runs newest first (the last `limit` when given), with skipped damaged records in `.problems`. */
  async listRuns(options: { limit?: number } = {}): Promise<RunList> {
    const { views, problems } = await this.allViews();
    let newest = views.reverse();
    if (options.limit !== undefined) newest = newest.slice(0, Math.max(0, options.limit));
    return Object.assign(newest.map(summarize), { problems });
  }

  /** One run by its id or an unambiguous prefix of it. */
  async getRun(idOrPrefix: string): Promise<RunView> {
    const wanted = idOrPrefix.trim();
    if (wanted === '') throw new StoreError('No run id given.');
    const { views, problems } = await this.allViews();
    const exact = views.find((v) => v.run.runId === wanted);
    if (exact) return exact;
    const matches = views.filter((v) => v.run.runId.startsWith(wanted));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      const ids = matches.slice(0, 5).map((v) => v.run.runId).join(', ');
      throw new StoreError(`Run id '${wanted}' is ambiguous: it starts ${matches.length} runs (${ids}${matches.length > 5 ? ', ...' : ''}).`);
    }
    const note =
      problems.length === 0 ? '' : ` (${problems.length} damaged record${problems.length === 1 ? '' : 's'} skipped, first ${problems[0]!.file}; run verify)`;
    throw new StoreError(`No run '${wanted}' in the provenance store${note}.`);
  }

  /** The most recently written run, if any. */
  async latestRun(): Promise<RunView | undefined> {
    const { views } = await this.allViews();
    return views[views.length - 1];
  }

  /** Reads every record afresh and checks the chain. Never throws for a damaged record. */
  async verify(): Promise<VerifyResult> {
    return verifyChain(await this.chain.snapshot({ fresh: true }));
  }

  async stats(): Promise<Stats> {
    const { views } = await this.allViews();
    return computeStats(views);
  }
}
