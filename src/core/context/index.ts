/** The context subsystem's public surface: what the engine, the CLI and the editor call. */
export { buildContext, disposeSymbolGraphs, formatContextReport, getSymbolGraph } from './buildContext';
export type { BuildContextOptions, ContextPiece, ContextResult, ContextTarget } from './buildContext';
export { blastRadius, changedPublicSymbols, publicSymbolImpact } from './blastRadius';
export type { BlastRadiusEntry, PublicSymbolImpact } from './blastRadius';
export { findFunction, functionAt } from './functions';
export type { FunctionRange } from './functions';
export { DEFAULT_MAX_FILE_BYTES, SymbolGraph } from './symbolGraph';
export type { BuildProgress, GraphOptions, RefreshOptions } from './symbolGraph';
export { countTokens, TOKENIZER_NAME } from './tokens';
