import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { writeTempFile } from '../host/durableWrite';
import { BlobStore } from './blobs';
import { StoreError, UnknownRunError } from './errors';
import { errorLine } from '../errorLine';
import { JournalFiles } from './journal';
import type { StoreKey } from './key';
import type { HeldLock } from './lock';
import { ChainFiles, liveRecords, type ChainSnapshot } from './records';
import {
  AdoptRecordSchema,
  DecisionRecordSchema,
  RunRecordSchema,
  type AdoptRecord,
  type DecisionRecord,
  type NewDecisionRecord,
  type NewRunRecord,
  type RunRecord,
} from './schema';
import { computeStats, type Stats } from './stats';
import { checkDecision, foldDecisions, isOnDisk } from './status';
import { verifyChain, type VerifyResult } from './verify';
import { buildViews, summarize, type RunList, type RunView } from './views';

export interface StoreOptions {
  /** The installation's key: records are signed with it, and only records it signed are acted on. */
  key: StoreKey;
  /** How long a command waits for another one holding the store (default 30 s). */
  lockWaitMs?: number;
  /**
   * Write a `.gitignore` of `*` into the folder when it is made: a store inside the workspace (the
   * CLI's) must not be committed by accident, or a clone carries it to someone else.
   */
  ignoreFile?: boolean;
}

/** Every run with the damaged records that were skipped. */
export interface StoreViews {
  views: RunView[];
  problems: VerifyResult['problems'];
}

/**
 * The provenance store over one folder: `records/` (the hash chain, one signed file per record),
 * `blobs/` (file contents by sha256), `journal/` (operations under way), `tmp/` (files being
 * written) and `store.lock`. The CLI uses `<workspace>/.refactor-guard/`, the extension its
 * workspace storage folder. Opening it creates nothing: a folder appears with the first write.
 *
 * Readers never throw for a damaged record: they skip it and report it beside their answer, so
 * one bad file cannot stop `list-runs` or `status` of another run. Writers refuse to append
 * onto a damaged or foreign head, and refuse any record that fails the schema, before anything
 * is written.
 */
export class ProvenanceStore {
  readonly chain: ChainFiles;
  readonly blobs: BlobStore;
  readonly journal: JournalFiles;

  private constructor(
    readonly dir: string,
    readonly key: StoreKey,
    private readonly options: StoreOptions,
  ) {
    this.chain = new ChainFiles(dir, key, options.lockWaitMs === undefined ? {} : { waitMs: options.lockWaitMs }, () => this.ensure());
    this.blobs = new BlobStore(
      join(dir, 'blobs'),
      (name) => this.chain.tempPath(name),
      () => this.ensure(),
    );
    this.journal = new JournalFiles(dir, key, (name) => this.chain.tempPath(name));
  }

  static async open(dir: string, options: StoreOptions): Promise<ProvenanceStore> {
    const store = new ProvenanceStore(dir, options.key, options);
    try {
      await store.chain.sweepTemp();
    } catch (err) {
      throw new StoreError(`Cannot open the provenance store at ${dir}: ${errorLine(err)}`);
    }
    return store;
  }

  /** Makes the store's folders (and its .gitignore) before a first write. */
  async ensure(): Promise<void> {
    // The first write makes records/; the lock may already have made the folder itself.
    const fresh = !(await fs.stat(this.chain.recordsDir).then(
      () => true,
      () => false,
    ));
    await this.chain.ensure();
    if (fresh && this.options.ignoreFile) {
      const tmp = this.chain.tempPath('gitignore');
      await writeTempFile(tmp, new TextEncoder().encode('# Refactor Guard provenance: local to this machine, never committed.\n*\n'));
      await fs.link(tmp, join(this.dir, '.gitignore')).catch(() => undefined);
      await fs.rm(tmp, { force: true });
    }
  }

  /**
   * Runs `fn` holding the store's lock, with a view of the store read under it: a check, the
   * writes it allows and their record happen as one step, never interleaved with another process.
   */
  locked<T>(fn: (tx: LockedStore) => Promise<T>): Promise<T> {
    return this.chain.withLock((lock) => fn(new LockedStore(this, lock)));
  }

  /** Writes a run once, when its proposal is ready or it failed. Its runId must be new. */
  appendRun(run: NewRunRecord): Promise<RunRecord> {
    return this.locked((tx) => tx.appendRun(run));
  }

  /** Records a decision; refused, with nothing written, when the run's state does not allow it. */
  appendDecision(decision: NewDecisionRecord): Promise<DecisionRecord> {
    return this.locked((tx) => tx.appendDecision(decision));
  }

  /**
   * Signs for the unsigned records an earlier release wrote, once the chain they form verifies.
   * Returns undefined when there was nothing to adopt.
   */
  async adopt(actor: string, createdAt = new Date().toISOString()): Promise<AdoptRecord | undefined> {
    // Nothing to adopt takes no lock, so it creates no store either.
    if (liveRecords(await this.chain.snapshot()).unadopted.size === 0) return undefined;
    return this.locked(async () => {
      const snapshot = await this.chain.snapshot({ fresh: true });
      const { unadopted } = liveRecords(snapshot);
      if (unadopted.size === 0) return undefined;
      const result = verifyChain(snapshot);
      if (!result.ok)
        throw new StoreError(`Not adopted: the store's chain is broken (${result.problems[0]!.message}); nothing was signed.`);
      const head = snapshot.entries[snapshot.entries.length - 1];
      if (!head?.ok) throw new StoreError('Not adopted: the store has no readable last record.');
      return this.chain.appendLocked(AdoptRecordSchema, {
        kind: 'adopt',
        createdAt,
        actor,
        throughSeq: head.nameSeq,
        throughHash: head.record.hash,
      });
    });
  }

  async allViews(): Promise<StoreViews> {
    return viewsOf(await this.chain.snapshot());
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
    return findRun(await this.allViews(), idOrPrefix);
  }

  /** The most recently written run, if any. */
  async latestRun(): Promise<RunView | undefined> {
    const { views } = await this.allViews();
    return views[views.length - 1];
  }

  /**
   * Reads every record afresh and checks the chain and the signatures, then every blob the records
   * and the journal name: its bytes must hash to its name, and a missing one is named with what it
   * is needed for. Never throws for a damaged record or blob.
   */
  async verify(): Promise<VerifyResult> {
    const snapshot = await this.chain.snapshot({ fresh: true });
    const result = verifyChain(snapshot);
    const { views } = viewsOf(snapshot);
    const uses = new Map<string, string>();
    for (const v of views) {
      v.run.patches.forEach((p, i) => {
        const state = v.patches[i]!;
        const onDisk = isOnDisk(state);
        if (p.beforeSha256)
          uses.set(
            p.beforeSha256,
            uses.get(p.beforeSha256) ?? `the original of ${p.file} in run ${v.run.runId}${onDisk ? ', which its rollback needs' : ''}`,
          );
        if (p.afterSha256)
          uses.set(
            p.afterSha256,
            uses.get(p.afterSha256) ??
              `the proposal for ${p.file} in run ${v.run.runId}${state.status === 'pending' || state.status === 'approved' ? ', which its apply needs' : ''}`,
          );
      });
      // The model's proposals that a person revised since: the record still names them.
      for (const p of v.record.patches)
        if (p.afterSha256 && !uses.has(p.afterSha256))
          uses.set(p.afterSha256, `the model's proposal for ${p.file} in run ${v.run.runId}, revised since`);
      // Every revision a person recorded, the superseded ones too: retention keeps their bytes.
      for (const d of v.decisions) {
        const after = d.revision?.patch.afterSha256;
        if (after && !uses.has(after)) uses.set(after, `a person's edit of ${d.revision!.patch.file} in run ${v.run.runId}`);
      }
    }
    for (const j of [...(await this.journal.list()), ...(await this.journal.listKept())]) {
      if (!j.ok) continue;
      for (const f of j.entry.files)
        for (const sha of [f.before, f.after]) if (sha && !uses.has(sha)) uses.set(sha, `a version of ${f.path} that ${j.name} keeps`);
    }
    for (const [sha, use] of uses) {
      const file = `blobs/${sha.slice(0, 2)}/${sha}`;
      try {
        await this.blobs.get(sha);
      } catch {
        const missing = !(await this.blobs.has(sha));
        result.problems.push({
          file,
          kind: missing ? 'blob_missing' : 'blob_corrupt',
          message: `${file} is ${missing ? 'missing' : 'damaged (its bytes no longer hash to its name)'}: it holds ${use}.`,
        });
      }
    }
    result.blobsChecked = uses.size;
    result.ok = result.problems.length === 0;
    return result;
  }

  async stats(): Promise<Stats> {
    const { views } = await this.allViews();
    return computeStats(views);
  }
}

/** The store as seen by the holder of its lock: reads are fresh, appends need no further locking. */
export class LockedStore {
  constructor(
    readonly store: ProvenanceStore,
    readonly lock: HeldLock,
  ) {}

  /** Read afresh: a decision rests on records as they are on disk now, not as a cache remembers them. */
  async snapshot(): Promise<ChainSnapshot> {
    return this.store.chain.snapshot({ fresh: true });
  }

  /** What verify would find in the chain now (not the blobs): a removed or edited record, a gap. */
  async chainProblems(): Promise<VerifyResult['problems']> {
    return verifyChain(await this.snapshot()).problems;
  }

  async views(): Promise<StoreViews> {
    return viewsOf(await this.snapshot());
  }

  async getRun(idOrPrefix: string): Promise<RunView> {
    return findRun(await this.views(), idOrPrefix);
  }

  async appendRun(run: NewRunRecord): Promise<RunRecord> {
    const { records } = liveRecords(await this.snapshot());
    if (records.some((r) => r.kind === 'run' && r.runId === run.runId)) {
      throw new StoreError(`Refused to write run ${run.runId}: the store already has a run with that id.`);
    }
    return this.store.chain.appendLocked(RunRecordSchema, { ...run, kind: 'run' });
  }

  async appendDecision(decision: NewDecisionRecord): Promise<DecisionRecord> {
    const { records } = liveRecords(await this.snapshot());
    const run = records.find((r): r is RunRecord => r.kind === 'run' && r.runId === decision.runId);
    if (!run) throw new StoreError(`Refused to record ${decision.decision}: the store has no run ${decision.runId}.`);
    const decisions = records.filter((r): r is DecisionRecord => r.kind === 'decision' && r.runId === run.runId);
    const fold = foldDecisions(run, decisions);
    const why = checkDecision({ ...run, patches: fold.current }, fold.patches, decision);
    if (why) throw new StoreError(`Refused to record ${decision.decision} for run ${run.runId}: ${why}`);
    // The last moment before the record makes the writes count: the lock must still be ours.
    await this.lock.assertHeld();
    return this.store.chain.appendLocked(DecisionRecordSchema, { ...decision, kind: 'decision' });
  }
}

function viewsOf(snapshot: ChainSnapshot): StoreViews {
  const { records, problems, unadopted } = liveRecords(snapshot);
  return { views: buildViews(records, problems, unadopted), problems };
}

function findRun({ views, problems }: StoreViews, idOrPrefix: string): RunView {
  const wanted = idOrPrefix.trim();
  if (wanted === '') throw new StoreError('No run id given.');
  const exact = views.find((v) => v.run.runId === wanted);
  if (exact) return exact;
  const matches = views.filter((v) => v.run.runId.startsWith(wanted));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    const ids = matches
      .slice(0, 5)
      .map((v) => v.run.runId)
      .join(', ');
    throw new UnknownRunError(
      `Run id '${wanted}' is ambiguous: it starts ${matches.length} runs (${ids}${matches.length > 5 ? ', ...' : ''}).`,
    );
  }
  const foreign = problems.find((p) => p.kind === 'foreign');
  if (foreign)
    throw new StoreError(
      `No run '${wanted}' signed by this installation: ${foreign.message} Nothing was changed; run verify.`,
      foreign.file,
    );
  const note =
    problems.length === 0
      ? ''
      : ` (${problems.length} damaged record${problems.length === 1 ? '' : 's'} skipped, first ${problems[0]!.file}; run verify)`;
  // With damaged records skipped the run may be among them: that is the store's fault, not the argument's.
  if (problems.length > 0) throw new StoreError(`No run '${wanted}' in the provenance store${note}.`);
  throw new UnknownRunError(`No run '${wanted}' in the provenance store.`);
}
