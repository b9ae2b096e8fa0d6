import type { Finding } from '../findings';
import type { LanguageId } from '../languages';
import type { Logger, ProcessRunner, WorkspaceFiles } from '../ports';

/** One file of a candidate as the gates see it: the text before the patch and after it. */
export interface CandidateFile {
  /** Workspace-relative path, forward slashes. */
  path: string;
  language: LanguageId | undefined;
  /** Decoded text before the patch (BOM stripped), or undefined for a new file. */
  before: string | undefined;
  /** Decoded text after the patch (BOM stripped); undefined when the patch deletes the file. */
  after: string | undefined;
  /** True when the file was produced by write_file (a whole-file write). */
  wholeFileWrite?: boolean;
}

export interface GateContext {
  files: WorkspaceFiles;
  processes?: ProcessRunner;
  logger: Logger;
  signal?: AbortSignal;
  /** The run's instruction, for rules that depend on what was asked (a rewrite may change much). */
  instruction: string;
  /** Whether the workspace is trusted: gates that run workspace code refuse otherwise. */
  trusted: boolean;
  /** Gate settings (thresholds, commands); each gate reads its own part. */
  settings: GateSettings;
}

export interface GateSettings {
  /** Command run by the test gate in a sandbox copy; undefined turns the gate off. */
  testCommand?: string;
  testTimeoutMs: number;
  /** Set by safe mode: the syntax gate always runs. */
  safeMode: boolean;
  /** Arbitrary per-gate options: rules thresholds, ruff rule selection, pyright path... */
  [key: string]: unknown;
}

export interface GateResult {
  gate: string;
  findings: Finding[];
  durationMs: number;
  /** Set when the gate did not run, with the reason ("no TypeScript files", "untrusted workspace"). */
  skipped?: string;
}

/**
 * A gate inspects a whole candidate (all changed files at once, since a type error can appear in a
 * file the patch did not touch) and returns findings with `introduced` set: only findings absent
 * before the patch may block it.
 */
export interface Gate {
  readonly name: string;
  check(files: readonly CandidateFile[], ctx: GateContext): Promise<GateResult>;
  dispose?(): void;
}
