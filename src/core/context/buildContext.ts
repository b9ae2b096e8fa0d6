/**
 * The context of a run: from the targets (files, or one function) and the instruction, what the
 * model sees, cut to a token budget. The engine calls `buildContext`; the CLI's `context` command
 * prints `formatContextReport` of the result. One symbol graph is kept warm per cache folder, so
 * repeated runs in one process (the editor) re-stat files instead of re-parsing them.
 */
import { languageOf } from '../languages';
import { CancelledError, throwIfAborted, type Logger, type WorkspaceFiles } from '../ports';
import { normalizeWorkspacePath } from '../workspacePath';
import { findDefinitionIndex } from './functions';
import { planCandidates, type ResolvedTarget } from './plan';
import { defKey, rank } from './rank';
import { fitToBudget, type Candidate, type ContextPiece } from './render';
import { contentHash } from './graphCache';
import { SymbolGraph, decode, type BuildProgress } from './symbolGraph';
import { TOKENIZER_NAME } from './tokens';

export type { ContextPiece } from './render';

export interface ContextTarget {
  /** Workspace-relative path. */
  path: string;
  /** Narrow the target to this function or method (`name` or `Class.name`). */
  function?: string;
}

export interface BuildContextOptions {
  files: WorkspaceFiles;
  /** Folder for the graph's disk cache (CLI: `<workspace>/.refactor-guard/cache/`). */
  cacheDir?: string;
  targets: ContextTarget[];
  instruction: string;
  budgetTokens: number;
  /** Send the whole target files and nothing else. */
  wholeFiles?: boolean;
  signal?: AbortSignal;
  /** How long to wait for a graph build still running before using what is indexed so far. Default 60 s. */
  waitMs?: number;
  onProgress?: (p: BuildProgress) => void;
  /** Files larger than this are not indexed (noted). Default 512 KiB. */
  maxFileBytes?: number;
  logger?: Logger;
}

export interface ContextResult {
  text: string;
  tokens: number;
  /** Matches provenance RunRecord.context.pieces (plus line ranges). */
  pieces: ContextPiece[];
  notes: string[];
}

const graphs = new Map<string, SymbolGraph>();

/** The warm graph for this cache folder (or, without one, this workspace root), made on first use. */
export function getSymbolGraph(opts: { files: WorkspaceFiles; cacheDir?: string; maxFileBytes?: number; logger?: Logger }): SymbolGraph {
  const key = opts.cacheDir ? `cache:${opts.cacheDir}` : `root:${opts.files.root}`;
  let g = graphs.get(key);
  if (!g || g.maxFileBytes !== (opts.maxFileBytes ?? g.maxFileBytes)) {
    g = new SymbolGraph(opts);
    graphs.set(key, g);
  }
  // The host object may be new per run; the graph reads through the latest one.
  g.files = opts.files;
  return g;
}

/** Drops every warm graph (tests; the extension on deactivate). */
export function disposeSymbolGraphs(): void {
  graphs.clear();
}

export async function buildContext(opts: BuildContextOptions): Promise<ContextResult> {
  if (!Number.isFinite(opts.budgetTokens) || opts.budgetTokens <= 0)
    throw new Error(`The context budget must be a positive number of tokens, not ${opts.budgetTokens}.`);
  if (opts.targets.length === 0) throw new Error('The context needs at least one target file.');
  const budget = Math.floor(opts.budgetTokens);
  const paths = opts.targets.map((t) => normalizeWorkspacePath(t.path));
  throwIfAborted(opts.signal);

  if (opts.wholeFiles) return wholeFilesContext(opts, paths, budget);

  const graph = getSymbolGraph(opts);
  const notes: string[] = [];
  await waitForBuild(graph, opts, notes);
  await graph.ensureListed();
  await graph.ensureIndexed(paths, opts.signal);

  const targets: ResolvedTarget[] = [];
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i]!;
    const text = await graph.currentText(path);
    if (text === undefined) throw new Error(`Target ${path} does not exist in the workspace.`);
    const entry = graph.entry(path);
    const tags = entry?.tags;
    if (entry?.skipped) notes.push(`Target ${path} is not indexed (${entry.skipped}); sending it without its neighbours.`);
    const fn = opts.targets[i]!.function;
    let defIndex: number | undefined;
    if (fn !== undefined) {
      defIndex = tags ? findDefinitionIndex(tags.defs, fn) : undefined;
      if (defIndex === undefined) throw new Error(`Function "${fn}" was not found in ${path}.`);
    }
    targets.push({ path, language: languageOf(path), text, tags, defIndex });
  }
  // The targets' imports are what the plan looks at first; index them now if the build has not.
  await graph.ensureIndexed(
    targets.flatMap((t) => [...graph.importsOf(t.path)]),
    opts.signal,
  );

  const seeds = targets.flatMap((t) =>
    t.defIndex !== undefined
      ? [defKey({ path: t.path, index: t.defIndex })]
      : [t.path, ...(t.tags?.defs.map((_, index) => defKey({ path: t.path, index })) ?? [])],
  );
  const ranking = rank({ graph, seeds, instruction: opts.instruction });
  throwIfAborted(opts.signal);
  const texts = new Map<string, Promise<string | undefined>>();
  const changed: string[] = [];
  // Line numbers come from the indexed tags, so a file is quoted only as it was indexed; one that
  // changed since (an edit racing the run) is left out rather than quoted at the wrong lines.
  const indexedText = async (p: string): Promise<string | undefined> => {
    const bytes = await opts.files.read(p);
    if (!bytes) return undefined;
    if (contentHash(bytes) !== graph.entry(p)?.hash) {
      changed.push(p);
      return undefined;
    }
    return decode(bytes);
  };
  const candidates = await planCandidates({
    graph,
    ranking,
    targets,
    text: (p) => {
      let t = texts.get(p);
      if (!t) texts.set(p, (t = indexedText(p)));
      return t;
    },
  });
  if (changed.length > 0) notes.push(`Changed while the context was built, so left out: ${changed.join(', ')}.`);
  const rendered = fitToBudget(candidates, budget);
  notes.push(...budgetNotes(rendered.left, budget), ...skippedNotes(graph.notes()));
  return { text: rendered.text, tokens: rendered.tokens, pieces: rendered.pieces, notes };
}

async function wholeFilesContext(opts: BuildContextOptions, paths: string[], budget: number): Promise<ContextResult> {
  const candidates: Candidate[] = [];
  for (const path of paths) {
    const bytes = await opts.files.read(path);
    if (!bytes) throw new Error(`Target ${path} does not exist in the workspace.`);
    const text = decode(bytes);
    const lines = text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
    candidates.push({
      path,
      language: languageOf(path),
      kind: 'file',
      reason: 'target',
      startLine: 1,
      endLine: Math.max(1, lines),
      code: text,
      claimsLines: true,
      required: true,
    });
  }
  const rendered = fitToBudget(candidates, budget);
  return { text: rendered.text, tokens: rendered.tokens, pieces: rendered.pieces, notes: budgetNotes(rendered.left, budget) };
}

async function waitForBuild(graph: SymbolGraph, opts: BuildContextOptions, notes: string[]): Promise<void> {
  const build = graph.refresh({ signal: opts.signal, onProgress: opts.onProgress });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), opts.waitMs ?? 60_000);
  });
  try {
    const outcome = await Promise.race([build.then(() => 'built' as const), timeout]);
    if (outcome === 'timeout') {
      build.catch(() => undefined);
      const indexed = [...graph.allEntries()].length;
      notes.push(`The symbol graph is still being built (${indexed} files indexed so far); this context uses what is indexed.`);
    }
  } catch (err) {
    if (err instanceof CancelledError) throw err;
    notes.push(
      `The symbol graph could not be built (${err instanceof Error ? err.message : String(err)}); only the targets and their imports are indexed.`,
    );
  } finally {
    clearTimeout(timer);
  }
}

function budgetNotes(left: readonly Candidate[], budget: number): string[] {
  const notes: string[] = [];
  for (const c of left.filter((x) => x.required)) {
    notes.push(
      `Target ${c.path}${c.detail ? ` (${c.detail})` : ''} does not fit the budget of ${budget} tokens and was left out; raise the budget.`,
    );
  }
  const counts = new Map<string, number>();
  for (const c of left) if (!c.required) counts.set(c.reason, (counts.get(c.reason) ?? 0) + 1);
  if (counts.size > 0) {
    notes.push(`Left out for the budget: ${[...counts].map(([reason, n]) => `${n} × ${reason}`).join(', ')}.`);
  }
  return notes;
}

function skippedNotes(all: string[]): string[] {
  if (all.length <= 6) return all;
  return [...all.slice(0, 5), `… and ${all.length - 5} more notes from indexing.`];
}

/** Human-readable: each piece with its reason and tokens, then the total and the notes. */
export function formatContextReport(result: ContextResult): string {
  const rows = result.pieces.map((p) => {
    const where =
      p.startLine === undefined
        ? p.path
        : `${p.path}:${p.startLine}${p.endLine !== undefined && p.endLine !== p.startLine ? `-${p.endLine}` : ''}`;
    return { reason: p.reason, where, kind: p.kind, tokens: String(p.tokens) };
  });
  const w = (k: 'reason' | 'where' | 'kind' | 'tokens'): number => Math.max(k.length, ...rows.map((r) => r[k].length));
  const lines = [
    `${'reason'.padEnd(w('reason'))}  ${'where'.padEnd(w('where'))}  ${'kind'.padEnd(w('kind'))}  ${'tokens'.padStart(w('tokens'))}`,
    ...rows.map(
      (r) =>
        `${r.reason.padEnd(w('reason'))}  ${r.where.padEnd(w('where'))}  ${r.kind.padEnd(w('kind'))}  ${r.tokens.padStart(w('tokens'))}`,
    ),
    `Total: ${result.tokens} tokens in ${result.pieces.length} pieces (counted with ${TOKENIZER_NAME}).`,
  ];
  if (result.notes.length > 0) lines.push('Notes:', ...result.notes.map((n) => `- ${n}`));
  return lines.join('\n');
}
