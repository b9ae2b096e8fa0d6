import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeWorkspaceFiles } from '../../../src/core/host/nodeWorkspaceFiles';
import { runRefactor } from '../../../src/core/loop/runRefactor';
import { ReplayProvider, type Transcript } from '../../../src/core/models/replay';
import { silentLogger } from '../../../src/core/ports';
import { verifyChain } from '../../../src/core/provenance/verify';
import { prune } from '../../../src/core/provenance/retention';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { applyRun, rollbackRun, workspaceWriter, ReviewError } from '../../../src/core/review';
import { pipelineChecks, reviseProposal } from '../../../src/core/review/revise';
import { readSettings } from '../../../src/core/settings';
import { DEMO, DEMO_TRANSCRIPT } from '../../support/demoRun';
import { copyFixture, snapshotFiles } from '../../support/tempWorkspace';
import { TEST_KEY } from '../../support/testKey';

/**
 * Edit before approve: the person's version of a proposal is checked by the same gates, scored,
 * and recorded as theirs beside the model's; approving applies exactly their bytes, and rollback
 * restores the exact original.
 */

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

async function proposed() {
  const ws = copyFixture(join(DEMO, 'workspace'));
  const store = await ProvenanceStore.open(join(ws.dir, '.refactor-guard'), { key: TEST_KEY });
  const files = new NodeWorkspaceFiles(ws.dir);
  const settings = readSettings({ provider: 'replay' });
  const run = await runRefactor({
    instruction: 'Add caching to the user service',
    targets: [{ path: 'src/userService.ts' }],
    settings,
    preset: 'balanced',
    provider: new ReplayProvider(JSON.parse(readFileSync(DEMO_TRANSCRIPT, 'utf8')) as Transcript),
    files,
    store,
    trusted: true,
  });
  assert.equal(run.status, 'proposed');
  const ctx = { store, writer: workspaceWriter(files), actor: 'vscode:ada' };
  const checks = pipelineChecks({ settings, files, trusted: true, logger: silentLogger, instruction: run.instruction });
  const proposal = (await store.blobs.get(run.patches[0]!.afterSha256!))!;
  return { ws, store, run, ctx, checks, proposal: Buffer.from(proposal).toString('utf8'), target: join(ws.dir, 'src', 'userService.ts') };
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
