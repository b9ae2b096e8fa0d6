import { strict as assert } from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyRun, rejectRun, rollbackRun, workspaceWriter } from '../../../src/core/review';
import { runRefactor } from '../../../src/core/loop/runRefactor';
import { ReplayProvider, type Transcript } from '../../../src/core/models/replay';
import { readSettings } from '../../../src/core/settings';
import { copyFixture, snapshotFiles } from '../../support/tempWorkspace';
import { recordFileName } from '../../../src/core/provenance/records';
import { demoProposal, demoTwoPatchRun } from '../../support/demoRun';

const DEMO = join(__dirname, '..', '..', 'fixtures', 'demo');

const proposed = (prepare?: (dir: string) => void) => demoProposal(prepare ? { prepare } : {});

describe('apply, reject and rollback', function () {
  this.timeout(60000);

  it('applies the proposal, then rolls back to the exact original bytes (CRLF and BOM kept)', async () => {
    let original = Buffer.alloc(0);
    const { ws, store, run, target, ctx } = await proposed((dir) => {
      const file = join(dir, 'src', 'userService.ts');
      original = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(readFileSync(file, 'utf8').replace(/\n/g, '\r\n'))]);
      writeFileSync(file, original);
    });
    try {
      const applied = await applyRun(ctx, { runId: run.runId });
      assert.deepEqual(
        applied.map((o) => o.outcome),
        ['applied'],
      );
      assert.deepEqual(readFileSync(target), Buffer.from(await store.blobs.get(run.patches[0]!.afterSha256!)));
      assert.equal((await store.getRun(run.runId)).patches[0]!.status, 'applied');
      const rolled = await rollbackRun(ctx, run.runId);
      assert.deepEqual(
        rolled.map((o) => o.outcome),
        ['rolled_back'],
      );
      assert.deepEqual(readFileSync(target), original);
      assert.equal((await store.getRun(run.runId)).patches[0]!.status, 'rolled_back');
      assert.equal((await store.verify()).ok, true);
    } finally {
      ws.cleanup();
    }
  });

  it('refuses to apply over a file that changed since the proposal and marks the patch stale', async () => {
    const { ws, store, run, target, ctx } = await proposed();
    try {
      writeFileSync(target, readFileSync(target, 'utf8') + '\n// edited by the user\n');
      const edited = readFileSync(target);
      const outcomes = await applyRun(ctx, { runId: run.runId });
      assert.deepEqual(
        outcomes.map((o) => o.outcome),
        ['stale'],
      );
      assert.deepEqual(readFileSync(target), edited, 'the user file is untouched');
      assert.equal((await store.getRun(run.runId)).patches[0]!.status, 'stale');
    } finally {
      ws.cleanup();
    }
  });

  it('refuses to roll back a file the user changed after the apply, keeping their work', async () => {
    const { ws, run, target, ctx } = await proposed();
    try {
      await applyRun(ctx, { runId: run.runId });
      writeFileSync(target, readFileSync(target, 'utf8') + '\n// later work\n');
      const later = readFileSync(target);
      const outcomes = await rollbackRun(ctx, run.runId);
      assert.deepEqual(
        outcomes.map((o) => o.outcome),
        ['refused'],
      );
      assert.deepEqual(readFileSync(target), later);
    } finally {
      ws.cleanup();
    }
  });

  it('treats a target deleted since the proposal as stale and does not recreate it', async () => {
    const { ws, run, target, ctx } = await proposed();
    try {
      rmSync(target);
      const outcomes = await applyRun(ctx, { runId: run.runId });
      assert.deepEqual(
        outcomes.map((o) => o.outcome),
        ['stale'],
      );
      assert.throws(() => readFileSync(target));
    } finally {
      ws.cleanup();
    }
  });

  it('rejects without writing, and a rejected patch cannot be applied', async () => {
    const { ws, store, run, target, ctx } = await proposed();
    try {
      const before = readFileSync(target);
      assert.deepEqual(
        (await rejectRun(ctx, { runId: run.runId, patchIds: ['p1'] })).map((o) => o.outcome),
        ['rejected'],
      );
      assert.deepEqual(
        (await applyRun(ctx, { runId: run.runId, patchIds: ['p1'] })).map((o) => o.outcome),
        ['skipped'],
      );
      assert.deepEqual(readFileSync(target), before);
      await assert.rejects(applyRun(ctx, { runId: run.runId, patchIds: ['p9'] }), /no patch p9/);
      assert.equal((await store.getRun(run.runId)).patches[0]!.status, 'rejected');
    } finally {
      ws.cleanup();
    }
  });

  it('puts the files back when the store refuses to record the apply (damaged last record), so disk and store agree', async () => {
    const { ws, store, run, target, ctx } = await proposed();
    try {
      const before = readFileSync(target);
      // Another record after the run, then damaged: the store refuses any append onto it.
      const second = await runRefactor({
        instruction: 'Add caching to the user service',
        targets: [{ path: 'src/userService.ts' }],
        settings: readSettings({ provider: 'replay' }),
        preset: 'balanced',
        provider: new ReplayProvider(JSON.parse(readFileSync(join(DEMO, 'transcript.json'), 'utf8')) as Transcript),
        files: ctx.files,
        store,
        trusted: true,
      });
      assert.equal(second.status, 'proposed');
      writeFileSync(join(ws.dir, '.refactor-guard', 'records', recordFileName(2)), '{ damaged');
      await assert.rejects(applyRun(ctx, { runId: run.runId }), /damaged|put back/);
      assert.deepEqual(readFileSync(target), before, 'nothing stays written that the store does not record');
      assert.equal((await store.getRun(run.runId)).patches[0]!.status, 'pending');
    } finally {
      ws.cleanup();
    }
  });

  it('after an apply that died between writing and recording, apply again records it instead of calling the file stale', async () => {
    const { ws, store, run, target, ctx } = await proposed();
    try {
      const original = readFileSync(target);
      // What a process killed after its write and before its decision leaves behind.
      writeFileSync(target, await store.blobs.get(run.patches[0]!.afterSha256!));
      assert.deepEqual(
        (await applyRun(ctx, { runId: run.runId })).map((o) => o.outcome),
        ['applied'],
      );
      assert.equal((await store.getRun(run.runId)).patches[0]!.status, 'applied');
      assert.deepEqual(
        (await rollbackRun(ctx, run.runId)).map((o) => o.outcome),
        ['rolled_back'],
      );
      assert.deepEqual(readFileSync(target), original);
    } finally {
      ws.cleanup();
    }
  });

  it("applies a run's patches together or not at all: one stale file keeps every other file of the apply as it was", async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      const { store, files, run } = await demoTwoPatchRun(ws.dir);
      assert.equal(run.status, 'proposed');
      assert.equal(run.patches.length, 2);
      const app = join(ws.dir, 'src', 'app.ts');
      writeFileSync(
        join(ws.dir, 'src', 'userService.ts'),
        readFileSync(join(ws.dir, 'src', 'userService.ts'), 'utf8') + "// the user's edit\n",
      );
      const appBefore = readFileSync(app);
      const outcomes = await applyRun({ store, writer: workspaceWriter(files), actor: 'test' }, { runId: run.runId });
      assert.deepEqual(outcomes.map((o) => [o.file, o.outcome]).sort(), [
        ['src/app.ts', 'skipped'],
        ['src/userService.ts', 'stale'],
      ]);
      assert.deepEqual(readFileSync(app), appBefore, 'half a refactor never lands');
      const view = await store.getRun(run.runId);
      assert.deepEqual(
        view.patches.map((p) => p.status),
        ['pending', 'stale'],
      );
      // Asked for alone, the fresh patch still applies.
      assert.deepEqual(
        (await applyRun({ store, writer: workspaceWriter(files), actor: 'test' }, { runId: run.runId, patchIds: ['p1'] })).map(
          (o) => o.outcome,
        ),
        ['applied'],
      );
    } finally {
      ws.cleanup();
    }
  });

  it('after a rollback that died between restoring and recording, rollback again records it instead of refusing', async () => {
    const { ws, store, run, target, ctx } = await proposed();
    try {
      const original = readFileSync(target);
      await applyRun(ctx, { runId: run.runId });
      writeFileSync(target, original); // restored, but the process died before its record
      assert.deepEqual(
        (await rollbackRun(ctx, run.runId)).map((o) => o.outcome),
        ['rolled_back'],
      );
      assert.equal((await store.getRun(run.runId)).patches[0]!.status, 'rolled_back');
      assert.deepEqual(readFileSync(target), original);
    } finally {
      ws.cleanup();
    }
  });

  it('rollback reads every original before it writes any: a missing blob leaves all files as they are', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      const { store, files, run } = await demoTwoPatchRun(ws.dir);
      const ctx = { store, writer: workspaceWriter(files), actor: 'test' };
      assert.deepEqual(
        (await applyRun(ctx, { runId: run.runId })).map((o) => o.outcome),
        ['applied', 'applied'],
      );
      const applied = snapshotFiles(ws.dir);
      rmSync(store.blobs.pathOf(run.patches[1]!.beforeSha256!));
      await assert.rejects(rollbackRun(ctx, run.runId), /missing/);
      assert.deepEqual(snapshotFiles(ws.dir), applied, 'no half rollback');
    } finally {
      ws.cleanup();
    }
  });
});
