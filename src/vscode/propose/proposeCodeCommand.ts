import * as vscode from 'vscode';
import type { RunRecord } from '../../core/provenance/schema';
import { PRESET_NAMES, type PresetName } from '../../core/settings';
import { loadRunner } from '../loadEngine';
import type { ReviewNode } from '../review/approvalTree';
import type { Session } from '../session';
import { presetChosenByUser, readVsCodeSettings } from '../settings';
import { askModulePath, askTestFile, suggestModulePath } from './codeInput';
import { runInEditor, showRunInputProblem } from './guardedRunUi';
import { askPreset, askSpec, rememberSpec } from './instructionInput';

/** Given by Re-run, and by tests that drive the command without its prompts. */
export interface ProposeCodeArgs {
  spec: string;
  /** The files to write, workspace-relative. */
  paths: string[];
  /** The test file; absent: the model names one within the project's test convention. */
  tests?: string;
  preset?: PresetName;
}

export function isProposeCodeArgs(x: unknown): x is ProposeCodeArgs {
  if (!x || typeof x !== 'object') return false;
  const a = x as ProposeCodeArgs;
  return (
    typeof a.spec === 'string' &&
    Array.isArray(a.paths) &&
    a.paths.every((p) => typeof p === 'string') &&
    (a.tests === undefined || typeof a.tests === 'string')
  );
}

/**
 * Propose Code: a specification, the file to write and where its tests go, then the preset, then
 * one guarded run of runGenerate under the same notification as Propose Refactor. The new tests
 * are the code's proof and must run, so an untrusted workspace gets one line and no prompt.
 */
export async function proposeCode(
  session: Session,
  reveal: (node: ReviewNode) => Promise<void>,
  first?: unknown,
  second?: unknown,
): Promise<RunRecord | undefined> {
  if (!vscode.workspace.isTrusted) {
    showRunInputProblem(
      'untrusted',
      'Propose Code runs the new tests it writes, which this untrusted workspace may not do; nothing was changed.',
    );
    return undefined;
  }
  const { context, files } = session;
  const settings = await readVsCodeSettings(session.folder.uri);
  let spec: string | undefined;
  let paths: string[];
  let tests: string | undefined;
  let preset: PresetName | undefined;
  if (isProposeCodeArgs(first)) {
    spec = first.spec;
    paths = first.paths;
    tests = first.tests;
    preset = first.preset && PRESET_NAMES.includes(first.preset) ? first.preset : settings.preset;
    await rememberSpec(context.workspaceState, spec);
  } else {
    // From the explorer: the item right-clicked (with several selected, the first of them).
    const invokedOn =
      first instanceof vscode.Uri ? first : Array.isArray(second) && second[0] instanceof vscode.Uri ? second[0] : undefined;
    spec = await askSpec(context.workspaceState);
    if (!spec) return undefined;
    const modulePath = await askModulePath(files, await suggestModulePath(files, invokedOn));
    if (!modulePath) return undefined;
    const { testConventionFor } = await loadRunner();
    const choice = await askTestFile(files, modulePath, await testConventionFor(files, modulePath));
    if (!choice) return undefined;
    paths = [modulePath];
    tests = choice.tests;
    preset = presetChosenByUser(session.folder.uri) ? settings.preset : await askPreset(context.workspaceState, settings);
    if (!preset) return undefined;
  }
  const instruction = spec;

  return runInEditor(session, reveal, {
    describe: `generate "${instruction}" into ${[...paths, ...(tests !== undefined ? [tests] : [])].join(', ')}`,
    settings,
    preset,
    start: ({ runGenerate }, options) => runGenerate({ ...options, instruction, paths, ...(tests !== undefined ? { tests } : {}) }),
  });
}

/**
 * What Re-run gives Propose Code for a generate run: the record's targets are the files to write,
 * and `testFile`, when the person named one, is among them (a test file the model chose is not).
 */
export function proposeCodeArgsOf(run: {
  instruction: string;
  targets: { path: string }[];
  preset: string;
  testFile?: string | undefined;
}): ProposeCodeArgs {
  const tests = run.testFile;
  const paths = run.targets.map((t) => t.path).filter((p) => p !== tests);
  const preset = PRESET_NAMES.find((p) => p === run.preset);
  return { spec: run.instruction, paths, ...(tests !== undefined ? { tests } : {}), ...(preset ? { preset } : {}) };
}
