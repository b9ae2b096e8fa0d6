import type { Finding } from '../findings';

/** A finding as a checker reports it, before it is compared with the "before" state. */
export type RawFinding = Omit<Finding, 'introduced'>;

/** A source file of a checked program, as the import search reads it. */
export interface ProgramFile {
  fileName: string;
  text: string;
  isDeclarationFile: boolean;
}

/**
 * One warm type checker for one project (a tsconfig, or the defaults for a workspace without one):
 * TypeScript 7's native checker (tsNative.ts) or TypeScript 6's LanguageService (tsServices.ts).
 * The type gate drives both through this, so "before", "after", importers and the introduced-only
 * comparison are the same code whichever checker judges; only the diagnostics differ in origin.
 */
export interface TypeChecker {
  /** Which checker judged, with its version: recorded on the gate run. */
  readonly checker: string;
  /** Results kept with the project while it is warm (the gate's "before" state). */
  readonly memo: Map<string, unknown>;
  remember(key: string, value: unknown): void;
  /** A cancelled signal or a passed deadline stops a check between files (or, for TypeScript 6, inside one). */
  limits: { signal?: AbortSignal; deadline: number };
  /** Puts texts in place of the disk's for the named absolute paths; undefined removes a file. */
  setOverlays(texts: ReadonlyMap<string, string | undefined>): void;
  /** Drops overlays so the disk shows through again. */
  clearOverlays(): void;
  fileExists(file: string): boolean;
  /** Syntactic and semantic diagnostics of one file of the program (none for a file outside it). */
  diagnosticsOf(file: string): RawFinding[];
  /** The program's files that are the workspace's own (no lib, no node_modules). */
  ownSourceFiles(): ProgramFile[];
  /** Resolves an import specifier written in `containingFile`, overlays included. */
  resolveImport(specifier: string, containingFile: string): string | undefined;
  /** What the "before" state depends on besides the candidate: the project and its files on disk. */
  stateKey(): Iterable<string>;
}
