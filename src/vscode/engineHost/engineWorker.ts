/**
 * The engine's worker thread (bundled as dist/engineWorker.js; engineHost.ts starts it). It owns
 * everything heavy a run needs (the loop, the gates, the TypeScript services, tree-sitter, ruff, the
 * symbol graphs, the Anthropic and OpenAI clients) and keeps it warm between runs, so the extension
 * host's event loop only draws the UI. It imports nothing from 'vscode': what exists only on the
 * host (vscode.lm, unsaved editor buffers) arrives through the protocol (protocol.ts).
 */
import * as path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { flagAbortController } from '../../core/abortFlag';
import { getSymbolGraph, disposeSymbolGraphs } from '../../core/context';
import { errorLine } from '../../core/errorLine';
import { NodeProcessRunner } from '../../core/host/nodeProcessRunner';
import { NodeWorkspaceFiles } from '../../core/host/nodeWorkspaceFiles';
import { runGenerate } from '../../core/loop/runGenerate';
import type { RunOptions } from '../../core/loop/runOptions';
import { RunInputError, runRefactor } from '../../core/loop/runRefactor';
import { createProvider } from '../../core/models/factory';
import { ProviderError, type ModelProvider } from '../../core/models/provider';
import { ReplayProvider } from '../../core/models/replay';
import type { Logger } from '../../core/ports';
import { StoreKey } from '../../core/provenance/key';
import { ProvenanceStore } from '../../core/provenance/store';
import { resolvePreset } from '../../core/settings';
import { disposeTsProjects } from '../../core/validate/pipeline';
import { functionAt } from '../propose/functionAt';
import { HostModelProvider } from './hostModelProvider';
import { isHostToWorker, type HostToWorker, type RunFailure, type RunRequest, type WorkerToHost } from './protocol';
import { WorkerFiles } from './workerFiles';

const port = parentPort;
if (!port) throw new Error('engineWorker.js runs as a worker thread; the extension starts it.');
const post = (message: WorkerToHost): void => port.postMessage(message);

const logger: Logger = {
  info: (message) => post({ type: 'log', level: 'info', message }),
  warn: (message) => post({ type: 'log', level: 'warn', message }),
  error: (message) => post({ type: 'log', level: 'error', message }),
  debug: (message) => post({ type: 'log', level: 'debug', message }),
};

/** Runs under way: their controllers (a cancel message aborts one) and host-proxied providers. */
const runs = new Map<number, { controller: AbortController; hostModel?: HostModelProvider }>();
/** One store per folder, opened once: the worker owns its lock and journal while it writes. */
const stores = new Map<string, Promise<ProvenanceStore>>();
/** The symbol graphs runs used (cache folder to workspace root), whose caches `dispose` writes. */
const graphs = new Map<string, string>();

port.on('message', (raw: unknown) => {
  if (!isHostToWorker(raw)) {
    logger.warn(`The engine ignored a message it does not know (${JSON.stringify(raw)?.slice(0, 80)}).`);
    return;
  }
  handle(raw);
});

function handle(m: HostToWorker): void {
  switch (m.type) {
    case 'run':
      void run(m);
      return;
    case 'cancel':
      runs.get(m.id)?.controller.abort();
      return;
    case 'ping':
      post({ type: 'pong', id: m.id });
      return;
    case 'functionAt':
      // Any failure (a grammar that does not load) answers "no function": the file is the target then.
      void functionAt(m.fileName, m.text, m.line).then(
        (range) => post({ type: 'functionAtResult', id: m.id, ...(range ? { range } : {}) }),
        () => post({ type: 'functionAtResult', id: m.id }),
      );
      return;
    case 'fileChanged':
      void fileChanged(m.root, m.cacheDir, m.path);
      return;
    case 'dispose':
      void dispose();
      return;
    case 'modelProgress':
    case 'modelReply':
    case 'modelError':
      for (const r of runs.values()) {
        const hm = r.hostModel;
        if (!hm?.owns(m.call)) continue;
        if (m.type === 'modelProgress') hm.progress(m.call, m.event);
        else if (m.type === 'modelReply') hm.reply(m.call, m.reply);
        else hm.fail(m.call, m.error);
      }
      return;
  }
}

async function run(req: RunRequest): Promise<void> {
  const controller = flagAbortController(new Int32Array(req.cancelFlag));
  const entry: { controller: AbortController; hostModel?: HostModelProvider } = { controller };
  runs.set(req.id, entry);
  try {
    const provider = buildProvider(req);
    if (provider instanceof HostModelProvider) entry.hostModel = provider;
    post({
      type: 'provider',
      id: req.id,
      provider: { id: provider.id, label: provider.label, ...(provider.model ? { model: provider.model } : {}) },
    });
    const options: Omit<RunOptions, 'instruction' | 'targets'> = {
      settings: req.settings,
      preset: req.preset,
      provider,
      files: new WorkerFiles(req.root, req.dirty),
      store: announcing(await openStore(req.store), req.id),
      processes: new NodeProcessRunner(),
      trusted: req.trusted,
      ...(req.promptsDir ? { promptsDir: req.promptsDir } : {}),
      ...(req.cacheDir ? { cacheDir: req.cacheDir } : {}),
      signal: controller.signal,
      logger,
      onProgress: (progress) => post({ type: 'progress', id: req.id, progress }),
    };
    if (req.cacheDir) graphs.set(req.cacheDir, req.root);
    const { job } = req;
    const record =
      job.mode === 'refactor'
        ? await runRefactor({ ...options, instruction: job.instruction, targets: job.targets })
        : await runGenerate({
            ...options,
            instruction: job.instruction,
            paths: job.paths,
            ...(job.tests !== undefined ? { tests: job.tests } : {}),
          });
    post({ type: 'result', id: req.id, record });
  } catch (err) {
    post({ type: 'error', id: req.id, error: failureOf(err) });
  } finally {
    runs.delete(req.id);
  }
}

/** One line for the host, never a stack (the stack goes to the log) and never the request's key. */
function failureOf(err: unknown): RunFailure {
  if (err instanceof RunInputError) return { kind: 'input', problem: err.problem, message: err.message };
  if (err instanceof ProviderError) return { kind: 'provider', message: err.message };
  logger.error(`The engine failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return { kind: 'internal', message: errorLine(err) };
}

/** The provider as providers.ts builds it on the host; the key in the request goes only to Anthropic. */
function buildProvider(req: RunRequest): ModelProvider {
  const spec = req.provider;
  if (spec.kind === 'host') return new HostModelProvider(spec.id, spec.label, spec.model, req.id, post);
  return createProvider(req.settings, {
    presetModel: resolvePreset(req.settings, req.preset).model,
    env: process.env,
    ...(spec.apiKey ? { apiKey: spec.apiKey } : {}),
    replay: () => {
      const file = spec.replayTranscript;
      if (!file)
        throw new ProviderError(
          'bad_request',
          'The replay provider needs refactorGuard.replay.transcript: the path of a recorded transcript.',
        );
      return new ReplayProvider(path.isAbsolute(file) ? file : path.join(req.root, file));
    },
    logger,
  });
}

function openStore(where: RunRequest['store']): Promise<ProvenanceStore> {
  let store = stores.get(where.dir);
  if (!store) {
    store = StoreKey.loadOrCreate(where.keyFile).then((key) => ProvenanceStore.open(where.dir, { key }));
    stores.set(where.dir, store);
    store.catch(() => stores.delete(where.dir));
  }
  return store;
}

/**
 * The store as this run sees it: its run id goes to the host just before the record is written, so
 * if the worker stops from then on the host can tell whether the record made it (and never writes
 * a second one for the same run).
 */
function announcing(store: ProvenanceStore, id: number): ProvenanceStore {
  const view = Object.create(store) as ProvenanceStore;
  view.appendRun = (record) => {
    post({ type: 'recording', id, runId: record.runId });
    return store.appendRun(record);
  };
  return view;
}

/** Keeps a graph a run built current between runs; a graph no run has built is left alone (its cache too). */
async function fileChanged(root: string, cacheDir: string, rel: string): Promise<void> {
  const graph = getSymbolGraph({ files: new NodeWorkspaceFiles(root), cacheDir, logger });
  if (!graph.built) return;
  await graph.updateFile(rel).catch(() => undefined);
}

async function dispose(): Promise<void> {
  for (const [cacheDir, root] of graphs)
    await getSymbolGraph({ files: new NodeWorkspaceFiles(root), cacheDir, logger })
      .flush()
      .catch(() => undefined);
  graphs.clear();
  disposeTsProjects();
  disposeSymbolGraphs();
  post({ type: 'disposed' });
}
