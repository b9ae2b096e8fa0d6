/**
 * The tree-sitter trees the gates share: one parse per text, made by whichever gate asks first
 * (the syntax gate for the languages tree-sitter decides, else the first rule that reads a tree)
 * and read by every later one, across the attempts of a run. The text after a patch is parsed
 * incrementally from the tree of the text before it (`base`), which the memo usually holds
 * already: "before" repeats across attempts, and a one-line edit to a 5k-line file reparses in
 * well under a millisecond where a full parse takes ~25 ms (FACTS.md).
 *
 * Why a module-level cache and not a field of GateContext: the contexts are made by the run loop,
 * the review and the CLI, each its own way and sometimes per attempt, while trees are worth
 * keeping exactly as long as their texts keep coming back, which a bounded LRU decides by itself.
 * Its lifetime is the process (or the worker thread the engine runs in: each thread has its own
 * memo, as it has its own tree-sitter runtime). Bounded by count and by characters of source,
 * because a tree costs wasm memory that never returns to the OS; an evicted tree is deleted at
 * once, or when the last reader using it lets go. `disposeParseMemo` frees everything.
 */
import { Edit } from 'web-tree-sitter';
import type { LanguageId } from '../languages';
import { parserFor, parseWith, type Tree } from './treeSitter';

/** Trees kept at most, and their texts' total length in UTF-16 units (about 16 MB of source). */
export const PARSE_MEMO_LIMITS = { trees: 24, chars: 8 * 1024 * 1024 };

/** An incremental reparse is tried only when the unchanged prefix and suffix cover this share of the text. */
const MIN_SHARED_SHARE = 0.5;

export interface MemoTreeOptions {
  /** A text the new one was likely edited from (the file before the patch), whose tree may be a starting point. */
  base?: string;
  signal?: AbortSignal;
}

interface Entry {
  language: LanguageId;
  text: string;
  tree: Tree;
  /** Readers inside `withMemoTree` right now: an entry they hold is not deleted under them. */
  pins: number;
  /** Evicted while pinned: deleted when the last pin goes. */
  evicted: boolean;
}

/** Per language, per text. A Map keeps insertion order, which `touch` turns into recency. */
const memo = new Map<LanguageId, Map<string, Entry>>();
/** Every entry, least recently used first. */
const order = new Set<Entry>();
let chars = 0;

const stats = { fullParses: 0, incrementalParses: 0, hits: 0, evictions: 0, liveTrees: 0 };

/** Counters for tests and benches: parses by kind, hits, evictions, and trees made and not yet deleted. */
export function parseMemoStats(): Readonly<typeof stats> {
  return { ...stats };
}

/**
 * Hands `fn` the tree of `text`, from the memo or parsed now (incrementally from `base`'s tree when
 * the memo has it). The tree belongs to the memo: `fn` must not delete or edit it, nor keep it
 * (or its nodes) after it returns.
 */
export async function withMemoTree<T>(
  language: LanguageId,
  text: string,
  fn: (tree: Tree) => T | Promise<T>,
  options: MemoTreeOptions = {},
): Promise<T> {
  const parser = await parserFor(language);
  // From here to the pin all is synchronous, so no other caller can evict the entry in between.
  const entry = lookup(language, text) ?? insert(language, text, parse(parser, language, text, options));
  entry.pins++;
  try {
    return await fn(entry.tree);
  } finally {
    entry.pins--;
    if (entry.evicted && entry.pins === 0) free(entry);
    else evictOverLimits();
  }
}

/** Deletes every tree not in use now, and the rest as soon as their readers let go. */
export function disposeParseMemo(): void {
  for (const entry of [...order]) remove(entry);
}

function lookup(language: LanguageId, text: string, counted = true): Entry | undefined {
  const entry = memo.get(language)?.get(text);
  if (!entry) return undefined;
  if (counted) stats.hits++;
  order.delete(entry);
  order.add(entry);
  return entry;
}

function parse(parser: Parameters<typeof parseWith>[0], language: LanguageId, text: string, options: MemoTreeOptions): Tree {
  // Using an entry as a base is a use: the text before a patch is the base of every attempt's text.
  const base = options.base === undefined || options.base === text ? undefined : lookup(language, options.base, false);
  const edit = base ? editBetween(base.text, text) : undefined;
  if (base && edit) {
    const old = base.tree.copy();
    try {
      old.edit(new Edit(edit));
      const tree = parseWith(parser, language, text, { oldTree: old, signal: options.signal });
      stats.liveTrees++;
      // Error recovery may settle differently when it starts from an old tree; a tree with errors
      // is made afresh, so what the gates report never depends on which text came before.
      if (!tree.rootNode.hasError) {
        stats.incrementalParses++;
        return tree;
      }
      tree.delete();
      stats.liveTrees--;
    } finally {
      old.delete();
    }
  }
  const tree = parseWith(parser, language, text, { signal: options.signal });
  stats.liveTrees++;
  stats.fullParses++;
  return tree;
}

function insert(language: LanguageId, text: string, tree: Tree): Entry {
  const entry: Entry = { language, text, tree, pins: 0, evicted: false };
  let byText = memo.get(language);
  if (!byText) memo.set(language, (byText = new Map()));
  byText.set(text, entry);
  order.add(entry);
  chars += text.length;
  // Eviction waits for the caller's pin (`withMemoTree`'s finally): a text over the limits alone
  // must still reach its reader before its tree goes.
  return entry;
}

/** Evicts least recently used entries until within the limits; pinned ones go when released. */
function evictOverLimits(): void {
  for (const entry of order) {
    if (order.size <= PARSE_MEMO_LIMITS.trees && chars <= PARSE_MEMO_LIMITS.chars) return;
    if (entry.pins > 0) continue;
    stats.evictions++;
    remove(entry);
  }
}

function remove(entry: Entry): void {
  order.delete(entry);
  const byText = memo.get(entry.language);
  if (byText?.get(entry.text) === entry) byText.delete(entry.text);
  chars -= entry.text.length;
  entry.evicted = true;
  if (entry.pins === 0) free(entry);
}

function free(entry: Entry): void {
  entry.tree.delete();
  stats.liveTrees--;
}

export interface TreeEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: { row: number; column: number };
  oldEndPosition: { row: number; column: number };
  newEndPosition: { row: number; column: number };
}

/**
 * The one edit that turns `before` into `after`: what lies between their common prefix and common
 * suffix, in UTF-16 units and tree-sitter points (rows split at `\n`, columns in UTF-16 units, as
 * web-tree-sitter counts them). Undefined when the texts share too little for a reparse to gain.
 */
export function editBetween(before: string, after: string): TreeEdit | undefined {
  const max = Math.min(before.length, after.length);
  // Binary searches over slice comparisons (memcmp in the engine): 40x faster than a loop of charCodeAt.
  let start = longest(max, (n, from) => before.slice(from, n) === after.slice(from, n));
  // Never split a surrogate pair.
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  let tail = longest(
    max - start,
    (n, from) => before.slice(before.length - n, before.length - from) === after.slice(after.length - n, after.length - from),
  );
  if (tail > 0 && isLowSurrogate(after.charCodeAt(after.length - tail))) tail--;
  if (start + tail < MIN_SHARED_SHARE * Math.max(before.length, after.length)) return undefined;
  const startPosition = pointAt(before, start);
  return {
    startIndex: start,
    oldEndIndex: before.length - tail,
    newEndIndex: after.length - tail,
    startPosition,
    oldEndPosition: pointFrom(before, start, startPosition, before.length - tail),
    newEndPosition: pointFrom(after, start, startPosition, after.length - tail),
  };
}

/** The largest n ≤ max with same(n): same(n, from) says whether the pieces from `from` to n agree, given that those up to `from` do. */
function longest(max: number, same: (n: number, from: number) => boolean): number {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (same(mid, lo)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function pointAt(text: string, index: number): { row: number; column: number } {
  return pointFrom(text, 0, { row: 0, column: 0 }, index);
}

/** The point of `index`, counting on from a known point at `from`. */
function pointFrom(text: string, from: number, at: { row: number; column: number }, index: number): { row: number; column: number } {
  let row = at.row;
  let lineStart = from - at.column;
  for (let nl = text.indexOf('\n', from); nl !== -1 && nl < index; nl = text.indexOf('\n', nl + 1)) {
    row++;
    lineStart = nl + 1;
  }
  return { row, column: index - lineStart };
}
