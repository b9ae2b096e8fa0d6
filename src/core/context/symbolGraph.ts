/**
 * The workspace symbol graph: files, the definitions each holds (defines), the names each uses
 * (references) and the files each imports (imports). Built lazily on first use, cached on disk,
 * and kept current incrementally: `refresh()` re-parses only files whose mtime+size and then
 * content hash changed; `updateFile()` serves a file watcher. Work runs in short slices that yield
 * to the event loop, so an editor never freezes, and queries made mid-build see what is there.
 */
import { languageOf } from '../languages';
import { CancelledError, silentLogger, type Logger, type WorkspaceFiles } from '../ports';
import { normalizeWorkspacePath } from '../workspacePath';
import { contentHash, loadGraphCache, saveGraphCache, type FileEntry } from './graphCache';
import { GraphIndex, type DefLoc, type Resolution } from './graphIndex';
import { isIgnored, scanWorkspace, type DirRules, type ScanResult } from './scan';
import { extractTags, isIndexedLanguage, type Definition } from './tags';

export type { FileEntry } from './graphCache';
export type { DefLoc, Resolution } from './graphIndex';

export const DEFAULT_MAX_FILE_BYTES = 512 * 1024;
/** Milliseconds of work between yields to the event loop. */
const SLICE_MS = 12;
/** Quiet time after a watcher's last update before the cache is written. */
const SAVE_DELAY_MS = 2000;

export interface GraphOptions {
  files: WorkspaceFiles;
  /** Folder for the JSON cache; without it the graph lives in memory only. */
  cacheDir?: string;
  maxFileBytes?: number;
  logger?: Logger;
}

export interface BuildProgress {
  done: number;
  total: number;
  parsed: number;
}

export interface RefreshOptions {
  signal?: AbortSignal;
  onProgress?: (p: BuildProgress) => void;
}

export class SymbolGraph {
  files: WorkspaceFiles;
  readonly cacheDir: string | undefined;
  readonly maxFileBytes: number;
  private readonly logger: Logger;
  private readonly entries = new Map<string, FileEntry>();
  private listed: string[] = [];
  private rules: DirRules[] = [];
  private goModule: string | undefined;
  private scanNotes: string[] = [];
  private derived: GraphIndex | undefined;
  private firstBuild: Promise<void> | undefined;
  private queue: Promise<void> = Promise.resolve();
  private pending: Promise<void> | undefined;
  private cacheLoaded = false;
  private scanned = false;
  private dirtySinceSave = false;
  private saveTimer: NodeJS.Timeout | undefined;
  /** Counters for tests and benchmarks. */
  readonly stats = { parses: 0, refreshes: 0, cacheEntriesLoaded: 0 };
  /** Increments on every change, so rankers can reuse work between queries. */
  version = 0;

  constructor(opts: GraphOptions) {
    this.files = opts.files;
    this.cacheDir = opts.cacheDir;
    this.maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.logger = opts.logger ?? silentLogger;
  }

  /** Builds once (from the disk cache when there is one); later calls return the same build. */
  ensureBuilt(opts: RefreshOptions = {}): Promise<void> {
    if (!this.firstBuild) {
      const build = this.refresh(opts);
      // A cancelled or failed first build is tried again by the next caller, not remembered.
      build.catch(() => {
        if (this.firstBuild === build) this.firstBuild = undefined;
      });
      this.firstBuild = build;
    }
    return this.firstBuild;
  }

  get built(): boolean {
    return this.stats.refreshes > 0;
  }

  /** Rescans the workspace; parses only new and changed files. Calls queue; a waiting call is shared. */
  refresh(opts: RefreshOptions = {}): Promise<void> {
    if (this.pending) return this.pending;
    const run = this.queue.then(() => {
      this.pending = undefined;
      return this.doRefresh(opts);
    });
    this.pending = run;
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async doRefresh(opts: RefreshOptions): Promise<void> {
    await this.loadCache();
    const scan = await scanWorkspace(this.files);
    this.applyScan(scan);
    const wanted = new Set(scan.paths);
    for (const p of [...this.entries.keys()]) if (!wanted.has(p) && (this.listed.length > 0 || !scan.unlisted)) this.forget(p);

    let slice = performance.now();
    let parsed = 0;
    for (let i = 0; i < scan.paths.length; i++) {
      if (opts.signal?.aborted) throw new CancelledError();
      if (await this.indexFile(scan.paths[i]!, opts.signal)) parsed++;
      if (performance.now() - slice > SLICE_MS) {
        opts.onProgress?.({ done: i + 1, total: scan.paths.length, parsed });
        await new Promise<void>((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
    }
    opts.onProgress?.({ done: scan.paths.length, total: scan.paths.length, parsed });
    this.stats.refreshes++;
    await this.flush();
  }

  private applyScan(scan: ScanResult): void {
    // Which files exist decides how imports resolve: a new list means new lookups and edges.
    const same =
      scan.goModule === this.goModule && scan.paths.length === this.listed.length && scan.paths.every((p, i) => p === this.listed[i]);
    if (!same) {
      this.derived = undefined;
      this.version++;
    }
    this.listed = scan.paths;
    this.rules = scan.rules;
    this.goModule = scan.goModule;
    this.scanNotes = [];
    if (scan.unlisted) this.scanNotes.push(scan.unlisted);
    if (scan.ignored > 0) this.scanNotes.push(`${scan.ignored} source files excluded by .gitignore were not indexed.`);
    this.scanned = true;
  }

  /**
   * The workspace's file list, without waiting for a build: a query made while the first build is
   * still starting needs it to resolve its targets' imports. Listing is cheap next to parsing.
   */
  async ensureListed(): Promise<void> {
    if (this.scanned) return;
    const scan = await scanWorkspace(this.files);
    if (!this.scanned) this.applyScan(scan);
  }

  /** For a file watcher: re-indexes one file if it changed, or drops it when deleted or ignored. */
  async updateFile(path: string, signal?: AbortSignal): Promise<void> {
    const p = normalizeWorkspacePath(path);
    if (p === '.gitignore' || p.endsWith('/.gitignore')) {
      await this.refresh({ signal });
      return;
    }
    if (!isIndexedLanguage(languageOf(p))) return;
    if (isIgnored(this.rules, p)) {
      this.forget(p);
      return;
    }
    await this.indexFile(p, signal);
    this.scheduleSave();
  }

  /** Writes the disk cache now if anything changed since the last write. */
  async flush(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.saveCache();
  }

  /**
   * A watcher reports files one by one, often in bursts; the cache is written once the burst is
   * over. The timer does not keep a process alive: a cache that misses the last edits only costs
   * re-parsing those files next time.
   */
  private scheduleSave(): void {
    if (!this.cacheDir || !this.dirtySinceSave || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.saveCache();
    }, SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  /** Makes sure these files are indexed now, ahead of a build still running (a query's targets). */
  async ensureIndexed(paths: readonly string[], signal?: AbortSignal): Promise<void> {
    for (const p of paths) if (!this.entries.has(p) && isIndexedLanguage(languageOf(p))) await this.indexFile(p, signal);
  }

  /** The file's current text, re-indexing it first if it changed since it was indexed. */
  async currentText(path: string): Promise<string | undefined> {
    const bytes = await this.files.read(path);
    if (!bytes) return undefined;
    const entry = this.entries.get(path);
    if (isIndexedLanguage(languageOf(path)) && (!entry || entry.hash !== contentHash(bytes))) await this.indexFile(path);
    return decode(bytes);
  }

  /** Indexes `path` if new or changed; returns true when it parsed. One bad file never stops a build. */
  private async indexFile(path: string, signal?: AbortSignal): Promise<boolean> {
    try {
      return await this.indexFileOrThrow(path, signal);
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn(`context: could not index ${path}: ${message}`);
      const language = languageOf(path)!;
      this.store({ path, language, size: -1, mtimeMs: -1, hash: '', skipped: `could not read: ${message}` });
      return false;
    }
  }

  private async indexFileOrThrow(path: string, signal?: AbortSignal): Promise<boolean> {
    const language = languageOf(path);
    if (!isIndexedLanguage(language)) return false;
    const st = await this.files.stat(path);
    if (!st) {
      this.forget(path);
      return false;
    }
    const prior = this.entries.get(path);
    if (prior && prior.size === st.size && prior.mtimeMs === st.mtimeMs) return false;
    if (st.size > this.maxFileBytes) {
      const reason = `${kib(st.size)} KiB is over the ${kib(this.maxFileBytes)} KiB limit for indexing`;
      this.store({ path, language, size: st.size, mtimeMs: st.mtimeMs, hash: '', skipped: reason });
      return false;
    }
    const bytes = await this.files.read(path);
    if (!bytes) {
      this.forget(path);
      return false;
    }
    const hash = contentHash(bytes);
    if (prior && prior.hash === hash && !prior.skipped) {
      // Touched but not changed: keep the tags, remember the new mtime.
      this.entries.set(path, { ...prior, size: st.size, mtimeMs: st.mtimeMs });
      this.dirtySinceSave = true;
      return false;
    }
    const base = { path, language, size: st.size, mtimeMs: st.mtimeMs, hash };
    if (bytes.subarray(0, 8192).includes(0)) {
      this.store({ ...base, skipped: 'binary content' });
      return false;
    }
    try {
      const tags = await extractTags(language, decode(bytes), signal);
      this.stats.parses++;
      this.store({ ...base, tags });
      return true;
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn(`context: could not index ${path}: ${message}`);
      this.store({ ...base, skipped: `could not parse: ${message}` });
      return false;
    }
  }

  private store(entry: FileEntry): void {
    this.entries.set(entry.path, entry);
    this.changed();
  }

  private forget(path: string): void {
    if (this.entries.delete(path)) this.changed();
  }

  private changed(): void {
    this.derived = undefined;
    this.dirtySinceSave = true;
    this.version++;
  }

  private async loadCache(): Promise<void> {
    if (this.cacheLoaded || !this.cacheDir) return;
    this.cacheLoaded = true;
    const cached = await loadGraphCache(this.cacheDir, this.files.root, this.maxFileBytes);
    if (!cached) return;
    for (const e of cached) if (!this.entries.has(e.path)) this.entries.set(e.path, e);
    this.stats.cacheEntriesLoaded = cached.length;
    this.derived = undefined;
    this.version++;
  }

  private async saveCache(): Promise<void> {
    if (!this.cacheDir || !this.dirtySinceSave) return;
    this.dirtySinceSave = false;
    try {
      await saveGraphCache(this.cacheDir, this.files.root, this.maxFileBytes, this.entries.values());
    } catch (err) {
      // A cache that cannot be written costs speed, never correctness.
      this.logger.warn(`context: could not write the symbol graph cache: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  // ---- queries -------------------------------------------------------------------------------

  entry(path: string): FileEntry | undefined {
    return this.entries.get(path);
  }

  allEntries(): IterableIterator<FileEntry> {
    return this.entries.values();
  }

  definition(loc: DefLoc): Definition | undefined {
    return this.entries.get(loc.path)?.tags?.defs[loc.index];
  }

  /** Files skipped (with why) and what the scan left out: for the context's notes. */
  notes(): string[] {
    const out = [...this.scanNotes];
    for (const e of this.entries.values()) if (e.skipped) out.push(`Skipped ${e.path}: ${e.skipped}.`);
    return out;
  }

  /** Workspace files this file imports (for Go and Java, its package's other files too). */
  importsOf(path: string): ReadonlySet<string> {
    return this.lookups().importsOf(path);
  }

  /** The names `from` imports from `to`, or undefined when it takes the whole module. */
  namesImported(from: string, to: string): ReadonlySet<string> | undefined {
    return this.lookups().namesImported(from, to);
  }

  importersOf(path: string): ReadonlySet<string> {
    return this.lookups().importersOf(path);
  }

  definitionsNamed(name: string): readonly DefLoc[] {
    return this.lookups().definitionsNamed(name);
  }

  /** The definitions a use of `name` in `from` most likely means, and how sure that is. */
  resolve(from: string, name: string): { locs: readonly DefLoc[]; how: Resolution } | undefined {
    return this.lookups().resolve(from, name);
  }

  private lookups(): GraphIndex {
    this.derived ??= new GraphIndex(this.entries.values(), this.listed, this.goModule);
    return this.derived;
  }
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(0);
}

export function decode(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
