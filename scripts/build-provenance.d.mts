// Types for scripts/build-provenance.mjs, for the TypeScript callers (tests, esbuild.mjs under tsx).
import type { BuildContext, BuildOptions } from 'esbuild';

export const provenanceBuildOptions: BuildOptions & { entryPoints: string[]; outfile: string };
export function copyCodicons(): void;
export function buildProvenancePage(options?: { production?: boolean; watch?: boolean }): Promise<BuildContext | undefined>;
