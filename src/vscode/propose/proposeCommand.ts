import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../core/provenance/schema';
import type { PresetName } from '../../core/settings';
import type { ReviewNode } from '../review/approvalTree';
import { applyUnderMaxRisk } from '../review/decisions';
import { openPatchDiff } from '../review/proposalDocuments';
import { toAbortSignal } from '../host/cancellation';
import { loadRunner } from '../loadEngine';
import { engineLogger, log, showLoggedError } from '../log';
import { createProvider } from '../providers';
import type { Session } from '../session';
import { presetChosenByUser, readVsCodeSettings } from '../settings';
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
    preset = presetChosenByUser(session.folder.uri) ? settings.preset : await askPreset(settings.preset);
    if (!preset) return undefined;
  }
  const fullInstruction = chosen.focus ? `${instruction}\n\n${chosen.focus}` : instruction;

  const record = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Refactor Guard', cancellable: true },
    async (progress, token) => {
      // The notification shows at once; loading the engine the first time takes a moment.
      progress.report({ message: 'Starting' });
      const { runRefactor, NodeProcessRunner } = await loadRunner();
      const provider = await createProvider(context, settings, preset!, files.root);
      const store = await session.store();
      log().info(
        `Run: "${instruction}" on ${chosen.targets.map((t) => t.path).join(', ')}, preset ${preset}, ${provider.label}, trusted ${vscode.workspace.isTrusted}`,
      );
      const abort = toAbortSignal(token);
      try {
        return await runRefactor({
          instruction: fullInstruction,
          targets: chosen.targets,
          settings,
          preset: preset!,
          provider,
          files,
          store,
          cacheDir: session.cacheDir,
          processes: new NodeProcessRunner(),
          // Workspace trust: an untrusted folder's test command never runs.
          trusted: vscode.workspace.isTrusted,
          ...(settings.promptsFolder ? { promptsDir: resolveFolder(files.root, settings.promptsFolder) } : {}),
          signal: abort.signal,
          logger: engineLogger(),
          onProgress: (p) => {
            log().info(`[${p.stage}] ${p.message}`);
            progress.report({ message: p.message });
          },
        });
      } finally {
        abort.dispose();
      }
    },
  );
  session.changed();
  await reveal({ kind: 'run', runId: record.runId }).catch(() => undefined);
  await announce(session, record, settings.autoApply ? settings.maxRisk : undefined);
  return record;
}

function resolveFolder(root: string, folder: string): string {
  return path.isAbsolute(folder) ? folder : path.join(root, folder);
}

async function announce(session: Session, record: RunRecord, autoApplyUnder: number | undefined): Promise<void> {
  const valid = record.patches.filter((p) => p.valid);
  if (record.status === 'proposed' && autoApplyUnder !== undefined) {
    const outcomes = await applyUnderMaxRisk(session, record.runId, autoApplyUnder, 'auto-apply');
    const applied = outcomes.filter((o) => o.outcome === 'applied').map((o) => o.file);
    for (const o of outcomes.filter((x) => x.outcome !== 'applied')) log().warn(`Auto-apply skipped ${o.file}: ${o.message}`);
    if (applied.length > 0) log().info(`Auto-applied (risk at most ${autoApplyUnder}): ${applied.join(', ')}`);
  }
  log().info(
    `Run ${record.runId}: ${record.status}${record.error ? ` (${record.error.kind}: ${record.error.message})` : ''}, ${record.patches.length} patch(es), ${record.attempts.length} attempt(s)`,
  );
  switch (record.status) {
    case 'proposed': {
      const maxRisk = Math.max(...record.patches.map((p) => p.risk.score));
      // Not awaited: the run is done whether or not anyone answers the toast.
      void vscode.window
        .showInformationMessage(`Refactor Guard: ${valid.length} patch(es) ready for review, highest risk ${maxRisk.toFixed(2)}.`, 'Review')
        .then((choice) => {
          if (choice === 'Review' && valid[0]) void openPatchDiff(session, record.runId, valid[0].id);
        });
      break;
    }
    case 'no_valid_patch':
      void vscode.window.showWarningMessage(
        `Refactor Guard: no candidate passed the gates after ${record.attempts.length} attempt(s); nothing was changed. See the run in the Runs view.`,
      );
      break;
    case 'no_changes':
      void vscode.window.showInformationMessage('Refactor Guard: the model proposed no changes.');
      break;
    case 'cancelled':
      void vscode.window.showInformationMessage('Refactor Guard: cancelled; nothing was written.');
      break;
    default:
      // The run's error is in the log already (above); the user gets its first line.
      showLoggedError(record.error?.message ?? record.status);
  }
}
