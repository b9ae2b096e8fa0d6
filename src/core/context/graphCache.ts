/**
 * The symbol graph's disk cache: one JSON file in a folder the caller gives (the CLI passes
 * `<workspace>/.refactor-guard/cache/`, the extension its storage folder). It holds each file's
 * size, mtime, content hash and tags, so that a warm start stats files instead of parsing them.
 * A cache from other queries (a new release) or that does not parse is ignored, never trusted.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileDurably } from '../host/durableWrite';
import { readRegularFile } from '../host/regularFile';
import type { LanguageId } from '../languages';
import { TAG_QUERIES } from './queries';
import type { FileTags } from './tags';

export interface FileEntry {
  path: string;
  language: LanguageId;
  size: number;
  mtimeMs: number;
  /** sha1 of the bytes; empty for a file skipped before reading (too large). */
  hash: string;
  /** Why the file is not indexed (too large, binary, did not parse). */
  skipped?: string;
  tags?: FileTags;
}

interface CacheDocument {
  format: 'refactor-guard-symbol-graph';
  /** Changes whenever the queries or the extractor change, so stale tags are never reused. */
  version: string;
  root: string;
  maxFileBytes: number;
  files: FileEntry[];
}

/** Bump when tags.ts changes what it extracts. */
const EXTRACTOR_VERSION = 2;
export const CACHE_FILE = 'symbol-graph.json';

let cachedVersion: string | undefined;
function cacheVersion(): string {
  cachedVersion ??= createHash('sha1').update(String(EXTRACTOR_VERSION)).update(JSON.stringify(TAG_QUERIES)).digest('hex').slice(0, 16);
  return cachedVersion;
}

/** The cached entries, or undefined when there is no usable cache for this root and size limit. */
export async function loadGraphCache(cacheDir: string, root: string, maxFileBytes: number): Promise<FileEntry[] | undefined> {
  let text: string;
  try {
    // The cache sits in the workspace; a FIFO put there must not block the run (it is just no cache).
    text = (await readRegularFile(path.join(cacheDir, CACHE_FILE))).toString('utf8');
  } catch {
    return undefined;
  }
  try {
    const doc = JSON.parse(text) as Partial<CacheDocument>;
    if (doc.format !== 'refactor-guard-symbol-graph' || doc.version !== cacheVersion()) return undefined;
    if (doc.root !== root || doc.maxFileBytes !== maxFileBytes || !Array.isArray(doc.files)) return undefined;
    return doc.files.filter(isEntry);
  } catch {
    return undefined;
  }
}

export async function saveGraphCache(cacheDir: string, root: string, maxFileBytes: number, files: Iterable<FileEntry>): Promise<void> {
  const doc: CacheDocument = { format: 'refactor-guard-symbol-graph', version: cacheVersion(), root, maxFileBytes, files: [...files] };
  await fs.mkdir(cacheDir, { recursive: true });
  await writeFileDurably(path.join(cacheDir, CACHE_FILE), new TextEncoder().encode(JSON.stringify(doc)));
}

function isEntry(e: unknown): e is FileEntry {
  if (typeof e !== 'object' || e === null) return false;
  const f = e as Partial<FileEntry>;
  return (
    typeof f.path === 'string' &&
    typeof f.language === 'string' &&
    typeof f.size === 'number' &&
    typeof f.mtimeMs === 'number' &&
    typeof f.hash === 'string'
  );
}

export function contentHash(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}
