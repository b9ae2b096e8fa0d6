/**
 * The only ways the engine reaches the outside world. Each host (the CLI with node:fs, the VS Code
 * adapter with the workspace API, a test in memory) implements these; the engine never imports a
 * host API directly.
 */

/** File access rooted at the workspace. Every path is workspace-relative with forward slashes. */
export interface WorkspaceFiles {
  /** Absolute path of the workspace root, for messages and for tools that need a real folder. */
  readonly root: string;
  /** The file's bytes, or undefined when it does not exist. */
  read(path: string): Promise<Uint8Array | undefined>;
  /**
   * Writes all bytes or none (temporary file + rename), creating parent folders; fails unless the
   * file then holds exactly `bytes`. `tempPath` (workspace-relative, beside the file) names the
   * temp file, for callers that journal their writes and must clean up after a killed one.
   */
  writeAtomic(path: string, bytes: Uint8Array, options?: { tempPath?: string }): Promise<void>;
  /** The bytes on disk, where `read` may answer with an editor's unsaved text instead. */
  readSaved?(path: string): Promise<Uint8Array | undefined>;
  /** Where the path really leads once links are followed, workspace-relative (for folder rules). */
  realPath?(path: string): Promise<string>;
  /** Removes a file; a missing file is not an error. */
  remove(path: string): Promise<void>;
  /** Size and modification time, or undefined when it does not exist. */
  stat(path: string): Promise<{ size: number; mtimeMs: number } | undefined>;
  /** Workspace-relative paths of files under `dir` (recursive), skipping ignored folders. */
  list?(dir: string): Promise<string[]>;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export interface ProcessRunner {
  run(
    command: string,
    options: {
      cwd: string;
      timeoutMs: number;
      signal?: AbortSignal;
      env?: Record<string, string>;
      /** Variables of this process's environment the command must not inherit (credentials). */
      unsetEnv?: readonly string[];
      shell?: boolean;
      args?: string[];
      stdin?: string;
    },
  ): Promise<ProcessResult>;
}

export interface Clock {
  now(): Date;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

export const systemClock: Clock = { now: () => new Date() };

export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
};

/** Raised when the run's AbortSignal fires; callers treat it as "cancelled", never as a crash. */
export class CancelledError extends Error {
  constructor(message = 'Cancelled.') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
