/**
 * Every heavy part the adapter uses, behind one module: the engine (tree-sitter, TypeScript, the
 * gates), the store, the model clients, and the zod schemas. The adapter reaches it only through
 * `loadEngine()`, on first use, so activation never evaluates it; and a build can emit it as its
 * own file (an `engine` entry point, with `./engine.js` external in the extension build) so that
 * activation does not even parse it.
 */
export { runRefactor } from '../core/loop/runRefactor';
export { NodeProcessRunner } from '../core/host/nodeProcessRunner';
export { ProvenanceStore } from '../core/provenance/store';
export { createProvider } from '../core/models/factory';
export { ReplayProvider } from '../core/models/replay';
export { SettingsSchema, readSettings } from '../core/settings';
export { formatFinding, isBlocking } from '../core/findings';
export { functionAt } from './propose/functionAt';
export { VscodeLmProvider } from './vscodeLmProvider';
export { getSymbolGraph, disposeSymbolGraphs } from '../core/context';
export { disposeTsProjects } from '../core/validate/pipeline';
