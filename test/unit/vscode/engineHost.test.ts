import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReplayProvider, type Transcript } from '../../../src/core/models/replay';
import { StoreKey } from '../../../src/core/provenance/key';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { readSettings } from '../../../src/core/settings';
import { EngineHost, type HostModel, type RunInput } from '../../../src/vscode/engineHost/engineHost';
import { isHostToWorker, isWorkerToHost } from '../../../src/vscode/engineHost/protocol';
import { recordStoppedRun } from '../../../src/vscode/engineHost/stoppedRun';
import { DEMO, DEMO_TRANSCRIPT } from '../../support/demoRun';
import { ENGINE_WORKER, STUCK_WORKER, TSX_EXEC_ARGV } from '../../support/engineWorkers';
import { copyFixture, tempDir } from '../../support/tempWorkspace';

/**
 * The engine's worker thread as the extension drives it, with a real Worker running the real
 * engine (from source, under tsx) on a copy of the demo workspace, replayed.
 */
describe('the engine in a worker thread (vscode/engineHost)', function () {
  this.timeout(120_000);
  const cleanups: (() => void)[] = [];
  let host: EngineHost;
  let ws: string;
  let keyFile: string;
  let storeDir: string;

  beforeEach(() => {
    const w = copyFixture(join(DEMO, 'workspace'));
    const k = tempDir();
    cleanups.push(w.cleanup, k.cleanup);
    ws = w.dir;
    keyFile = join(k.dir, 'store.key');
    storeDir = join(k.dir, 'provenance');
    host = new EngineHost({ script: ENGINE_WORKER, execArgv: TSX_EXEC_ARGV });
  });

  afterEach(async () => {
    await host.stop();
    for (const c of cleanups.splice(0)) c();
  });

  const input = (over: Partial<RunInput> = {}): RunInput => ({
    job: { mode: 'refactor', instruction: 'Add caching to the user service', targets: [{ path: 'src/userService.ts' }] },
    settings: readSettings({ provider: 'replay' }),
    preset: 'balanced',
    trusted: true,
    root: ws,
    dirty: [],
    store: { dir: storeDir, keyFile },
    provider: { kind: 'engine', replayTranscript: DEMO_TRANSCRIPT },
    ...over,
  });
  const hostStore = async () => ProvenanceStore.open(storeDir, { key: await StoreKey.loadOrCreate(keyFile) });
  /** The demo transcript answered by the host, as vscode.lm would answer. */
  const replayOnHost = (): HostModel => {
    const replay = new ReplayProvider(JSON.parse(readFileSync(DEMO_TRANSCRIPT, 'utf8')) as Transcript);
    return (request, signal, onProgress) => replay.complete({ ...request, signal, onProgress });
  };
  const hostProvider = { kind: 'host' as const, id: 'vscode-lm', label: 'VS Code language model (test)' };

  it('runs a refactor there: every stage comes back as progress, and the record is in the store the host reads', async () => {
    const stages: string[] = [];
    const outcome = await host.run(input(), { onProgress: (p) => stages.push(p.stage) });
    assert.equal(outcome.kind, 'record', JSON.stringify(outcome));
    if (outcome.kind !== 'record') return;
    assert.equal(outcome.record.status, 'proposed');
    for (const stage of ['context', 'generate', 'validate', 'risk', 'record'])
      assert.ok(stages.includes(stage), `${stage} in ${stages.join(',')}`);
    const view = await (await hostStore()).getRun(outcome.record.runId);
    assert.equal(view.run.status, 'proposed');
    assert.equal(
      readFileSync(join(ws, 'src', 'userService.ts'), 'utf8'),
      readFileSync(join(DEMO, 'workspace', 'src', 'userService.ts'), 'utf8'),
    );
  });

  it('stays warm: a second run goes to the same worker', async () => {
    const first = await host.run(input());
    assert.equal(first.kind, 'record');
    assert.ok(host.running);
    const second = await host.run(input());
    assert.equal(second.kind, 'record');
    if (first.kind === 'record' && second.kind === 'record') assert.notEqual(first.record.runId, second.record.runId);
  });

  it("answers which function holds a line from the worker's tree-sitter, and none where there is none", async () => {
    const file = join(ws, 'src', 'userService.ts');
    const text = readFileSync(file, 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('await this.getUser(id)')) + 1;
    assert.equal((await host.functionAt(file, text, line))?.name, 'UserService.getDisplayName');
    assert.equal(await host.functionAt(file, text, 1), undefined, 'line 1 is an interface');
    assert.equal(await host.functionAt(join(ws, 'notes.txt'), text, line), undefined, 'a language the engine does not index');
    // A worker that stops answers every question still open with "none" rather than never.
    const pending = host.functionAt(file, text, line);
    await host.stop();
    assert.ok([undefined, 'UserService.getDisplayName'].includes((await pending)?.name));
  });

  it('reads an unsaved editor buffer the host sent instead of the file on disk', async () => {
    const path = 'src/userService.ts';
    const onDisk = readFileSync(join(ws, path));
    // The editor's text is the disk's with a comment on top; on disk the file no longer exists.
    const edited = Buffer.concat([Buffer.from('// unsaved edit\n'), onDisk]);
    writeFileSync(join(ws, path), '');
    const outcome = await host.run(input({ dirty: [{ path, bytes: new Uint8Array(edited) }] }));
    assert.equal(outcome.kind, 'record');
    if (outcome.kind !== 'record') return;
    const patch = outcome.record.patches.find((p) => p.file === path);
    assert.ok(patch, 'the patch is made from the editor text (the empty disk file has nothing to patch)');
  });

  it("refuses input as the engine does, with RunInputError's problem, and records nothing", async () => {
    const outcome = await host.run(input({ job: { mode: 'refactor', instruction: 'x', targets: [{ path: 'src/missing.ts' }] } }));
    assert.deepEqual(outcome.kind === 'refused' && outcome.failure.kind, 'input');
    if (outcome.kind === 'refused' && outcome.failure.kind === 'input') assert.equal(outcome.failure.problem, 'target');
    assert.equal((await (await hostStore()).allViews()).views.length, 0);
  });

  it("a host provider's calls are answered on the host, with their streamed progress, and recorded under its id", async () => {
    let asked = 0;
    const replay = replayOnHost();
    const outcome = await host.run(input({ provider: hostProvider }), {
      model: (request, signal, onProgress) => {
        asked++;
        return replay(request, signal, onProgress);
      },
    });
    assert.equal(outcome.kind, 'record');
    if (outcome.kind !== 'record') return;
    assert.equal(outcome.record.status, 'proposed');
    assert.ok(asked >= 1);
    assert.equal(outcome.record.provider.id, 'vscode-lm');
    assert.ok(outcome.record.modelCalls.every((c) => c.provider === 'vscode-lm'));
  });

  it('cancel reaches a model call waiting on the host: the worker records the run as cancelled and is free again', async () => {
    const controller = new AbortController();
    let sawAbort = false;
    const outcome = await host.run(input({ provider: hostProvider }), {
      signal: controller.signal,
      model: (_request, signal) =>
        new Promise((_resolve, reject) => {
          setImmediate(() => controller.abort());
          signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(new Error('aborted'));
          });
        }),
    });
    assert.equal(outcome.kind, 'record', JSON.stringify(outcome));
    if (outcome.kind !== 'record') return;
    assert.equal(outcome.record.status, 'cancelled');
    assert.ok(sawAbort, "the host's model call was aborted");
    assert.ok(host.running, 'a cancel the engine honours keeps the warm worker');
    await host.ping();
  });

  it('a worker stopped mid-run (killed while the model is asked) ends the run as stopped; the host records it failed; the next run starts a fresh worker', async () => {
    const run = input({ provider: hostProvider });
    const outcome = await host.run(run, {
      model: () => {
        void host.stop();
        return new Promise<never>(() => {});
      },
    });
    assert.equal(outcome.kind, 'stopped');
    if (outcome.kind !== 'stopped') return;
    assert.equal(outcome.cancelled, false);
    assert.ok(!outcome.message.includes('\n'), 'one line');
    const record = await recordStoppedRun(await hostStore(), run, outcome);
    assert.equal(record.status, 'failed');
    assert.equal(record.error?.kind, 'engine_stopped');
    assert.equal(record.provider.id, 'vscode-lm', 'the provider the worker reported');
    assert.equal((await (await hostStore()).getRun(record.runId)).run.status, 'failed');

    const next = await host.run(input());
    assert.equal(next.kind === 'record' && next.record.status, 'proposed');
  });

  it('a worker out of memory (resourceLimits) is a one-line stop, and the store stays usable', async () => {
    const small = new EngineHost({ script: ENGINE_WORKER, execArgv: TSX_EXEC_ARGV, resourceLimits: { maxOldGenerationSizeMb: 8 } });
    const run = input();
    const outcome = await small.run(run);
    assert.equal(outcome.kind, 'stopped', JSON.stringify(outcome));
    if (outcome.kind !== 'stopped') return;
    assert.ok(!outcome.message.includes('\n'));
    const record = await recordStoppedRun(await hostStore(), run, outcome);
    assert.equal(record.status, 'failed');
  });

  it('a worker that does not honour a cancel (stuck in synchronous work) is stopped; the run ends cancelled and is recorded so', async () => {
    const stuck = new EngineHost({ script: STUCK_WORKER, execArgv: TSX_EXEC_ARGV });
    const controller = new AbortController();
    const run = input();
    const outcome = await stuck.run(run, { signal: controller.signal, onProgress: () => controller.abort() });
    assert.equal(outcome.kind, 'stopped');
    if (outcome.kind !== 'stopped') return;
    assert.equal(outcome.cancelled, true);
    assert.equal(stuck.running, false, 'the stuck worker is gone');
    const record = await recordStoppedRun(await hostStore(), run, outcome);
    assert.equal(record.status, 'cancelled');
    assert.equal(record.error?.kind, 'cancelled');
  });
});

describe('the engine protocol (vscode/engineHost/protocol.ts)', () => {
  it('tells each direction its own messages, and refuses anything else', () => {
    assert.equal(isHostToWorker({ type: 'cancel', id: 1 }), true);
    assert.equal(isHostToWorker({ type: 'progress', id: 1 }), false);
    assert.equal(isWorkerToHost({ type: 'progress', id: 1, progress: { stage: 'plan', message: 'x' } }), true);
    assert.equal(isWorkerToHost({ type: 'run' }), false);
    assert.equal(isHostToWorker({ type: 'functionAt', id: 1, fileName: 'a.ts', text: '', line: 1 }), true);
    assert.equal(isWorkerToHost({ type: 'functionAtResult', id: 1 }), true);
    assert.equal(isWorkerToHost({ type: 'functionAt', id: 1 }), false);
    for (const junk of [null, undefined, 3, 'run', {}, { type: 5 }]) {
      assert.equal(isHostToWorker(junk), false);
      assert.equal(isWorkerToHost(junk), false);
    }
  });
});
