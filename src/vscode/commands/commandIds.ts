/**
 * Every command the extension registers, in one list. The registrar (commandManager.ts) refuses an
 * id that is not here and answers for the commands here that need a workspace folder when there is
 * none; the unit test (test/unit/vscode/contributes.test.ts) holds this list and package.json
 * `contributes.commands` to each other. Kept free of 'vscode' so that test can load it under mocha.
 */
export interface CommandInfo {
  readonly id: string;
  /** It works on the workspace folder's session; without a folder it answers with one line saying so. */
  readonly needsSession: boolean;
}

/** The contributed commands: each is declared in package.json with the "Refactor Guard" category. */
export const COMMANDS = {
  proposeRefactor: { id: 'refactorGuard.proposeRefactor', needsSession: true },
  proposeCode: { id: 'refactorGuard.proposeCode', needsSession: true },
  rerun: { id: 'refactorGuard.rerun', needsSession: true },
  setApiKey: { id: 'refactorGuard.setApiKey', needsSession: false },
  clearApiKey: { id: 'refactorGuard.clearApiKey', needsSession: false },
  showLogs: { id: 'refactorGuard.showLogs', needsSession: false },

  refreshRuns: { id: 'refactorGuard.refreshRuns', needsSession: true },
  openPatchDiff: { id: 'refactorGuard.openPatchDiff', needsSession: true },
  editProposal: { id: 'refactorGuard.editProposal', needsSession: true },
  approvePatch: { id: 'refactorGuard.approvePatch', needsSession: true },
  approveHunk: { id: 'refactorGuard.approveHunk', needsSession: true },
  rejectPatch: { id: 'refactorGuard.rejectPatch', needsSession: true },
  rejectHunk: { id: 'refactorGuard.rejectHunk', needsSession: true },
  approveAllUnderMaxRisk: { id: 'refactorGuard.approveAllUnderMaxRisk', needsSession: true },
  rollbackRun: { id: 'refactorGuard.rollbackRun', needsSession: true },
  showFindings: { id: 'refactorGuard.showFindings', needsSession: true },
  showRiskFactors: { id: 'refactorGuard.showRiskFactors', needsSession: true },

  showRunStatus: { id: 'refactorGuard.showRunStatus', needsSession: true },
  listRuns: { id: 'refactorGuard.listRuns', needsSession: true },
  showStatistics: { id: 'refactorGuard.showStatistics', needsSession: true },
  exportProvenance: { id: 'refactorGuard.exportProvenance', needsSession: true },
  verifyProvenance: { id: 'refactorGuard.verifyProvenance', needsSession: true },
  refreshProvenance: { id: 'refactorGuard.refreshProvenance', needsSession: true },
  openProvenanceEditor: { id: 'refactorGuard.openProvenanceEditor', needsSession: true },
} as const satisfies Record<string, CommandInfo>;

/**
 * For the integration tests only: registered outside production mode, never declared in
 * package.json, so never in the palette. Their ids all start with `refactorGuard.test.`.
 */
export const TEST_COMMANDS = {
  /** What deactivate does to the engine's warm state, on demand. */
  flushEngineState: { id: 'refactorGuard.test.flushEngineState', needsSession: false },
  /** The view model last posted to the Provenance page (a ProvenanceTestState). */
  provenanceState: { id: 'refactorGuard.test.provenanceState', needsSession: true },
  /** Hands the Provenance view a message as if its page had sent it (a click). */
  provenanceMessage: { id: 'refactorGuard.test.provenanceMessage', needsSession: true },
  /** What the active editor's inline review draws: removed and added lines, and the CodeLens titles per hunk (an InlineTestState). */
  inlineState: { id: 'refactorGuard.test.inlineState', needsSession: true },
  /** The status-bar entry a finished run leaves ("2 patches ready for review"), or undefined. */
  readyForReview: { id: 'refactorGuard.test.readyForReview', needsSession: false },
} as const satisfies Record<string, CommandInfo>;

export const CONTRIBUTED_COMMANDS: readonly CommandInfo[] = Object.values(COMMANDS);
export const TEST_ONLY_COMMANDS: readonly CommandInfo[] = Object.values(TEST_COMMANDS);
