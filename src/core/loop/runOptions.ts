import type { Clock, Logger, ProcessRunner, WorkspaceFiles } from '../ports';
import type { ModelProvider } from '../models/provider';
import type { PresetName, Settings } from '../settings';
import type { ProvenanceStore } from '../provenance/store';

/** What one guarded run needs; every host (CLI, VS Code, tests) fills this in. */
export interface RunOptions {
  instruction: string;
  /** Workspace-relative files, optionally narrowed to one function each. */
  targets: { path: string; function?: string }[];
  settings: Settings;
  preset: PresetName;
  provider: ModelProvider;
  files: WorkspaceFiles;
  store: ProvenanceStore;
  /** Needed by gates that run processes (tests, pyright); without it they are skipped. */
  processes?: ProcessRunner;
  /** Whether workspace code may run (the test gate); VS Code's workspace trust, the CLI's yes. */
  trusted: boolean;
  /** Whether the model may create files other than the targets. */
  allowNewFiles?: boolean;
  /** Folder holding user prompt templates that override the bundled ones. */
  promptsDir?: string;
  /** Folder for the symbol graph's cache (the CLI's store, the extension's storage). */
  cacheDir?: string;
  signal?: AbortSignal;
  logger?: Logger;
  clock?: Clock;
  onProgress?: (progress: RunProgress) => void;
}

export type RunStage = 'context' | 'plan' | 'generate' | 'validate' | 'repair' | 'risk' | 'record';

/** Progress for a notification or a terminal line: "Generating, attempt 1 of 3". */
export interface RunProgress {
  stage: RunStage;
  message: string;
  attempt?: number;
  of?: number;
}
