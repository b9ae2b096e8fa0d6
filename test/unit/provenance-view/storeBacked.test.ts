import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreRecordSchema } from '../../../src/core/provenance/schema';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { buildExport, validateExport, type ProvenanceExport } from '../../../src/vscode/provenance/exportDocument';
import { loadPanelModel } from '../../../src/vscode/provenance/panelModel';
import { runPickRow, runStatusText } from '../../../src/vscode/provenance/runText';
import { runState } from '../../../src/vscode/provenance/runState';
import { sampleDecisions, sampleRun } from './sampleRun';
import { TEST_KEY } from '../../support/testKey';

/** The view's store-facing parts over a real store in a temporary folder. */
describe('provenance view: over a real store', () => {
  let dir: string;
  let store: ProvenanceStore;

  beforeEach(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'rg-prov-view-'));
    store = await ProvenanceStore.open(dir, { key: TEST_KEY });
    await store.appendRun(sampleRun({ runId: 'run-a' }));
    for (const d of sampleDecisions('run-a')) await store.appendDecision(d);
    await store.appendRun(sampleRun({ runId: 'run-b', createdAt: '2026-11-21T11:00:00.000Z', instruction: 'Rename getUser to fetchUser' }));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('shows the picked run, else the latest, under statistics over all runs', async () => {
    const latest = await loadPanelModel(store, undefined, { timeZone: 'UTC' });
    assert.equal(latest.run?.runId, 'run-b');
    assert.equal(latest.run?.pinned, false);
    assert.equal(latest.stats?.totalRuns, 2);
    assert.equal(latest.notice, undefined);

    const picked = await loadPanelModel(store, 'run-a', { timeZone: 'UTC' });
    assert.equal(picked.run?.runId, 'run-a');
    assert.equal(picked.run?.pinned, true);
    assert.deepEqual(
      picked.run?.patches.map((p) => p.status),
      ['Applied', 'Rejected'],
    );

    const gone = await loadPanelModel(store, 'run-zzz', { timeZone: 'UTC' });
    assert.equal(gone.run?.runId, 'run-b');
    assert.match(gone.notice ?? '', /Run run-zzz is not in the store/);
  });

  it('says there are no runs in an empty store', async () => {
    const empty = await ProvenanceStore.open(join(dir, 'empty'), { key: TEST_KEY });
    const vm = await loadPanelModel(empty, undefined);
    assert.equal(vm.run, null);
    assert.match(vm.notice ?? '', /No runs yet/);
  });

  it('names damaged records it skipped', async () => {
    await fs.writeFile(join(dir, 'records', '00000002.json'), '{ not json');
    const vm = await loadPanelModel(store, undefined);
    assert.match(vm.notice ?? '', /1 damaged record skipped/);
  });

  it('exports one run with its decisions, or the whole chain, as schema-valid records', async () => {
    const one = await buildExport(store, { runId: 'run-a' }, new Date('2026-11-21T12:00:00Z'));
    assert.equal(one.scope, 'run-a');
    assert.deepEqual(
      one.records.map((r) => r.kind),
      ['run', 'decision', 'decision', 'decision'],
    );
    const all = await buildExport(store, 'all');
    assert.equal(all.records.length, 5);
    const parsed = JSON.parse(JSON.stringify(all)) as ProvenanceExport;
    for (const r of parsed.records) StoreRecordSchema.parse(r);
  });

  it('refuses to export a record that does not match the schema, naming it', async () => {
    const doc = await buildExport(store, { runId: 'run-a' });
    (doc.records[1] as { actor: unknown }).actor = 42;
    assert.throws(() => validateExport(doc), /record 2 \(seq 2\) does not match the record schema at actor/);
  });

  it('describes a run in one line and as a quick pick row', async () => {
    const view = await store.getRun('run-a');
    assert.equal(
      runStatusText(view, 'UTC'),
      'Run run-a (2026-11-21 10:00:00): Partly applied, 2 patches: 1 applied, 1 rejected; max risk 0.41.',
    );
    const [b, a] = await store.listRuns();
    const row = runPickRow(a!, 'UTC');
    assert.equal(row.description, 'Proposed · 2026-11-21 10:00:00');
    // With the run's state (as List Runs gives it), the row says what the decisions made of it.
    assert.equal(runPickRow(a!, 'UTC', runState(view.run, view.patches)).description, 'Partly applied · 2026-11-21 10:00:00');
    assert.equal(row.detail, 'src/user.ts, src/cache.ts · 1 applied, 1 rejected · max risk 0.41 · run-a');
    assert.equal(runPickRow(b!).label, 'Rename getUser to fetchUser');
  });
});
