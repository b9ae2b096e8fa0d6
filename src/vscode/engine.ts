/**
 * Every heavy part the adapter uses, behind one module: the store and the zod schemas here, and
 * the runner (engineRunner.ts: the loop, tree-sitter, TypeScript, the gates, the model clients)
 * behind `loadRunner()`. The adapter reaches it only through `loadEngine()`, on first use, so
 * activation never evaluates it; and a build can emit it as its own file (an `engine` entry point,
 * with `./engine.js` external in the extension build) so that activation does not even parse it.
 * The Runs view reads the store as soon as it is shown, at startup when it was left open: that
 * must not evaluate TypeScript and the SDKs (about 450 ms on the extension host here), so the
 * runner is a dynamic import, evaluated when a run, a function lookup or the file watcher needs it.
 */
export { ProvenanceStore } from '../core/provenance/store';
export { StoreKey } from '../core/provenance/key';
export * as review from '../core/review';
export { SettingsSchema, readSettings } from '../core/settings';
export { formatFinding, isBlocking } from '../core/findings';
export { followersNote, groupCascades } from '../core/validate/cascades';

export function loadRunner(): Promise<typeof import('./engineRunner.js')> {
  return import('./engineRunner.js');
}
