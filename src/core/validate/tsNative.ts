import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import ts from 'typescript';
import type { API, Diagnostic, Project, Snapshot } from 'typescript7/unstable/sync' with { 'resolution-mode': 'import' };
import { isOwnFile, typeFinding } from './tsServices';
import type { ProgramFile, RawFinding, TypeChecker } from './typeChecker';

/**
 * TypeScript 7's native checker (the Go port, `typescript7` here: typescript@7.0.2, pinned) through
 * its synchronous API: one `tsgo` process per workspace, warm across attempts and runs, with the
 * candidate's texts handed to it through the API's file-system callbacks, so nothing is written to
 * disk. It checks a 5k-line file after a one-line edit in about a tenth of the time TypeScript 6's
 * LanguageService takes (FACTS.md). The JavaScript client and the binary speak an unversioned
 * protocol, so both come from the same pinned release; a project whose options TypeScript 7 no
 * longer accepts, or any failure of the process, falls back to TypeScript 6 (typescript.ts).
 */

export const NATIVE_VERSION = '7.0.2';
export const NATIVE_CHECKER = `TypeScript ${NATIVE_VERSION} (native)`;

/** Why the native checker cannot judge a project: the type gate says so on the record and uses TypeScript 6. */
export class NativeUnavailable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'NativeUnavailable';
  }
}

type SyncModule = typeof import('typescript7/unstable/sync', { with: { 'resolution-mode': 'import' } });

let loaded: Promise<SyncModule> | undefined;

/** The API's JavaScript half, loaded on first use (it is ESM; the engine is bundled to CommonJS). */
export function loadNativeApi(): Promise<SyncModule> {
  loaded ??= import('typescript7/unstable/sync');
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

/**
 * The pinned `tsgo` binary for this platform, or why there is none. Resolved from the engine's own
 * dependencies; the API's own lookup uses `import.meta.url`, which a CommonJS bundle does not have.
 */
export function nativeExecutable(root?: string): string | NativeUnavailable {
  const pkg = `@typescript/typescript-${process.platform}-${process.arch}`;
  let problem = `no TypeScript ${NATIVE_VERSION} binary for ${process.platform}-${process.arch}`;
  // The engine's own (a checkout, the CLI), then the workspace's: a packaged extension carries no
  // platform binary, and a project on TypeScript 7.0.2 has one.
  for (const from of [__filename, ...(root ? [path.join(root, 'package.json')] : [])]) {
    try {
      const manifest = createRequire(from).resolve(`${pkg}/package.json`);
      const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
      const exe = path.join(path.dirname(manifest), 'lib', process.platform === 'win32' ? 'tsc.exe' : 'tsc');
      if (version === NATIVE_VERSION && existsSync(exe)) return exe;
      problem = `${pkg} is ${version}, not the pinned ${NATIVE_VERSION}`;
    } catch {
      // Not installed there.
    }
  }
  return new NativeUnavailable(problem);
}

/**
 * One `tsgo` process for a workspace root, and the projects (tsconfigs) opened in it. Overlays are
 * shared by every project of the process; the gate checks one project at a time.
 */
class NativeSession {
  private snapshot: Snapshot | undefined;
  private readonly overlays = new Map<string, string | null>();
  /** Files whose content the process may hold stale: sent as changes with the next snapshot. */
  private readonly pending = new Map<string, 'changed' | 'created' | 'deleted'>();
  private readonly opened = new Set<string>();

  private constructor(private readonly api: API) {}

  static async start(root: string): Promise<NativeSession> {
    const exe = nativeExecutable(root);
    if (exe instanceof NativeUnavailable) throw exe;
    const mod = await loadNativeApi();
    let session: NativeSession | undefined;
    const api = new mod.API({
      cwd: root,
      tsserverPath: exe,
      // Every read goes through here: the candidate's texts, and only regular files from disk. A
      // named pipe read would block this thread for good (the API is synchronous), so it is absent,
      // as TypeScript 6's own file system treats it.
      fs: {
        readFile: (f) => {
          const o = session?.overlayText(f);
          if (o !== undefined) return o;
          return kindOf(f) === 'other' ? null : undefined;
        },
        fileExists: (f) => {
          const o = session?.overlayText(f);
          if (o !== undefined) return o !== null;
          return kindOf(f) === 'file';
        },
        getAccessibleEntries: (dir) => session?.entries(dir),
      },
    });
    session = new NativeSession(api);
    return session;
  }

  /** undefined: the disk answers. */
  overlayText(f: string): string | null | undefined {
    return this.overlays.has(f) ? this.overlays.get(f) : undefined;
  }

  /**
   * A folder's regular files and folders (links followed), with the overlays' new files in it so
   * an `include` glob sees them, and without the files a candidate deletes.
   */
  entries(dir: string): { files: string[]; directories: string[] } {
    const files: string[] = [];
    const directories: string[] = [];
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      // A folder the candidate creates: only its overlays are in it.
    }
    for (const name of names) {
      const f = `${dir.replace(/\/$/, '')}/${name}`;
      const o = this.overlays.get(f);
      if (o === null) continue;
      const kind = o !== undefined ? 'file' : kindOf(f);
      if (kind === 'file') files.push(name);
      else if (kind === 'directory') directories.push(name);
    }
    for (const [f, t] of this.overlays) {
      if (t !== null && path.posix.dirname(f) === dir.replace(/\/$/, '') && !files.includes(path.posix.basename(f)))
        files.push(path.posix.basename(f));
    }
    return { files, directories };
  }

  setOverlay(f: string, text: string | null): void {
    const had = this.overlays.has(f) ? this.overlays.get(f) !== null : existsSync(f);
    if (this.overlays.has(f) && this.overlays.get(f) === text) return;
    this.overlays.set(f, text);
    this.note(f, had, text !== null);
  }

  clearOverlay(f: string): void {
    if (!this.overlays.has(f)) return;
    const had = this.overlays.get(f) !== null;
    this.overlays.delete(f);
    this.note(f, had, existsSync(f));
  }

  /** A change to the disk between checks (the user saved a file): the process must re-read it. */
  diskChanged(f: string, existsNow: boolean, existedBefore: boolean): void {
    if (this.overlays.has(f)) return;
    this.note(f, existedBefore, existsNow);
  }

  private note(f: string, had: boolean, has: boolean): void {
    const prior = this.pending.get(f);
    const kind = had && has ? 'changed' : has ? 'created' : had ? 'deleted' : undefined;
    if (!kind) return;
    // A file created and changed before a snapshot is still a creation.
    this.pending.set(f, prior === 'created' && kind !== 'deleted' ? 'created' : kind);
  }

  /** The project as the process sees it now: a new snapshot when anything changed since the last. */
  project(configPath: string): Project {
    const open = !this.opened.has(configPath);
    if (!this.snapshot || open || this.pending.size > 0) {
      const changes = { changed: [] as string[], created: [] as string[], deleted: [] as string[] };
      for (const [f, kind] of this.pending) changes[kind].push(f);
      this.pending.clear();
      const next = this.api.updateSnapshot({
        ...(open ? { openProjects: [configPath] } : {}),
        ...(this.snapshot ? { fileChanges: changes } : {}),
      });
      this.snapshot?.dispose();
      this.snapshot = next;
      this.opened.add(configPath);
    }
    const project = this.snapshot.getProject(configPath);
    if (!project) throw new Error(`TypeScript 7 did not load ${path.basename(configPath)}`);
    return project;
  }

  /**
   * The `tsgo` process. Reached through the client's internals of the pinned release: closing the
   * API ends its input first, and the process then prints "context canceled" on the stderr it
   * shares with ours, so it is killed before the API is closed.
   */
  get process(): ChildProcess | undefined {
    return (this.api as unknown as { client?: { channel?: { child?: ChildProcess } } }).client?.channel?.child;
  }

  close(): void {
    try {
      this.snapshot?.dispose();
    } catch {
      // The process may be gone already.
    }
    this.process?.kill('SIGKILL');
    this.api.close();
  }
}

/** Warm sessions by workspace root (each is one `tsgo` process), the least recently used closed past this many. */
const MAX_SESSIONS = 2;
const sessions = new Map<string, Promise<NativeSession>>();

/** A project's TypeScript 6 view of its config: resolving imports and listing files the same way as the fallback. */
interface ConfigView {
  mtime: number;
  options: ts.CompilerOptions;
}

export class NativeProject implements TypeChecker {
  readonly checker = NATIVE_CHECKER;
  readonly memo = new Map<string, unknown>();
  limits: { signal?: AbortSignal; deadline: number } = { deadline: Infinity };
  private readonly overlaid = new Set<string>();
  /** What the disk held when the process last read each own file: a later save must be sent. */
  private readonly seen = new Map<string, number>();
  private config: ConfigView | undefined;
  private optionsChecked = false;
  /** The program's file names as of the last snapshot: what the "before" key stats, without a new snapshot. */
  private fileNames: readonly string[] | undefined;

  constructor(
    private readonly session: NativeSession,
    readonly configPath: string,
    readonly root: string,
  ) {}

  /**
   * The project, refreshed against the disk: files saved since the last check are sent as changes,
   * and options TypeScript 7 no longer accepts (ES5, node10 resolution, baseUrl...) make it unavailable.
   */
  private current(): Project {
    const project = this.session.project(this.configPath);
    if (!this.optionsChecked) {
      this.optionsChecked = true;
      const removed = project.program.getProgramDiagnostics().filter((d) => d.category === 1 && d.code >= 5000 && d.code < 6000);
      if (removed.length > 0) throw new NativeUnavailable(`TypeScript 7 does not accept this project's options: ${removed[0]!.text}`);
    }
    this.fileNames = project.program.getSourceFileNames();
    return project;
  }

  /** Re-reads what changed on disk since the last check; called once at the start of each check. */
  refresh(): void {
    let stale = false;
    for (const [f, seen] of this.seen) {
      const mtime = mtimeOf(f);
      if (mtime === seen) continue;
      this.session.diskChanged(f, mtime >= 0, seen >= 0);
      this.seen.delete(f);
      stale = true;
    }
    const mtime = mtimeOf(this.configPath);
    if (!this.config || this.config.mtime !== mtime) {
      // A changed tsconfig: its file list and options are re-read by a fresh snapshot.
      if (this.config) this.session.diskChanged(this.configPath, true, true);
      this.config = { mtime, options: parseOptions(this.configPath) };
      this.optionsChecked = false;
      this.fileNames = undefined;
    }
    // A file saved, created or deleted may change which files the program holds.
    if (stale) {
      this.memo.clear();
      this.fileNames = undefined;
    }
  }

  setOverlays(texts: ReadonlyMap<string, string | undefined>): void {
    for (const [f, text] of texts) {
      this.session.setOverlay(f, text ?? null);
      this.overlaid.add(f);
    }
  }

  clearOverlays(): void {
    for (const f of this.overlaid) this.session.clearOverlay(f);
    this.overlaid.clear();
  }

  fileExists(f: string): boolean {
    const o = this.session.overlayText(f);
    return o === undefined ? existsSync(f) : o !== null;
  }

  private text(f: string): string | undefined {
    const o = this.session.overlayText(f);
    if (o !== undefined) return o ?? undefined;
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
  }

  diagnosticsOf(file: string): RawFinding[] {
    const program = this.current().program;
    if (!program.getSourceFileNames().includes(file)) return [];
    const options = program.getCompilerOptions() as { declaration?: boolean; composite?: boolean };
    const diagnostics: Diagnostic[] = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    // TypeScript 6's LanguageService adds these where declarations are emitted; so must this.
    if (options.declaration || options.composite) diagnostics.push(...program.getDeclarationDiagnostics(file));
    const out: RawFinding[] = [];
    const texts = new Map<string, { text: string; lines: number[] }>();
    for (const d of diagnostics) {
      if (!d.fileName || d.pos < 0) continue;
      if (!isOwnFile(d.fileName, this.root)) continue;
      // 0 warning, 1 error (DiagnosticCategory): suggestions and messages never block.
      if (d.category !== 1 && d.category !== 0) continue;
      let entry = texts.get(d.fileName);
      if (!entry) {
        const text = this.text(d.fileName) ?? '';
        entry = { text, lines: lineStarts(text) };
        texts.set(d.fileName, entry);
      }
      const line = lineOf(entry.lines, d.pos);
      const message = flatten(d, 0);
      out.push(typeFinding(this.root, d.fileName, entry.text, line, d.pos - entry.lines[line]!, `TS${d.code}`, message, d.category === 1));
    }
    return out;
  }

  ownSourceFiles(): ProgramFile[] {
    const out: ProgramFile[] = [];
    for (const f of this.current().program.getSourceFileNames()) {
      if (!isOwnFile(f, this.root)) continue;
      const text = this.text(f);
      if (text === undefined) continue;
      out.push({ fileName: f, text, isDeclarationFile: /\.d\.[cm]?ts$/i.test(f) });
    }
    return out;
  }

  resolveImport(specifier: string, containingFile: string): string | undefined {
    // TypeScript 6's resolver on the same config: the same rules as the fallback, and cheap.
    const r = ts.resolveModuleName(specifier, containingFile, this.config?.options ?? {}, {
      fileExists: (f) => this.fileExists(f),
      readFile: (f) => this.text(f),
    });
    return r.resolvedModule ? path.resolve(r.resolvedModule.resolvedFileName).split(path.sep).join('/') : undefined;
  }

  *stateKey(): Iterable<string> {
    yield `native:${this.configPath}`;
    for (const f of this.fileNames ?? this.current().program.getSourceFileNames()) {
      if (!isOwnFile(f, this.root) || this.overlaid.has(f)) continue;
      let seen = this.seen.get(f);
      if (seen === undefined) {
        seen = mtimeOf(f);
        this.seen.set(f, seen);
      }
      yield `${f}:${seen}`;
    }
  }

  remember(key: string, value: unknown): void {
    this.memo.delete(key);
    this.memo.set(key, value);
    while (this.memo.size > 16) this.memo.delete(this.memo.keys().next().value!);
  }
}

const projects = new Map<string, NativeProject>();
/** Configs TypeScript 7 refused, by path and mtime: not asked again until the config changes. */
const refused = new Map<string, { mtime: number; reason: string }>();

/**
 * The warm native project for a tsconfig, or NativeUnavailable saying why TypeScript 6 must judge
 * it instead. A failure of the process itself closes the session; the next check starts a new one.
 */
export async function nativeProjectFor(configPath: string, root: string): Promise<NativeProject> {
  const earlier = refused.get(configPath);
  if (earlier && earlier.mtime === mtimeOf(configPath)) throw new NativeUnavailable(earlier.reason);
  const warm = sessions.get(root);
  if (warm) {
    // Most recently used last: the oldest is the one closed when a new root comes.
    sessions.delete(root);
    sessions.set(root, warm);
  }
  let project = projects.get(configPath);
  if (!project) {
    let session = sessions.get(root);
    if (!session) {
      session = NativeSession.start(root);
      sessions.set(root, session);
      session.catch(() => sessions.delete(root));
      for (const old of [...sessions.keys()].slice(0, Math.max(0, sessions.size - MAX_SESSIONS))) await resetNative(old);
    }
    project = new NativeProject(await session, configPath, root);
    projects.set(configPath, project);
  }
  project.refresh();
  return project;
}

/** Remembers that TypeScript 7 cannot judge this config (until it changes). */
export function refuseNative(configPath: string, reason: string): void {
  refused.set(configPath, { mtime: mtimeOf(configPath), reason });
  projects.delete(configPath);
}

/** After a failure of the process: close it, forget its projects; the next check starts afresh. */
export async function resetNative(root: string): Promise<void> {
  const session = sessions.get(root);
  sessions.delete(root);
  for (const [k, p] of projects) if (p.root === root) projects.delete(k);
  try {
    (await session)?.close();
  } catch {
    // Already dead: that is why it is being reset.
  }
}

/** Closes every native process (deactivation, tests). */
export async function disposeNative(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  projects.clear();
  refused.clear();
  for (const s of all) {
    try {
      (await s).close();
    } catch {
      // A session that never started has nothing to close.
    }
  }
}

/** What is at a path, links followed: TypeScript reads only regular files and folders. */
function kindOf(f: string): 'file' | 'directory' | 'other' | 'missing' {
  const st = statSync(f, { throwIfNoEntry: false });
  if (!st) return 'missing';
  return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
}

function mtimeOf(f: string): number {
  try {
    return statSync(f).mtimeMs;
  } catch {
    return -1;
  }
}

function parseOptions(configPath: string): ts.CompilerOptions {
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) return {};
  return ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configPath), undefined, configPath).options;
}

/** The same text TypeScript 6's flattenDiagnosticMessageText(d, ' ') gives, so both checkers' messages match. */
function flatten(d: Diagnostic, indent: number): string {
  let out = indent > 0 ? ' ' + '  '.repeat(indent) : '';
  out += d.text;
  for (const child of d.messageChain ?? []) out += flatten(child, indent + 1);
  return out;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 0-based line of a UTF-16 offset. */
function lineOf(starts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The PID of the `tsgo` process checking a workspace root, if one runs; for tests that kill it. */
export async function nativeProcessId(root: string): Promise<number | undefined> {
  return (await sessions.get(root)?.catch(() => undefined))?.process?.pid;
}

/** How many native projects are warm; for tests and diagnostics. */
export function nativeProjectCount(): number {
  return projects.size;
}
