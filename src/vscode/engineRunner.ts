/** The half of the engine a run needs (see engine.ts): loaded with `loadRunner()` from loadEngine.ts. */
// Edit before approve: heavy (it runs the gates), so the runner's, not the engine's review/index.
export { reviseProposal, pipelineChecks } from '../core/review/revise';
export { runRefactor, RunInputError } from '../core/loop/runRefactor';
export { runGenerate } from '../core/loop/runGenerate';
export { testConventionFor } from '../core/loop/testConvention';
export { NodeProcessRunner } from '../core/host/nodeProcessRunner';
export { createProvider } from '../core/models/factory';
export { ReplayProvider } from '../core/models/replay';
export { VscodeLmProvider } from './vscodeLmProvider';
export { getSymbolGraph, disposeSymbolGraphs } from '../core/context';
export { disposeTsProjects } from '../core/validate/pipeline';
