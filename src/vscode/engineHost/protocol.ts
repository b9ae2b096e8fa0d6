/**
 * What the extension host and the engine's worker thread (engineWorker.ts) say to each other. Every
 * message is plain data (structured clone): functions, AbortSignals and class instances stay on
 * their own side, so an option that is an object there (the provider, the files, the store) is
 * described here and rebuilt by the worker. Types only, plus one guard per direction: the worker is
 * our own code in our own process, so a tag check catches a mismatched build without loading zod
 * on the host (activation must not evaluate it).
 */
import type { FunctionRange } from '../../core/context/functions';
import type { ModelProgress, ModelReply, ModelRequest, ProviderErrorKind } from '../../core/models/provider';
import type { RunProgress } from '../../core/loop/runOptions';
import type { RunRecord } from '../../core/provenance/schema';
import type { PresetName, Settings } from '../../core/settings';

/** What the command asked for: a refactor of targets or new code at paths (runRefactor, runGenerate). */
export type RunJob =
  | { mode: 'refactor'; instruction: string; targets: { path: string; function?: string }[] }
  | { mode: 'generate'; instruction: string; paths: string[]; tests?: string };

/**
 * The provider, as data. `engine`: built in the worker from the settings, as the CLI builds it
 * (anthropic, openai, replay); the Anthropic key from Secret Storage rides here and goes only to
 * the Anthropic client. `host`: vscode.lm exists only on the extension host, so the worker gets a
 * proxy whose calls come back as `model` requests.
 */
export type ProviderSpec =
  { kind: 'engine'; apiKey?: string; replayTranscript?: string } | { kind: 'host'; id: string; label: string; model?: string };

/** The RunOptions that are data, plus where the worker finds the workspace and the store. */
export interface RunRequest {
  type: 'run';
  id: number;
  job: RunJob;
  settings: Settings;
  preset: PresetName;
  trusted: boolean;
  promptsDir?: string;
  cacheDir?: string;
  /** The workspace folder (a local folder: the worker reads it with node:fs). */
  root: string;
  /**
   * Files open with unsaved changes, as the host's VscodeWorkspaceFiles.read answers for them: the
   * worker's reads give the same bytes, and every other file is read from disk there.
   */
  dirty: { path: string; bytes: Uint8Array }[];
  /** The provenance store's folder and the key file it is signed with. */
  store: { dir: string; keyFile: string };
  provider: ProviderSpec;
  /** An Int32Array's buffer (abortFlag.ts): the host raises it on cancel, the worker reads it even mid-check. */
  cancelFlag: SharedArrayBuffer;
}

/** A model call's failure, rebuilt as a ProviderError on the other side. */
export interface ModelFailure {
  kind: ProviderErrorKind;
  message: string;
  status?: number;
  retries?: number;
}

/** A model request without what cannot cross (its signal, its progress callback). */
export type ModelRequestData = Omit<ModelRequest, 'signal' | 'onProgress'>;

export type HostToWorker =
  | RunRequest
  | { type: 'cancel'; id: number }
  | { type: 'ping'; id: number }
  /**
   * The function holding a 1-based line of an editor's text, for Propose Refactor's target: asked
   * here so the host never loads tree-sitter (or the runner's bundle) on its own thread.
   */
  | { type: 'functionAt'; id: number; fileName: string; text: string; line: number }
  /** A file the host's watcher saw change, for the warm symbol graph (ignored until a run built it). */
  | { type: 'fileChanged'; root: string; cacheDir: string; path: string }
  /** Writes the graph caches and frees the warm TypeScript services; answered with `disposed`. */
  | { type: 'dispose' }
  | { type: 'modelProgress'; call: number; event: ModelProgress }
  | { type: 'modelReply'; call: number; reply: ModelReply }
  | { type: 'modelError'; call: number; error: ModelFailure };

/** Why a run did not produce a record: input refused before it started, or a failure to start it. */
export type RunFailure =
  | { kind: 'input'; problem: 'no-targets' | 'target' | 'test-command' | 'untrusted'; message: string }
  | { kind: 'provider' | 'internal'; message: string };

export type WorkerToHost =
  | { type: 'progress'; id: number; progress: RunProgress }
  | { type: 'log'; level: 'info' | 'warn' | 'error' | 'debug'; message: string }
  /** The provider as built, for a record the host may have to write if the worker stops. */
  | { type: 'provider'; id: number; provider: { id: string; label: string; model?: string } }
  /** The run's id, sent just before its record is written: after a crash the host looks for it in the store. */
  | { type: 'recording'; id: number; runId: string }
  | { type: 'result'; id: number; record: RunRecord }
  | { type: 'error'; id: number; error: RunFailure }
  | { type: 'model'; id: number; call: number; request: ModelRequestData }
  | { type: 'modelCancel'; call: number }
  | { type: 'pong'; id: number }
  | { type: 'functionAtResult'; id: number; range?: FunctionRange }
  | { type: 'disposed' };

const TO_WORKER = new Set<string>([
  'run',
  'cancel',
  'ping',
  'functionAt',
  'fileChanged',
  'dispose',
  'modelProgress',
  'modelReply',
  'modelError',
]);
const TO_HOST = new Set<string>([
  'progress',
  'log',
  'provider',
  'recording',
  'result',
  'error',
  'model',
  'modelCancel',
  'pong',
  'functionAtResult',
  'disposed',
]);

function tagged(value: unknown, tags: Set<string>): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string' &&
    tags.has((value as { type: string }).type)
  );
}

export function isHostToWorker(value: unknown): value is HostToWorker {
  return tagged(value, TO_WORKER);
}

export function isWorkerToHost(value: unknown): value is WorkerToHost {
  return tagged(value, TO_HOST);
}
