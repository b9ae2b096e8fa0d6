import { z } from 'zod';
import { FindingSchema } from '../findings';
import { HunkSchema, MatchKindSchema } from '../edits/hunk';
import { ChangedLinesCoverageSchema, RiskSchema } from '../risk/schema';

/**
 * The provenance store is an append-only chain of records. A run is written once as a `run`
 * record when its proposal is ready (or it fails); every later decision (approve, reject, apply,
 * rollback, stale) is a `decision` record that names the run. A patch's current status is derived
 * by folding its run's decisions, so nothing ever rewrites an earlier record and `verify` can
 * check every link.
 */

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const IsoTime = z.string().datetime({ offset: true });
/**
 * 1: written before records were signed (read, verified, and acted on once adopted);
 * 2: signed with the installation's key (`mac`), decisions with typed `writes`.
 */
const SchemaVersion = z.union([z.literal(1), z.literal(2)]);
/** HMAC-SHA256 of the record's hash with the per-user key (key.ts); absent on version 1 records. */
const Mac = Sha256.optional();

export const ModelCallSchema = z.object({
  phase: z.enum(['plan', 'generate', 'repair']),
  attempt: z.number().int().min(1),
  provider: z.string(),
  model: z.string(),
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  cacheReadTokens: z.number().int().min(0),
  cacheWriteTokens: z.number().int().min(0),
  durationMs: z.number().min(0),
  stopReason: z.string(),
  retries: z.number().int().min(0),
  /** Set when the call failed: the one-line, secret-free message. */
  error: z.string().optional(),
});
export type ModelCall = z.infer<typeof ModelCallSchema>;

export const EditResultSchema = z.object({
  tool: z.string(),
  path: z.string().optional(),
  ok: z.boolean(),
  matchKind: MatchKindSchema.optional(),
  /** Why it was refused, as told to the model. */
  error: z.string().optional(),
});
export type EditResult = z.infer<typeof EditResultSchema>;

export const GateRunSchema = z.object({
  gate: z.string(),
  durationMs: z.number().min(0),
  skipped: z.string().optional(),
  /** Which checker judged, with its version (the type gate: TypeScript 7 native or TypeScript 6). */
  checker: z.string().optional(),
  findings: z.array(FindingSchema),
});
export type GateRun = z.infer<typeof GateRunSchema>;

/** One validation round: the first candidate (attempt 1) or a repair of it. */
export const AttemptSchema = z.object({
  index: z.number().int().min(1),
  phase: z.enum(['generate', 'repair']),
  /** Blocking findings fed to the model for this attempt (0 for the first). */
  errorsIn: z.number().int().min(0),
  /** Blocking findings left after it. */
  errorsOut: z.number().int().min(0),
  success: z.boolean(),
  tokens: z.number().int().min(0),
  edits: z.array(EditResultSchema),
  gates: z.array(GateRunSchema),
});
export type Attempt = z.infer<typeof AttemptSchema>;

export const PatchStatusSchema = z.enum(['pending', 'approved', 'rejected', 'applied', 'rolled_back', 'stale']);
export type PatchStatus = z.infer<typeof PatchStatusSchema>;

export const PatchSchema = z.object({
  id: z.string(),
  file: z.string(),
  language: z.string().optional(),
  /** sha256 of the file's bytes when proposed; null for a new file. */
  beforeSha256: Sha256.nullable(),
  /** sha256 of the bytes the patch writes; null when the patch deletes the file. */
  afterSha256: Sha256.nullable(),
  linesAdded: z.number().int().min(0),
  linesRemoved: z.number().int().min(0),
  matchKinds: z.array(MatchKindSchema),
  valid: z.boolean(),
  risk: RiskSchema,
  diff: z.string(),
  hunks: z.array(HunkSchema),
  /** Coverage of the changed lines by the tests, where the test gate could measure it. */
  coverage: ChangedLinesCoverageSchema.optional(),
  /** Findings left on this file in the kept candidate (pre-existing ones included). */
  findings: z.array(FindingSchema),
});
export type Patch = z.infer<typeof PatchSchema>;

export const RunStatusSchema = z.enum(['proposed', 'no_valid_patch', 'no_changes', 'provider_error', 'cancelled', 'failed']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const TargetSchema = z.object({ path: z.string(), function: z.string().optional() });

export const PhaseTimingSchema = z.object({ name: z.string(), startMs: z.number().min(0), durationMs: z.number().min(0) });

export const RunRecordSchema = z.object({
  kind: z.literal('run'),
  schemaVersion: SchemaVersion,
  seq: z.number().int().min(1),
  runId: z.string().min(1),
  /** 'generate': new code and its tests from a specification (the instruction); absent: a refactor. */
  mode: z.enum(['refactor', 'generate']).optional(),
  /** A generate run's test file, when the person named it (also the last of the targets). */
  testFile: z.string().optional(),
  createdAt: IsoTime,
  instruction: z.string(),
  targets: z.array(TargetSchema),
  preset: z.string(),
  /** The settings in force, secrets excluded. */
  settings: z.record(z.string(), z.unknown()),
  provider: z.object({ id: z.string(), label: z.string(), model: z.string() }),
  status: RunStatusSchema,
  /** One line when the run failed: the provider error, the cancellation. */
  error: z.object({ kind: z.string(), message: z.string() }).optional(),
  plan: z.string().optional(),
  context: z
    .object({
      tokens: z.number().int().min(0),
      pieces: z.array(z.object({ path: z.string(), kind: z.string(), tokens: z.number(), reason: z.string() })),
    })
    .optional(),
  modelCalls: z.array(ModelCallSchema),
  attempts: z.array(AttemptSchema),
  /** The attempt whose candidate became the patches (absent before version 2: the best, latest on ties). */
  keptAttempt: z.number().int().min(1).optional(),
  patches: z.array(PatchSchema),
  timings: z.object({ startedAt: IsoTime, endedAt: IsoTime, durationMs: z.number().min(0), phases: z.array(PhaseTimingSchema) }),
  prevHash: Sha256.nullable(),
  hash: Sha256,
  mac: Mac,
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

export const DecisionSchema = z.enum(['approve', 'reject', 'apply', 'rollback', 'stale', 'revise']);
export type Decision = z.infer<typeof DecisionSchema>;

/** One file a decision wrote: the bytes it left there, by hash (null: the file was removed). */
export const WriteSchema = z.object({ path: z.string().min(1), sha256: Sha256.nullable() });
export type Write = z.infer<typeof WriteSchema>;

/**
 * A person's edit of a pending proposal, before approving it: the patch as it now stands (same id,
 * file and original bytes, the person's text as its after-bytes), re-validated and re-scored, and
 * what the person changed relative to the proposal they edited. The model's patch stays in the run
 * record; readers see the latest revision (status.ts).
 */
export const RevisionSchema = z.object({
  patch: PatchSchema,
  /** The gates run on the person's text. */
  gates: z.array(GateRunSchema),
  /** sha256 of the proposal that was edited (the model's, or an earlier revision's). */
  baseSha256: Sha256.nullable(),
  /** Unified diff from that proposal to the person's text: what the person changed. */
  edit: z.string(),
});
export type Revision = z.infer<typeof RevisionSchema>;

export const DecisionRecordSchema = z.object({
  kind: z.literal('decision'),
  schemaVersion: SchemaVersion,
  seq: z.number().int().min(1),
  runId: z.string().min(1),
  createdAt: IsoTime,
  decision: DecisionSchema,
  patchIds: z.array(z.string()),
  /** Per-hunk decisions name the hunks; absent means the whole patch. */
  hunkIds: z.array(z.string()).optional(),
  /** Who decided: 'cli:<user>', 'vscode:<user>', 'auto-apply'. */
  actor: z.string(),
  /** Why, in words: for stale, what changed. Version 1 applies kept `<file> sha256 <hex>` here. */
  detail: z.string().optional(),
  /** For apply and rollback: what each file holds after it (version 2). */
  writes: z.array(WriteSchema).optional(),
  /** The journal transaction that wrote the files, so recovery knows it was committed. */
  txId: z.string().optional(),
  /** For revise: the person's version of the patch. */
  revision: RevisionSchema.optional(),
  prevHash: Sha256.nullable(),
  hash: Sha256,
  mac: Mac,
});
export type DecisionRecord = z.infer<typeof DecisionRecordSchema>;

/** Left where retention pruned records: the chain goes on through it, so a gap is visible and signed. */
export const PruneMarkerSchema = z.object({
  kind: z.literal('prune'),
  schemaVersion: SchemaVersion,
  seq: z.number().int().min(1),
  createdAt: IsoTime,
  /** The range of seqs removed and the hash of the last removed record. */
  fromSeq: z.number().int().min(1),
  toSeq: z.number().int().min(1),
  lastPrunedHash: Sha256,
  prevHash: Sha256.nullable(),
  hash: Sha256,
  mac: Mac,
});
export type PruneMarker = z.infer<typeof PruneMarkerSchema>;

/**
 * The user vouching, with their key, for the unsigned (version 1) records up to `throughSeq`, whose
 * record hashes `throughHash`: a store their own earlier release wrote. The chain's links make
 * that one signature cover every record before it.
 */
export const AdoptRecordSchema = z.object({
  kind: z.literal('adopt'),
  schemaVersion: z.literal(2),
  seq: z.number().int().min(1),
  createdAt: IsoTime,
  actor: z.string(),
  throughSeq: z.number().int().min(1),
  throughHash: Sha256,
  prevHash: Sha256.nullable(),
  hash: Sha256,
  mac: Mac,
});
export type AdoptRecord = z.infer<typeof AdoptRecordSchema>;

export const StoreRecordSchema = z.discriminatedUnion('kind', [
  RunRecordSchema,
  DecisionRecordSchema,
  PruneMarkerSchema,
  AdoptRecordSchema,
]);
export type StoreRecord = z.infer<typeof StoreRecordSchema>;

/** What callers hand to the store: it fills in seq, prevHash, hash, mac and the schema version. */
type Filled = 'seq' | 'prevHash' | 'hash' | 'mac' | 'schemaVersion';
export type NewRunRecord = Omit<RunRecord, Filled> & { schemaVersion?: 1 | 2 };
export type NewDecisionRecord = Omit<DecisionRecord, Filled> & { schemaVersion?: 1 | 2 };
