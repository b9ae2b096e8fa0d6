import { diffFiles } from '../edits/diff';
import type { Overlay } from '../edits/overlay';
import type { Finding } from '../findings';
import { sha256Hex } from '../provenance/hash';
import type { Patch } from '../provenance/schema';
import type { ProvenanceStore } from '../provenance/store';
import { scoreHunk, scorePatch } from '../risk/score';
import { getSymbolGraph, publicSymbolImpact } from '../context';
import type { Logger, WorkspaceFiles } from '../ports';
import type { LanguageId } from '../languages';
import type { CandidateFile } from '../validate/gate';
import { errorLine } from '../errorLine';
import { changedLineCoverage, type MeasuredLines } from './changedLineCoverage';

/** Where the symbol graph lives, for the blast radius of changed public symbols. */
export interface GraphSource {
  files: WorkspaceFiles;
  cacheDir?: string;
  logger: Logger;
}

/**
 * Turns the kept candidate into patches: one per changed file, with its unified diff and hunks,
 * risk per patch and per hunk, and the original and proposed bytes stored by sha256 so the
 * proposal can be applied later and rolled back to the exact bytes it replaced.
 */
export async function buildPatches(
  overlay: Overlay,
  findings: readonly Finding[],
  valid: boolean,
  store: ProvenanceStore,
  graph?: GraphSource,
  /** Lines the tests ran in the kept candidate, by file, where the test gate measured them. */
  coverage?: ReadonlyMap<string, MeasuredLines>,
): Promise<Patch[]> {
  const changed = overlay.changedFiles();
  const entries = new Map(overlay.entries().map((e) => [e.path, e]));
  const patches: Patch[] = [];
  let n = 0;
  for (const file of changed) {
    const entry = entries.get(file.path)!;
    patches.push(
      await buildPatch(
        {
          id: `p${++n}`,
          file,
          beforeBytes: entry.original.bytes,
          afterBytes: overlay.finalBytes(file.path),
          wholeFileWrite: entry.wholeFileWrite,
          matchKinds: [...new Set(entry.matchKinds)],
          findings: findings.filter((f) => f.file === file.path || (f.file === '' && f.tool === 'edit')),
          valid,
          filesInRun: changed.length,
          ...(file.after !== undefined && coverage?.get(file.path) ? { coverage: coverage.get(file.path)! } : {}),
        },
        store,
        graph,
      ),
    );
  }
  return patches;
}

/** One file's change, as buildPatch needs it. */
export interface PatchInput {
  id: string;
  file: CandidateFile;
  beforeBytes: Uint8Array | undefined;
  afterBytes: Uint8Array | undefined;
  wholeFileWrite: boolean;
  matchKinds: Patch['matchKinds'];
  /** Findings left on this file. */
  findings: Finding[];
  valid: boolean;
  filesInRun: number;
  coverage?: MeasuredLines;
}

/**
 * One patch: its diff and hunks, risk per patch and per hunk, coverage of its changed lines, and
 * both versions stored by sha256. A run's patches and a person's revision of one (review/revise.ts)
 * are built alike, so they are scored alike.
 */
export async function buildPatch(input: PatchInput, store: ProvenanceStore, graph?: GraphSource): Promise<Patch> {
  const { file } = input;
  const beforeSha256 = input.beforeBytes === undefined ? null : await store.blobs.put(input.beforeBytes);
  const afterSha256 = input.afterBytes === undefined ? null : await store.blobs.put(input.afterBytes);
  if (beforeSha256 !== null && beforeSha256 !== sha256Hex(input.beforeBytes!))
    throw new Error(`The blob store returned a wrong hash for ${file.path}.`);
  const diff = diffFiles(file.path, file.before, file.after);
  const common = {
    path: file.path,
    language: file.language,
    before: file.before,
    after: file.after,
    // A new file can only be written whole: that is the new_file factor, not a rewrite of anything.
    wholeFileWrite: input.wholeFileWrite && file.before !== undefined,
    findings: input.findings,
    filesInRun: input.filesInRun,
    ...(await blastRadiusCount(graph, file.path, file.language, file.before, file.after)),
  };
  const measured = input.coverage;
  const covered = diff.hunks.map((h) => (measured ? { ...h, coverage: changedLineCoverage([h], measured) } : h));
  const patchCoverage = measured ? changedLineCoverage(diff.hunks, measured) : undefined;
  const hunks = covered.map((h) => ({ ...h, risk: scoreHunk({ ...common, hunk: h }) }));
  return {
    id: input.id,
    file: file.path,
    ...(file.language ? { language: file.language } : {}),
    beforeSha256,
    afterSha256,
    linesAdded: diff.added,
    linesRemoved: diff.removed,
    matchKinds: input.matchKinds,
    valid: input.valid,
    risk: scorePatch({
      ...common,
      added: diff.added,
      removed: diff.removed,
      hunks: diff.hunks,
      ...(patchCoverage ? { coverage: patchCoverage } : {}),
    }),
    diff: diff.unified,
    hunks,
    ...(patchCoverage ? { coverage: patchCoverage } : {}),
    findings: input.findings,
  };
}

/**
 * Changed public symbols plus the files that use them, from the symbol graph. Without a graph, or
 * when it cannot answer, the risk score falls back to spotting declarations on changed lines.
 */
async function blastRadiusCount(
  graph: GraphSource | undefined,
  path: string,
  language: LanguageId | undefined,
  before: string | undefined,
  after: string | undefined,
): Promise<{ publicSymbols?: number }> {
  if (!graph || !language || before === undefined || after === undefined) return {};
  try {
    const impact = await publicSymbolImpact(
      getSymbolGraph({ files: graph.files, ...(graph.cacheDir ? { cacheDir: graph.cacheDir } : {}) }),
      path,
      language,
      before,
      after,
    );
    return { publicSymbols: impact.count };
  } catch (err) {
    graph.logger.warn(`Blast radius of ${path} not computed: ${errorLine(err)}`);
    return {};
  }
}
