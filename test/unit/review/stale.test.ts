import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeWorkspaceFiles } from '../../../src/core/host/nodeWorkspaceFiles';
import { applyRun, recordStaleIfChanged, rejectRun, workspaceWriter } from '../../../src/core/review';
import { runRefactor } from '../../../src/core/loop/runRefactor';
import { ReplayProvider, type Transcript } from '../../../src/core/models/replay';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { readSettings } from '../../../src/core/settings';
import { copyFixture } from '../../support/tempWorkspace';
import { TEST_KEY } from '../../support/testKey';

const DEMO = join(__dirname, '..', '..', 'fixtures', 'demo');

/** The demo run, or with `twoHunks` a patch with two hunks far apart in the same file. */
async function proposed(twoHunks = false) {
  const ws = copyFixture(join(DEMO, 'workspace'));
  const store = await ProvenanceStore.open(join(ws.dir, '.refactor-guard'), { key: TEST_KEY });
  const files = new NodeWorkspaceFiles(ws.dir);
  const target = join(ws.dir, 'src', 'userService.ts');
  const text = readFileSync(target, 'utf8');
  const provider = twoHunks
    ? new ReplayProvider({
        replies: [
          {
            phase: 'generate',
            toolCalls: [{ name: 'write_file', input: { path: 'src/userService.ts', content: `// top\n${text.trimEnd()}\n// bottom\n` } }],
          },
        ],
      } as Transcript)
    : new ReplayProvider(JSON.parse(readFileSync(join(DEMO, 'transcript.json'), 'utf8')) as Transcript);
  const run = await runRefactor({
    instruction: twoHunks ? 'Add comments at the top and the bottom' : 'Add caching to the user service',
    targets: [{ path: 'src/userService.ts' }],
    settings: readSettings({ provider: 'replay' }),
    preset: 'balanced',
    provider,
    files,
    store,
    trusted: true,
  });
  assert.equal(run.status, 'proposed');
  return { ws, store, run, target, ctx: { store, files, writer: workspaceWriter(files), actor: 'test' } };
}

describe('recordStaleIfChanged (the stale check of apply, without the write)', () => {
  it('records nothing while the file holds what the proposal was made from', async () => {
    const { ws, store, run, ctx } = await proposed();
    try {
      const outcomes = await recordStaleIfChanged(ctx, { runId: run.runId, patchIds: [run.patches[0]!.id] });
      assert.deepEqual(
        outcomes.map((o) => o.outcome),
        ['skipped'],
      );
      const view = await store.getRun(run.runId);
      assert.deepEqual(view.decisions, []);
      assert.equal(view.patches[0]!.status, 'pending');
    } finally {
      ws.cleanup();
    }
  });

  it('marks a patch stale when its file changed, with the reason apply gives, and writes nothing', async () => {
    const { ws, store, run, target, ctx } = await proposed();
    try {
      writeFileSync(target, readFileSync(target, 'utf8') + '// typed by the user\n');
      const edited = readFileSync(target);
      const outcomes = await recordStaleIfChanged(ctx, { runId: run.runId, patchIds: [run.patches[0]!.id] });
      assert.deepEqual(
        outcomes.map((o) => o.outcome),
        ['stale'],
      );
      assert.deepEqual(readFileSync(target), edited);
      const view = await store.getRun(run.runId);
      assert.equal(view.patches[0]!.status, 'stale');
      assert.match(view.decisions[0]!.detail ?? '', /src\/userService\.ts changed since the proposal \(now sha256 [0-9a-f]{12}/);
      // A second check finds nothing undecided and records nothing more.
      await recordStaleIfChanged(ctx, { runId: run.runId, patchIds: [run.patches[0]!.id] });
      assert.equal((await store.getRun(run.runId)).decisions.length, 1);
    } finally {
      ws.cleanup();
    }
  });

  it('after one hunk is applied, the file holding that hunk is unchanged, and the next change is stale', async () => {
    const { ws, store, run, target, ctx } = await proposed(true);
    try {
      const patch = run.patches[0]!;
      assert.equal(patch.hunks.length, 2);
      await applyRun(ctx, { runId: run.runId, hunkIds: [patch.hunks[0]!.id], approve: true });
      const unchanged = await recordStaleIfChanged(ctx, { runId: run.runId, patchIds: [patch.id] });
      assert.deepEqual(
        unchanged.map((o) => o.outcome),
        ['skipped'],
      );
      writeFileSync(target, readFileSync(target, 'utf8').replace('// top', '// top, edited'));
      const changed = await recordStaleIfChanged(ctx, { runId: run.runId, patchIds: [patch.id] });
      assert.deepEqual(
        changed.map((o) => o.outcome),
        ['stale'],
      );
      const view = await store.getRun(run.runId);
      assert.equal(view.patches[0]!.status, 'stale');
      assert.deepEqual(view.patches[0]!.appliedHunkIds, [patch.hunks[0]!.id]);
    } finally {
      ws.cleanup();
    }
  });

  it('leaves decided patches alone', async () => {
    const { ws, store, run, target, ctx } = await proposed();
    try {
      await rejectRun(ctx, { runId: run.runId });
      writeFileSync(target, readFileSync(target, 'utf8') + '// later\n');
      const outcomes = await recordStaleIfChanged(ctx, { runId: run.runId, patchIds: [run.patches[0]!.id] });
      assert.deepEqual(
        outcomes.map((o) => o.outcome),
        ['skipped'],
      );
      assert.equal((await store.getRun(run.runId)).patches[0]!.status, 'rejected');
    } finally {
      ws.cleanup();
    }
  });
});
