import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeWorkspaceFiles } from '../../../src/core/host/nodeWorkspaceFiles';
import { runRefactor } from '../../../src/core/loop/runRefactor';
import { ReplayProvider, type Transcript } from '../../../src/core/models/replay';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { applyRun, recoverJournal, workspaceWriter } from '../../../src/core/review';
import { tempPathOf } from '../../../src/core/review/transaction';
import { readSettings } from '../../../src/core/settings';
import { sha } from '../../support/multiFileRun';
import { tempDir } from '../../support/tempWorkspace';
import { TEST_KEY } from '../../support/testKey';

/**
 * Recovery of what a killed apply left, driven through the store's own journal: the states a kill
 * can leave are made by hand (some files written, some not, a temp file beside one), then
 * recoverJournal runs as the first thing any command does.
 */
describe('recovering an interrupted apply from the journal', function () {
  this.timeout(30_000);
  let t: { dir: string; cleanup: () => void };
  let store: ProvenanceStore;
  let files: NodeWorkspaceFiles;
  const paths = ['notes/a.txt', 'notes/b.txt', 'notes/c.txt'];
  const original = (p: string) => `${p} line one\n${p} line two\n`;
  const changed = (p: string) => `${p} line one\n${p} line 2\n`;
  let runId: string;

  beforeEach(async () => {
    t = tempDir('rg-recover-');
    mkdirSync(join(t.dir, 'notes'));
    for (const p of paths) writeFileSync(join(t.dir, p), original(p));
    store = await ProvenanceStore.open(join(t.dir, '.refactor-guard'), { key: TEST_KEY });
    files = new NodeWorkspaceFiles(t.dir);
    const transcript: Transcript = {
      description: '',
      model: 'recorded',
      replies: [
        {
          phase: 'generate',
          text: '',
          stopReason: 'end_turn',
          usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
          expectRequestIncludes: [],
          toolCalls: paths.map((p) => ({ name: 'patch_file', input: { path: p, old_string: `${p} line two`, new_string: `${p} line 2` } })),
        },
      ],
    };
    const run = await runRefactor({
      instruction: 'Number the second lines',
      targets: paths.map((path) => ({ path })),
      settings: readSettings({ provider: 'replay' }),
      preset: 'balanced',
      provider: new ReplayProvider(transcript),
      files,
      store,
      trusted: true,
    });
    assert.equal(run.status, 'proposed');
    runId = run.runId;
  });
  afterEach(() => t.cleanup());

  /** The journal entry an apply of the run writes before its first file. */
  async function journal(txId: string): Promise<void> {
    const put = (s: string) => store.blobs.put(new TextEncoder().encode(s));
    await store.journal.write({
      txId,
      runId,
      operation: 'apply',
      createdAt: new Date().toISOString(),
      actor: 'test',
      files: await Promise.all(
        paths.map(async (p) => ({ path: p, before: await put(original(p)), after: await put(changed(p)), temp: tempPathOf(p, txId) })),
      ),
    });
  }
  const read = (p: string) => readFileSync(join(t.dir, p), 'utf8');

  it('puts back the files already written, removes the temp file, and leaves the run pending', async () => {
    await journal('lzzzzzzz-0000000001');
    writeFileSync(join(t.dir, paths[0]!), changed(paths[0]!)); // written
    writeFileSync(join(t.dir, tempPathOf(paths[1]!, 'lzzzzzzz-0000000001')), 'half of b'); // cut off mid-write
    writeFileSync(join(t.dir, tempPathOf(paths[0]!, 'undo')), 'half of an undo'); // a recovery killed before
    const [r] = await recoverJournal(store, workspaceWriter(files));
    assert.equal(r!.outcome, 'undone');
    assert.deepEqual(r!.restored, [paths[0]]);
    assert.deepEqual(r!.left, []);
    for (const p of paths) assert.equal(read(p), original(p));
    assert.deepEqual(readdirSync(join(t.dir, 'notes')).sort(), ['a.txt', 'b.txt', 'c.txt'], 'no temp file left');
    assert.deepEqual(await store.journal.list(), []);
    assert.deepEqual(
      (await store.getRun(runId)).patches.map((s) => s.status),
      ['pending', 'pending', 'pending'],
    );
    assert.deepEqual(await recoverJournal(store, workspaceWriter(files)), [], 'settled once');
  });

  it('never overwrites a file that holds neither version: it is left, and the entry kept with both', async () => {
    await journal('lzzzzzzz-0000000002');
    writeFileSync(join(t.dir, paths[0]!), changed(paths[0]!));
    writeFileSync(join(t.dir, paths[2]!), 'the user typed this meanwhile\n');
    const [r] = await recoverJournal(store, workspaceWriter(files));
    assert.deepEqual(r!.left, [paths[2]]);
    assert.match(r!.message, /notes\/c\.txt changed since and was left as it is/);
    assert.equal(read(paths[0]!), original(paths[0]!));
    assert.equal(read(paths[2]!), 'the user typed this meanwhile\n');
    const kept = await store.journal.listKept();
    assert.equal(kept.length, 1);
    const entry = kept[0]!.ok ? kept[0]!.entry : assert.fail('kept entry unreadable');
    assert.equal(sha(await store.blobs.get(entry.files[2]!.before!)), sha(Buffer.from(original(paths[2]!))), 'the original is still there');
  });

  it('an apply whose record reached the chain is finished, not undone', async () => {
    await applyRun({ store, writer: workspaceWriter(files), actor: 'test' }, { runId });
    const decision = (await store.getRun(runId)).decisions.find((d) => d.decision === 'apply')!;
    assert.ok(decision.txId, 'the apply names its transaction');
    assert.deepEqual(
      decision.writes?.map((w) => w.path),
      paths,
    );
    // Killed after its record, before removing the entry: put the entry back as it was.
    await store.journal.write({
      txId: decision.txId!,
      runId,
      operation: 'apply',
      createdAt: decision.createdAt,
      actor: 'test',
      files: paths.map((p) => ({
        path: p,
        before: sha(Buffer.from(original(p))),
        after: sha(Buffer.from(changed(p))),
        temp: tempPathOf(p, decision.txId!),
      })),
    });
    const [r] = await recoverJournal(store, workspaceWriter(files));
    assert.equal(r!.outcome, 'finished');
    for (const p of paths) assert.equal(read(p), changed(p));
    assert.equal(existsSync(join(store.dir, 'journal', `${decision.txId}.json`)), false);
  });
});
