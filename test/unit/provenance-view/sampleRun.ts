import { createHash } from 'node:crypto';
import type { Finding } from '../../../src/core/findings';
import type { NewDecisionRecord, NewRunRecord } from '../../../src/core/provenance/schema';

/**
 * A realistic run for the Provenance view's tests: a first candidate that fails two gates,
 * one repair that passes, two patches, a plan call. Shaped exactly as the loop records it
 * (RunRecordSchema), so the same builder feeds the unit tests and, through the real store,
 * the integration test.
 */

/** The bytes the sample's patches name by hash: a store that holds the run holds these too (verify reads them). */
export const SAMPLE_BLOBS = ['export const user = 1;\n', 'export const user = 2;\n', 'export const cache = new Map();\n'].map((t) =>
  new TextEncoder().encode(t),
);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
export const SHA_A = sha(SAMPLE_BLOBS[0]!);
export const SHA_B = sha(SAMPLE_BLOBS[1]!);
export const SHA_C = sha(SAMPLE_BLOBS[2]!);

export function finding(partial: Partial<Finding> & Pick<Finding, 'category' | 'file' | 'line'>): Finding {
  return { tool: 'typescript', code: 'TS2322', severity: 'error', column: 1, message: 'Type mismatch.', introduced: true, ...partial };
}

export interface SampleOptions {
  runId?: string;
  createdAt?: string;
  instruction?: string;
  /** Extra findings reported by attempt 1's type gate (to make a large run). */
  extraFindings?: number;
  withPhases?: boolean;
}

export function sampleRun(options: SampleOptions = {}): NewRunRecord {
  const runId = options.runId ?? 'run-20261121-0001';
  const createdAt = options.createdAt ?? '2026-11-21T10:00:00.000Z';
  const start = Date.parse(createdAt);
  const iso = (ms: number) => new Date(start + ms).toISOString();
  const extra = Array.from({ length: options.extraFindings ?? 0 }, (_, i) =>
    finding({
      category: i % 2 ? 'undefined_name' : 'rule',
      file: 'src/user.ts',
      line: 10 + i,
      tool: i % 2 ? 'typescript' : 'rule:complexity',
      code: `X${i}`,
      severity: 'warning',
      introduced: false,
      message: `Extra finding ${i}`,
    }),
  );
  return {
    kind: 'run',
    schemaVersion: 1,
    runId,
    createdAt,
    instruction: options.instruction ?? 'Add caching to the user service',
    targets: [{ path: 'src/user.ts', function: 'getUser' }, { path: 'src/cache.ts' }],
    preset: 'balanced',
    settings: { maxRisk: 0.3 },
    // As a replay records itself: the transcript's model, never the preset's Claude model.
    provider: { id: 'replay', label: 'Replay of transcript.json (recorded, no model called)', model: 'recorded-demo' },
    status: 'proposed',
    plan: undefined,
    context: { tokens: 3200, pieces: [{ path: 'src/user.ts', kind: 'file', tokens: 2000, reason: 'target' }] },
    modelCalls: [
      {
        phase: 'generate',
        attempt: 1,
        provider: 'replay',
        model: 'recorded-demo',
        inputTokens: 4200,
        outputTokens: 900,
        cacheReadTokens: 3000,
        cacheWriteTokens: 0,
        durationMs: 2400,
        stopReason: 'tool_use',
        retries: 0,
      },
      {
        phase: 'repair',
        attempt: 2,
        provider: 'replay',
        model: 'recorded-demo',
        inputTokens: 5100,
        outputTokens: 300,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        durationMs: 1200,
        stopReason: 'tool_use',
        retries: 1,
      },
    ],
    attempts: [
      {
        index: 1,
        phase: 'generate',
        errorsIn: 0,
        errorsOut: 2,
        success: false,
        tokens: 5100,
        edits: [
          { tool: 'patch_file', path: 'src/user.ts', ok: true, matchKind: 'exact' },
          { tool: 'write_file', path: 'src/cache.ts', ok: true },
        ],
        gates: [
          {
            gate: 'syntax',
            durationMs: 12,
            findings: [
              finding({
                tool: 'tree-sitter',
                code: 'ERROR',
                category: 'syntax',
                file: 'src/cache.ts',
                line: 7,
                column: 3,
                message: "';' expected",
              }),
            ],
          },
          {
            gate: 'typescript',
            durationMs: 640,
            findings: [
              finding({
                category: 'type_mismatch',
                file: 'src/user.ts',
                line: 12,
                column: 5,
                message: "Type 'string' is not assignable to type 'number'.",
              }),
              ...extra,
            ],
          },
          { gate: 'tests', durationMs: 0, skipped: 'no test command', findings: [] },
        ],
      },
      {
        index: 2,
        phase: 'repair',
        errorsIn: 2,
        errorsOut: 0,
        success: true,
        tokens: 5400,
        edits: [{ tool: 'patch_file', path: 'src/cache.ts', ok: true, matchKind: 'indentation' }],
        gates: [
          { gate: 'syntax', durationMs: 10, findings: [] },
          {
            gate: 'typescript',
            durationMs: 120,
            findings: [
              finding({
                category: 'other',
                severity: 'warning',
                file: 'src/user.ts',
                line: 3,
                message: 'Unused import.',
                introduced: false,
              }),
            ],
          },
        ],
      },
    ],
    patches: [
      {
        id: 'p1',
        file: 'src/user.ts',
        language: 'typescript',
        beforeSha256: SHA_A,
        afterSha256: SHA_B,
        linesAdded: 6,
        linesRemoved: 2,
        matchKinds: ['exact'],
        valid: true,
        risk: {
          score: 0.22,
          level: 'low',
          factors: [
            { id: 'share_changed', label: 'Share changed', value: 0.1, contribution: 0.05, detail: '8 of 80 lines changed (10%)' },
            { id: 'public_symbols', label: 'Public symbols', value: 1, contribution: 0.17, detail: 'getUser is exported' },
          ],
        },
        diff: '--- a/src/user.ts\n+++ b/src/user.ts\n',
        hunks: [{ id: 'h1', oldStart: 10, oldLines: 2, newStart: 10, newLines: 6, lines: ['-a', '-b', '+c'], added: 6, removed: 2 }],
        findings: [],
      },
      {
        id: 'p2',
        file: 'src/cache.ts',
        beforeSha256: null,
        afterSha256: SHA_C,
        linesAdded: 20,
        linesRemoved: 0,
        matchKinds: ['indentation', 'whole_file'],
        valid: true,
        risk: {
          score: 0.41,
          level: 'medium',
          factors: [{ id: 'whole_file_rewrite', label: 'New file', value: 1, contribution: 0.41, detail: 'a new file of 20 lines' }],
        },
        diff: '--- /dev/null\n+++ b/src/cache.ts\n',
        hunks: [{ id: 'h2', oldStart: 0, oldLines: 0, newStart: 1, newLines: 20, lines: ['+x'], added: 20, removed: 0 }],
        findings: [],
      },
    ],
    timings: {
      startedAt: createdAt,
      endedAt: iso(5000),
      durationMs: 5000,
      phases:
        options.withPhases === false
          ? []
          : [
              // Named as src/core/loop/runRefactor.ts names them.
              { name: 'context', startMs: 0, durationMs: 300 },
              { name: 'generate 1', startMs: 300, durationMs: 2400 },
              { name: 'gates 1', startMs: 2700, durationMs: 652 },
              { name: 'repair 2', startMs: 3352, durationMs: 1200 },
              { name: 'gates 2', startMs: 4552, durationMs: 130 },
              { name: 'risk', startMs: 4682, durationMs: 18 },
            ],
    },
  };
}

export function sampleDecisions(runId = 'run-20261121-0001', createdAt = '2026-11-21T10:00:00.000Z'): NewDecisionRecord[] {
  const start = Date.parse(createdAt);
  const iso = (ms: number) => new Date(start + ms).toISOString();
  return [
    { kind: 'decision', schemaVersion: 1, runId, createdAt: iso(65_000), decision: 'approve', patchIds: ['p1'], actor: 'vscode:ana' },
    {
      kind: 'decision',
      schemaVersion: 1,
      runId,
      createdAt: iso(70_000),
      decision: 'apply',
      patchIds: ['p1'],
      actor: 'vscode:ana',
      detail: SHA_B,
    },
    { kind: 'decision', schemaVersion: 1, runId, createdAt: iso(80_000), decision: 'reject', patchIds: ['p2'], actor: 'vscode:ana' },
  ];
}

/** Seq and hashes as the store would fill them, for tests that build view models without a store. */
export function sealed<T extends object>(records: T[], firstSeq = 1): (T & { seq: number; prevHash: string | null; hash: string })[] {
  return records.map((r, i) => ({ ...r, seq: firstSeq + i, prevHash: i === 0 ? null : 'd'.repeat(64), hash: 'e'.repeat(64) }));
}
