import type { CoverageResult } from './coverage/lineCoverage';
import type { Finding } from '../findings';
import type { LanguageId } from '../languages';
import type { Logger, ProcessRunner, WorkspaceFiles } from '../ports';
import type { GateSettings, SettingsSlice } from './gateSettings';

export type { GateSettings } from './gateSettings';

/** The order gates meet a candidate: syntax, then types and lint, then the guard rules, then tests. */
export type GateStage = 'syntax' | 'semantic' | 'rules' | 'tests';

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

export interface GateContext<S = GateSettings> {
  files: WorkspaceFiles;
  processes?: ProcessRunner;
  logger: Logger;
  signal?: AbortSignal;
  /** The run's instruction, for rules that depend on what was asked (a rewrite may change much). */
  instruction: string;
  /** Whether the workspace is trusted: gates that run workspace code refuse otherwise. */
  trusted: boolean;
  /** The settings in force; a gate's check sees only the slice it declares (`Gate.settings`). */
  settings: S;
  /** Files the run names as tests (a generate run's --tests): judged as test files whatever their name. */
  testFiles?: readonly string[];
}

export interface GateResult {
  gate: string;
  findings: Finding[];
  durationMs: number;
  /** Set when the gate did not run, with the reason ("no TypeScript files", "untrusted workspace"). */
  skipped?: string;
  /** Which checker judged, with its version, and why not the preferred one ("TypeScript 7.0.2 (native)"). */
  checker?: string;
  /** The test gate's coverage of the candidate's files, where measured (not stored as such: patches carry its summary). */
  coverage?: CoverageResult;
}

/**
 * A gate inspects a whole candidate (all changed files at once, since a type error can appear in a
 * file the patch did not touch) and returns findings with `introduced` set: only findings absent
 * before the patch may block it.
 */
export interface Gate<S = GateSettings> {
  readonly name: string;
  /** Where the gate runs in the pipeline (see pipeline.ts for what each stage holds back). */
  readonly stage: GateStage;
  /** The settings it reads, a slice of GateSettingsSchema: the pipeline hands it exactly these. */
  readonly settings: SettingsSlice<S>;
  check(files: readonly CandidateFile[], ctx: GateContext<S>): Promise<GateResult>;
  dispose?(): void;
}

/** A gate of any slice, as lists of gates hold them (each is handed its own slice when it runs). */
export type AnyGate = Gate<any>;
