/** The half of the engine a run needs (see engine.ts): loaded with `loadRunner()` from loadEngine.ts. */
export { runRefactor } from '../core/loop/runRefactor';
export { NodeProcessRunner } from '../core/host/nodeProcessRunner';
export { createProvider } from '../core/models/factory';
export { ReplayProvider } from '../core/models/replay';
export { functionAt } from './propose/functionAt';
export { VscodeLmProvider } from './vscodeLmProvider';
export { getSymbolGraph, disposeSymbolGraphs } from '../core/context';
export { disposeTsProjects } from '../core/validate/pipeline';
