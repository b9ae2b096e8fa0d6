import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeWorkspaceFiles } from '../../../src/core/host/nodeWorkspaceFiles';
import { NodeProcessRunner } from '../../../src/core/host/nodeProcessRunner';
import { runRefactor } from '../../../src/core/loop/runRefactor';
import { ReplayProvider, type Transcript } from '../../../src/core/models/replay';
import { silentLogger } from '../../../src/core/ports';
import { verifyChain } from '../../../src/core/provenance/verify';
import { prune } from '../../../src/core/provenance/retention';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { applyRun, rollbackRun, workspaceWriter, ReviewError } from '../../../src/core/review';
import { pipelineChecks, reviseProposal } from '../../../src/core/review/revise';
import { readSettings } from '../../../src/core/settings';
import { demoProposal, demoTwoPatchRun } from '../../support/demoRun';
import { copyFixture, snapshotFiles } from '../../support/tempWorkspace';
import { TEST_KEY } from '../../support/testKey';

/**
 * Edit before approve: the person's version of a proposal is checked by the same gates, scored,
 * and recorded as theirs beside the model's; approving applies exactly their bytes, and rollback
 * restores the exact original.
 */

const WORKSPACES = join(__dirname, '..', '..', 'fixtures', 'workspaces');
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

async function proposed() {
  const demo = await demoProposal({ actor: 'vscode:ada' });
  const { store, files, settings, run } = demo;
  const checks = pipelineChecks({ settings, files, trusted: true, logger: silentLogger, instruction: run.instruction });
  const proposal = Buffer.from((await store.blobs.get(run.patches[0]!.afterSha256!))!).toString('utf8');
  return { ...demo, checks, proposal };
}

describe('review: edit a proposal before approving it', function () {
  this.timeout(60_000);
  let env: Awaited<ReturnType<typeof proposed>>;
  beforeEach(async () => (env = await proposed()));
  afterEach(() => env.ws.cleanup());

  it('records the edit as the person’s own, checked and scored; apply writes it; rollback restores the original', async () => {
    const { store, run, ctx, checks, proposal, target } = env;
    const original = readFileSync(target);
    const edited = proposal
      .replace('private readonly cache = new Map', 'private readonly userCache = new Map')
      .replaceAll('this.cache.', 'this.userCache.');
    assert.notEqual(edited, proposal);
    const out = await reviseProposal(ctx, { runId: run.runId, patchId: 'p1', bytes: Buffer.from(edited) }, checks);
    assert.equal(out.outcome, 'revised');
    assert.match(
      out.message,
      /^src\/userService\.ts: your edit is recorded, \+\d+ -\d+ against the proposal; passed the gates; risk 0\.\d\d \w+\.$/,
    );

    const view = await store.getRun(run.runId);
    // Readers see the person's version; the record keeps the model's.
    assert.equal(view.run.patches[0]!.afterSha256, sha(edited));
    assert.equal(view.record.patches[0]!.afterSha256, run.patches[0]!.afterSha256);
    assert.equal(view.run.patches[0]!.beforeSha256, run.patches[0]!.beforeSha256);
    assert.equal(view.patches[0]!.status, 'pending');
    assert.equal(view.patches[0]!.revisions, 1);
    const decision = view.decisions.at(-1)!;
    assert.equal(decision.decision, 'revise');
    assert.equal(decision.actor, 'vscode:ada');
    assert.match(decision.detail!, /^edited by vscode:ada: /);
    assert.equal(decision.revision!.baseSha256, run.patches[0]!.afterSha256);
    assert.match(decision.revision!.edit, /^-\s+private readonly cache = new Map/m);
    assert.match(decision.revision!.edit, /^\+\s+private readonly userCache = new Map/m);
    assert.ok(decision.revision!.gates.some((g) => g.gate === 'typescript' && !g.skipped));
    assert.ok(verifyChain(await store.chain.snapshot()).ok);
    // Pruning unreferenced blobs keeps the revision's bytes (a decision names them) and the model's.
    await prune(store, { keepRuns: 10, minBlobAgeMs: 0 });
    assert.ok(await store.blobs.has(sha(edited)));
    assert.ok(await store.blobs.has(run.patches[0]!.afterSha256!));
    assert.equal((await store.verify()).ok, true);

    const applied = await applyRun(ctx, { runId: run.runId });
    assert.deepEqual(
      applied.map((o) => o.outcome),
      ['applied'],
    );
    assert.equal(readFileSync(target, 'utf8'), edited);
    await rollbackRun(ctx, run.runId);
    assert.deepEqual(readFileSync(target), original);
  });

  it('records an edit that breaks the gates, which cannot be applied until edited again', async () => {
    const { store, run, ctx, checks, proposal, target } = env;
    const before = snapshotFiles(env.ws.dir);
    const broken = proposal.replace('return user;', 'return user');
    const typo = proposal.replace('this.cache.set(id, user);', 'this.cache.set(id, usr);');
    const out = await reviseProposal(ctx, { runId: run.runId, patchId: 'p1', bytes: Buffer.from(typo) }, checks);
    assert.equal(out.patch.valid, false);
    assert.match(out.message, /1 blocking finding, so it cannot be applied until edited again/);
    assert.ok(out.patch.findings.some((f) => f.category === 'undefined_name' && f.introduced));
    const refused = await applyRun(ctx, { runId: run.runId, patchIds: ['p1'] });
    assert.deepEqual(
      refused.map((o) => [o.outcome, o.message]),
      [['refused', 'src/userService.ts: the candidate did not pass the gates; it cannot be applied.']],
    );
    assert.deepEqual(snapshotFiles(env.ws.dir), before, 'nothing was written');

    // Edited again, from the revision now current: it passes and applies.
    await reviseProposal(ctx, { runId: run.runId, patchId: 'p1', bytes: Buffer.from(broken) }, checks);
    assert.equal((await store.getRun(run.runId)).run.patches[0]!.valid, true, 'a missing semicolon is still valid TypeScript');
    await applyRun(ctx, { runId: run.runId });
    assert.equal(readFileSync(target, 'utf8'), broken);
    assert.equal((await store.getRun(run.runId)).patches[0]!.revisions, 2);
  });

  it('counts what the edit breaks anywhere: a test it makes fail blocks it, with the run’s own test command', async () => {
    const ws = copyFixture(join(WORKSPACES, 'coverage-js'));
    try {
      const store = await ProvenanceStore.open(join(ws.dir, '.refactor-guard'), { key: TEST_KEY });
      const files = new NodeWorkspaceFiles(ws.dir);
      const settings = readSettings({ provider: 'replay', testCommand: 'node --test' });
      const run = await runRefactor({
        instruction: 'Reorder the product',
        targets: [{ path: 'src/pricing.js' }],
        settings,
        preset: 'fast',
        provider: new ReplayProvider({
          replies: [
            {
              toolCalls: [
                {
                  name: 'patch_file',
                  input: { path: 'src/pricing.js', old_string: 'item.price * item.quantity', new_string: 'item.quantity * item.price' },
                },
              ],
            },
          ],
        } as Transcript),
        files,
        store,
        processes: new NodeProcessRunner(),
        trusted: true,
      });
      assert.equal(run.status, 'proposed');
      const proposal = Buffer.from((await store.blobs.get(run.patches[0]!.afterSha256!))!).toString('utf8');
      // The editor's settings have no test command: the run's is used.
      const checks = pipelineChecks({
        settings: readSettings({}),
        runSettings: run.settings,
        files,
        processes: new NodeProcessRunner(),
        trusted: true,
        logger: silentLogger,
        instruction: run.instruction,
      });
      const ctx = { store, writer: workspaceWriter(files), actor: 'vscode:ada' };
      const out = await reviseProposal(
        ctx,
        { runId: run.runId, patchId: 'p1', bytes: Buffer.from(proposal.replace('return sum;', 'return sum + 1;')) },
        checks,
      );
      assert.equal(out.patch.valid, false);
      assert.match(out.message, /1 blocking finding, so it cannot be applied until edited again/);
      const revision = (await store.getRun(run.runId)).decisions.at(-1)!.revision!;
      assert.ok(revision.gates.find((g) => g.gate === 'tests')!.findings.some((f) => f.file === 'test/pricing.test.js' && f.introduced));
      assert.deepEqual(
        (await applyRun(ctx, { runId: run.runId, patchIds: ['p1'] })).map((o) => o.outcome),
        ['refused'],
      );
    } finally {
      ws.cleanup();
    }
  });

  it('refuses to apply a whole run one of whose patches an edit left failing, and applies the others named', async () => {
    const { ws, store, ctx, checks } = env;
    const { run: two } = await demoTwoPatchRun(ws.dir, store);
    assert.equal(two.status, 'proposed');
    const app = two.patches.find((p) => p.file === 'src/app.ts')!;
    const text = Buffer.from((await store.blobs.get(app.afterSha256!))!).toString('utf8');
    const out = await reviseProposal(
      ctx,
      { runId: two.runId, patchId: app.id, bytes: Buffer.from(text.replace('Hi, ', 'Hi, ${')) },
      checks,
    );
    assert.equal(out.patch.valid, false);
    const before = snapshotFiles(ws.dir);
    await assert.rejects(
      applyRun(ctx, { runId: two.runId }),
      /src\/app\.ts \(p\d\) no longer passes the gates since it was edited, .* Nothing was written\.$/,
    );
    assert.deepEqual(snapshotFiles(ws.dir), before);
    const other = two.patches.find((p) => p.file === 'src/userService.ts')!;
    assert.deepEqual(
      (await applyRun(ctx, { runId: two.runId, patchIds: [other.id] })).map((o) => o.outcome),
      ['applied'],
    );
  });

  it('refuses an edit of a proposal that changed since it was opened', async () => {
    const { store, run, ctx, checks, proposal } = env;
    const first = Buffer.from(proposal.replace('return user;', 'return user ?? undefined;'));
    const opened = run.patches[0]!.afterSha256;
    await reviseProposal(ctx, { runId: run.runId, patchId: 'p1', bytes: first, baseSha256: opened }, checks);
    await assert.rejects(
      reviseProposal(ctx, { runId: run.runId, patchId: 'p1', bytes: Buffer.from(proposal), baseSha256: opened }, checks),
      /the proposal changed since you opened it/,
    );
    assert.equal((await store.getRun(run.runId)).patches[0]!.revisions, 1);
  });

  it('refuses, recording nothing, an edit of a decided proposal, of a file changed since, or of bytes that are not text', async () => {
    const { store, run, ctx, checks, proposal, target } = env;
    const count = async () => (await store.getRun(run.runId)).decisions.length;
    const bytes = Buffer.from(proposal.replace('return user;', 'return user ?? undefined;'));

    await assert.rejects(
      reviseProposal(ctx, { runId: run.runId, patchId: 'p1', bytes: Buffer.from([0xff, 0xfe, 0x00, 0xd8]) }, checks),
      (err: Error) =>
        err instanceof ReviewError && /^Cannot edit src\/userService\.ts \(p1\): the edited text is not UTF-8/.test(err.message),
    );
    const saved = readFileSync(target);
    writeFileSync(target, saved.toString('utf8') + '\n// typed meanwhile\n');
    await assert.rejects(
      reviseProposal(ctx, { runId: run.runId, patchId: 'p1', bytes }, checks),
      /the file changed since the proposal was made; nothing was recorded\.$/,
    );
    writeFileSync(target, saved);
    assert.equal(await count(), 0);
    assert.equal(
      (await reviseProposal(ctx, { runId: run.runId, patchId: 'p1', bytes: Buffer.from(proposal) }, checks)).outcome,
      'unchanged',
    );
    assert.equal(await count(), 0);

    await applyRun(ctx, { runId: run.runId });
    await assert.rejects(
      reviseProposal(ctx, { runId: run.runId, patchId: 'p1', bytes }, checks),
      /the proposal is applied; nothing was recorded\.$/,
    );
    assert.equal(await count(), 1);
  });
});
