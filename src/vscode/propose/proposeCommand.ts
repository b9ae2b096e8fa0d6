import * as vscode from 'vscode';
import type { RunRecord } from '../../core/provenance/schema';
import type { PresetName } from '../../core/settings';
import type { ReviewNode } from '../review/approvalTree';
import type { Session } from '../session';
import { presetChosenByUser, readVsCodeSettings } from '../settings';
import { runInEditor } from './guardedRunUi';
import { askInstruction, askPreset, rememberInstruction } from './instructionInput';
import { resolveTargets, type ProposeTargets } from './targets';

/** Given by Re-run, and by tests that drive the command without its prompts. */
export interface ProposeArgs {
  instruction: string;
  targets: { path: string; function?: string }[];
  preset?: PresetName;
}

export function isProposeArgs(x: unknown): x is ProposeArgs {
  return !!x && typeof x === 'object' && typeof (x as ProposeArgs).instruction === 'string' && Array.isArray((x as ProposeArgs).targets);
}

/**
 * Propose Refactor: targets, instruction and preset, then one guarded run under a cancellable
 * notification that names each stage. The engine never writes the user's files; the proposal goes
 * to the store and the Runs view, and is applied here only when auto-apply is on and the patch is
 * under the risk limit.
 */
export async function proposeRefactor(
  session: Session,
  reveal: (node: ReviewNode) => Promise<void>,
  first?: unknown,
  second?: unknown,
): Promise<RunRecord | undefined> {
  const { context, files } = session;
  const settings = await readVsCodeSettings(session.folder.uri);
  let chosen: ProposeTargets;
  let instruction: string | undefined;
  let preset: PresetName | undefined;
  if (isProposeArgs(first)) {
    chosen = { targets: first.targets };
    instruction = first.instruction;
    preset = first.preset ?? settings.preset;
    await rememberInstruction(context.workspaceState, instruction);
  } else {
    chosen = await resolveTargets(
      files,
      first instanceof vscode.Uri ? first : undefined,
      Array.isArray(second) ? (second as vscode.Uri[]) : undefined,
    );
    const label =
      chosen.targets.length === 1
        ? `${chosen.targets[0]!.path}${chosen.targets[0]!.function ? `, ${chosen.targets[0]!.function}()` : ''}`
        : `${chosen.targets.length} files`;
    instruction = await askInstruction(context.workspaceState, label);
    if (!instruction) return undefined;
    preset = presetChosenByUser(session.folder.uri) ? settings.preset : await askPreset(context.workspaceState, settings);
    if (!preset) return undefined;
  }
  const fullInstruction = chosen.focus ? `${instruction}\n\n${chosen.focus}` : instruction;

  return runInEditor(session, reveal, {
    describe: `"${instruction}" on ${chosen.targets.map((t) => t.path).join(', ')}`,
    settings,
    preset,
    start: ({ runRefactor }, options) => runRefactor({ ...options, instruction: fullInstruction, targets: chosen.targets }),
  });
}
