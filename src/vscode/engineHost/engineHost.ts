/**
 * The extension host's side of the engine's worker thread (engineWorker.ts): starts it on first
 * use, keeps it warm between runs, carries progress, logs, model calls and cancellation across,
 * and notices when it stops. Free of 'vscode' so plain mocha can drive it with a real Worker.
 *
 * A worker thread, not a child process: it is the same process, so the extension's files, sandbox
 * and environment are the ones the engine sees; messages are structured clones over a MessagePort
 * and a SharedArrayBuffer can carry a cancel into a busy thread; one starts in about 43 ms (FACTS.md);
 * `worker.terminate()` stops even synchronous JavaScript (a TypeScript check in a loop); and
 * `resourceLimits` bounds its heap. A child process would need Electron run as Node and a second
 * runtime to ship and start; TypeScript 7's native checker is already a process of its own.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { newAbortFlag, raiseAbortFlag } from '../../core/abortFlag';
import type { FunctionRange } from '../../core/context/functions';
import { errorLine } from '../../core/errorLine';
import type { RunProgress } from '../../core/loop/runOptions';
import { ProviderError, type ModelProgress, type ModelReply } from '../../core/models/provider';
import type { Logger } from '../../core/ports';
import { releaseThreadLock } from '../../core/provenance/lock';
import type { RunRecord } from '../../core/provenance/schema';
import {
  isWorkerToHost,
  type HostToWorker,
  type ModelFailure,
  type ModelRequestData,
  type RunFailure,
  type RunRequest,
  type WorkerToHost,
} from './protocol';

/** How long a cancelled run may take to finish on its own before the worker is stopped. */
export const CANCEL_GRACE_MS = 1000;

/** How long Propose Refactor waits for the worker to say which function holds the cursor. */
export const FUNCTION_AT_TIMEOUT_MS = 3000;

/** Runs the host's own model (vscode.lm) for a worker's `model` request. */
export type HostModel = (request: ModelRequestData, signal: AbortSignal, onProgress: (event: ModelProgress) => void) => Promise<ModelReply>;

export interface EngineHostOptions {
  /** The worker's script: dist/engineWorker.js in the extension; the .ts source under tsx in tests. */
  script: string;
  execArgv?: string[];
  resourceLimits?: ResourceLimits;
  logger?: Logger;
}

export type RunInput = Omit<RunRequest, 'type' | 'id' | 'cancelFlag'>;

export interface RunHooks {
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
  /** Needed when the request's provider is `host`. */
  model?: HostModel;
}

/**
 * How a run ended. `record`: the engine recorded it. `refused`: it never started (bad input, a
 * provider that cannot be built); nothing is recorded, as in-process. `stopped`: the worker went
 * away before answering (cancel not honoured in time, a crash, out of memory); the caller records
 * it unless the worker's record made it to the store (`runId`, when announced).
 */
export type RunOutcome =
  | { kind: 'record'; record: RunRecord }
  | { kind: 'refused'; failure: RunFailure }
  | {
      kind: 'stopped';
      cancelled: boolean;
      /** One line: what stopped the engine. */
      message: string;
      runId?: string;
      provider?: { id: string; label: string; model?: string };
      startedAt: Date;
    };

interface ActiveRun {
  id: number;
  flag: Int32Array;
  hooks: RunHooks;
  storeDir: string;
  cancelled: boolean;
  runId?: string;
  provider?: { id: string; label: string; model?: string };
  startedAt: Date;
  calls: Map<number, AbortController>;
  settle(outcome: RunOutcome): void;
}

export class EngineHost {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly active = new Map<number, ActiveRun>();
  private readonly pings = new Map<number, () => void>();
  private readonly functionQueries = new Map<number, (range: FunctionRange | undefined) => void>();
  private disposed: (() => void) | undefined;
  /** Why the worker is being stopped, until its exit handler has run. */
  private stopping: { reason: string; cancelled: boolean } | undefined;

  constructor(private readonly options: EngineHostOptions) {}

  /** Whether a worker is up (warm); `fileChanged` only matters then. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  run(input: RunInput, hooks: RunHooks = {}): Promise<RunOutcome> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const flag = newAbortFlag();
    return new Promise<RunOutcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        run.cancelled = true;
        // Seen at once by the worker's checks, even while a synchronous check holds its loop.
        raiseAbortFlag(flag);
        for (const c of run.calls.values()) c.abort();
        this.send({ type: 'cancel', id });
        timer = setTimeout(
          () => this.stop('The run was cancelled; the engine did not stop in time and was restarted.', true),
          CANCEL_GRACE_MS,
        );
        timer.unref?.();
      };
      const run: ActiveRun = {
        id,
        flag,
        hooks,
        storeDir: input.store.dir,
        cancelled: false,
        startedAt: new Date(),
        calls: new Map(),
        settle: (outcome) => {
          if (timer) clearTimeout(timer);
          hooks.signal?.removeEventListener('abort', onAbort);
          this.active.delete(id);
          resolve(outcome);
        },
      };
      this.active.set(id, run);
      hooks.signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ ...input, type: 'run', id, cancelFlag: flag.buffer as SharedArrayBuffer } satisfies RunRequest);
      if (hooks.signal?.aborted) onAbort();
    });
  }

  /** Answers once the worker's event loop is free again: how a test tells a stopped run from a stuck one. */
  ping(): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve) => {
      this.pings.set(id, resolve);
      this.ensureWorker().postMessage({ type: 'ping', id } satisfies HostToWorker);
    });
  }

  /**
   * The function holding a 1-based line of a file's text (tree-sitter, in the worker); undefined
   * when there is none, the language is not indexed, or the worker stops before answering.
   */
  functionAt(fileName: string, text: string, line: number): Promise<FunctionRange | undefined> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      // A worker still starting, or busy in a run's synchronous check, must not hold up the
      // instruction box: past this the file (or the selection) is the target, as with no function.
      const timer = setTimeout(() => settle(undefined), FUNCTION_AT_TIMEOUT_MS);
      timer.unref?.();
      const settle = (range: FunctionRange | undefined): void => {
        clearTimeout(timer);
        this.functionQueries.delete(id);
        resolve(range);
      };
      this.functionQueries.set(id, settle);
      try {
        this.ensureWorker().postMessage({ type: 'functionAt', id, fileName, text, line } satisfies HostToWorker);
      } catch (err) {
        this.options.logger?.warn(`The engine could not be asked for the function at the cursor: ${errorLine(err)}`);
        settle(undefined);
      }
    });
  }

  /** A file the host's watcher saw change; only a warm worker has a graph to update. */
  fileChanged(root: string, cacheDir: string, path: string): void {
    this.send({ type: 'fileChanged', root, cacheDir, path });
  }

  /**
   * Stops the worker now. Runs under way end as `stopped` with `reason` (and are recorded by their
   * callers); the next run starts a fresh worker.
   */
  stop(reason = 'The engine was stopped.', cancelled = false): Promise<void> {
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    this.stopping ??= { reason, cancelled };
    return worker.terminate().then(() => undefined);
  }

  /** Writes the worker's graph caches, frees its services, then ends it. */
  async dispose(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      this.disposed = resolve;
      worker.postMessage({ type: 'dispose' } satisfies HostToWorker);
      // A worker too busy to answer is stopped all the same.
      setTimeout(resolve, 5000).unref?.();
    });
    this.disposed = undefined;
    await this.stop('The engine was shut down.');
  }

  private send(message: HostToWorker): void {
    this.worker?.postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.options.script, {
      ...(this.options.execArgv ? { execArgv: this.options.execArgv } : {}),
      ...(this.options.resourceLimits ? { resourceLimits: this.options.resourceLimits } : {}),
      // The engine reads keys from the environment as the CLI does (ANTHROPIC_API_KEY, OPENAI_API_KEY).
      env: process.env,
      stdout: false,
      stderr: false,
    });
    // A warm worker must not keep a process (a test run, the CLI) alive on its own.
    worker.unref();
    let failure: string | undefined;
    worker.on('message', (m: unknown) => this.onMessage(m));
    worker.on('error', (err) => {
      failure = errorLine(err);
      this.options.logger?.error(`The engine stopped: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    });
    // Read now: a Worker's threadId reads -1 once it has stopped, and its lock is known by it.
    const thread = worker.threadId;
    worker.on('exit', (code) => void this.onExit(worker, thread, code, failure));
    this.worker = worker;
    return worker;
  }

  private async onExit(worker: Worker, thread: number, code: number, failure: string | undefined): Promise<void> {
    if (this.worker === worker) this.worker = undefined;
    const stopping = this.stopping;
    this.stopping = undefined;
    this.disposed?.();
    for (const resolve of this.pings.values()) resolve();
    this.pings.clear();
    for (const settle of [...this.functionQueries.values()]) settle(undefined);
    const message =
      stopping?.reason ??
      (failure
        ? `The engine stopped unexpectedly (${failure}); it restarts with the next run.`
        : `The engine stopped unexpectedly (exit code ${code}); it restarts with the next run.`);
    for (const run of [...this.active.values()]) {
      for (const c of run.calls.values()) c.abort();
      // A lock the thread held when it was stopped would otherwise look held for ever: same pid.
      await releaseThreadLock(run.storeDir, thread).catch(() => false);
      run.settle({
        kind: 'stopped',
        cancelled: run.cancelled || stopping?.cancelled === true,
        message: run.cancelled ? 'The run was cancelled; nothing was written.' : message,
        ...(run.runId ? { runId: run.runId } : {}),
        ...(run.provider ? { provider: run.provider } : {}),
        startedAt: run.startedAt,
      });
    }
  }

  private onMessage(raw: unknown): void {
    if (!isWorkerToHost(raw)) return;
    const m: WorkerToHost = raw;
    switch (m.type) {
      case 'log':
        this.options.logger?.[m.level](m.message);
        return;
      case 'pong':
        this.pings.get(m.id)?.();
        this.pings.delete(m.id);
        return;
      case 'functionAtResult':
        this.functionQueries.get(m.id)?.(m.range);
        return;
      case 'disposed':
        this.disposed?.();
        return;
      case 'modelCancel':
        for (const run of this.active.values()) run.calls.get(m.call)?.abort();
        return;
    }
    const run = this.active.get(m.id);
    if (!run) return;
    switch (m.type) {
      case 'progress':
        run.hooks.onProgress?.(m.progress);
        return;
      case 'provider':
        run.provider = m.provider;
        return;
      case 'recording':
        run.runId = m.runId;
        return;
      case 'result':
        run.settle({ kind: 'record', record: m.record });
        return;
      case 'error':
        run.settle({ kind: 'refused', failure: m.error });
        return;
      case 'model':
        this.serveModel(run, m.call, m.request);
        return;
    }
  }

  /** A model call the worker's proxy provider makes: the host's model answers it, streaming its progress back. */
  private serveModel(run: ActiveRun, call: number, request: ModelRequestData): void {
    const controller = new AbortController();
    run.calls.set(call, controller);
    const model = run.hooks.model;
    const answer = model
      ? model(request, controller.signal, (event) => this.send({ type: 'modelProgress', call, event }))
      : Promise.reject(new ProviderError('bad_request', 'This run has no model on the editor side to answer it.'));
    answer.then(
      (reply) => this.send({ type: 'modelReply', call, reply }),
      (err: unknown) => this.send({ type: 'modelError', call, error: failureOf(err) }),
    );
    void answer.catch(() => undefined).finally(() => run.calls.delete(call));
  }
}

function failureOf(err: unknown): ModelFailure {
  if (err instanceof ProviderError)
    return {
      kind: err.kind,
      message: err.message,
      ...(err.status !== undefined ? { status: err.status } : {}),
      ...(err.retries !== undefined ? { retries: err.retries } : {}),
    };
  return { kind: 'server', message: errorLine(err) };
}
