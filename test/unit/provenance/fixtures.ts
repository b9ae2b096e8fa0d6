import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../../src/core/findings';
import type { Hunk } from '../../../src/core/edits/hunk';
import { hashRecord } from '../../../src/core/provenance/hash';
import type { ProvenanceStore } from '../../../src/core/provenance/store';
import type {
  Attempt,
  DecisionRecord,
  GateRun,
  ModelCall,
  NewDecisionRecord,
  NewRunRecord,
  Patch,
  RunRecord,
} from '../../../src/core/provenance/schema';

/**
 * Valid provenance records for tests. Every builder takes overrides; the defaults describe a
 * small successful run of one patch with one hunk. Other areas may reuse these to make RunRecords.
 */

let counter = 0;
/** The bytes the default patch replaces and writes; `verify` reads every blob a record names. */
export const FIXTURE_BEFORE = new TextEncoder().encode('const cache = undefined;\n');
export const FIXTURE_AFTER = new TextEncoder().encode('const cache = new Map();\n');
const SHA_A = createHash('sha256').update(FIXTURE_BEFORE).digest('hex');
const SHA_B = createHash('sha256').update(FIXTURE_AFTER).digest('hex');

/** Stores the default patch's two versions, as the engine would have before writing the record. */
export async function putFixtureBlobs(store: ProvenanceStore): Promise<void> {
  await store.blobs.put(FIXTURE_BEFORE);
  await store.blobs.put(FIXTURE_AFTER);
}

/** A run id of the store's shape, unique within the test process, in creation order. */
export function fixtureRunId(): string {
  counter++;
  const seconds = String(counter % 60).padStart(2, '0');
  const minutes = String(Math.floor(counter / 60) % 60).padStart(2, '0');
  return `20261121-10${minutes}${seconds}-${counter.toString(16).padStart(6, '0')}`;
}

export function makeFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    tool: 'typescript',
    code: 'TS2304',
    category: 'undefined_name',
    severity: 'error',
    file: 'src/a.ts',
    line: 3,
    column: 7,
    message: "Cannot find name 'cache'.",
    introduced: true,
    ...overrides,
  };
}

export function makeHunk(id: string, overrides: Partial<Hunk> = {}): Hunk {
  return { id, oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, lines: ['-old', '+new'], added: 1, removed: 1, ...overrides };
}

export function makePatch(overrides: Partial<Patch> = {}): Patch {
  return {
    id: 'p1',
    file: 'src/a.ts',
    language: 'typescript',
    beforeSha256: SHA_A,
    afterSha256: SHA_B,
    linesAdded: 1,
    linesRemoved: 1,
    matchKinds: ['exact'],
    valid: true,
    risk: { score: 0.2, level: 'low', factors: [] },
    diff: '--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1 +1 @@\n-old\n+new\n',
    hunks: [makeHunk('h1')],
    findings: [],
    ...overrides,
  };
}

export function makeGateRun(overrides: Partial<GateRun> = {}): GateRun {
  return { gate: 'syntax', durationMs: 3, findings: [], ...overrides };
}

export function makeAttempt(overrides: Partial<Attempt> = {}): Attempt {
  return {
    index: 1,
    phase: 'generate',
    errorsIn: 0,
    errorsOut: 0,
    success: true,
    tokens: 1500,
    edits: [{ tool: 'patch_file', path: 'src/a.ts', ok: true, matchKind: 'exact' }],
    gates: [makeGateRun()],
    ...overrides,
  };
}

export function makeModelCall(overrides: Partial<ModelCall> = {}): ModelCall {
  return {
    phase: 'generate',
    attempt: 1,
    provider: 'replay',
    model: 'fixture-model',
    inputTokens: 1000,
    outputTokens: 500,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    durationMs: 120,
    stopReason: 'tool_use',
    retries: 0,
    ...overrides,
  };
}

export function makeRun(overrides: Partial<NewRunRecord> = {}): NewRunRecord {
  return {
    kind: 'run',
    schemaVersion: 1,
    runId: fixtureRunId(),
    createdAt: '2026-11-21T10:33:55.000Z',
    instruction: 'Add caching to the user service',
    targets: [{ path: 'src/a.ts' }],
    preset: 'balanced',
    settings: { maxRepairAttempts: 3 },
    provider: { id: 'replay', label: 'Replay', model: 'fixture-model' },
    status: 'proposed',
    modelCalls: [makeModelCall()],
    attempts: [makeAttempt()],
    patches: [makePatch()],
    timings: { startedAt: '2026-11-21T10:33:50.000Z', endedAt: '2026-11-21T10:33:55.000Z', durationMs: 5000, phases: [] },
    ...overrides,
  };
}

export function makeDecision(
  runId: string,
  decision: NewDecisionRecord['decision'],
  patchIds: string[] = ['p1'],
  overrides: Partial<NewDecisionRecord> = {},
): NewDecisionRecord {
  return {
    kind: 'decision',
    schemaVersion: 1,
    runId,
    createdAt: '2026-11-21T10:40:00.000Z',
    decision,
    patchIds,
    actor: 'cli:test',
    ...overrides,
  };
}

/** A chained RunRecord for pure tests that never touch a store. */
export function asRunRecord(run: NewRunRecord, seq = 1, prevHash: string | null = null): RunRecord {
  const record = { ...run, seq, prevHash, hash: '' } as RunRecord;
  record.hash = hashRecord(record);
  return record;
}

/** Chained DecisionRecords after `run`, in the order given, for pure tests. */
export function asDecisionRecords(run: RunRecord, decisions: NewDecisionRecord[]): DecisionRecord[] {
  let prev = run.hash;
  return decisions.map((d, i) => {
    const record = { ...d, seq: run.seq + 1 + i, prevHash: prev, hash: '' } as DecisionRecord;
    record.hash = hashRecord(record);
    prev = record.hash;
    return record;
  });
}

/** A real temporary folder, removed by the returned function. */
export function tempDir(prefix = 'rg-prov-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
