/**
 * Every review decision, as transactions over a writer the host provides (writer.ts): approve and
 * apply (whole, some patches, some hunks, or all under a risk limit), reject, rollback, stale
 * detection, and recovery of what a killed process left. The CLI and the VS Code adapter call
 * these; neither decides anything itself.
 */
export { applyRun, type ApplyRequest } from './apply';
export { rejectRun, type RejectRequest } from './reject';
export { rollbackRun } from './rollback';
export { recordStaleIfChanged, type StaleCheckRequest } from './stale';
export { recoverJournal, type Recovered } from './recover';
export { findPatch, type ReviewContext } from './context';
export { ReviewError, type PatchOutcome } from './outcome';
export { workspaceWriter, type ReviewWriter } from './writer';
export { bytesWithHunks, hunkLinesIn, loadVersions, type PatchVersions } from './hunkBytes';
