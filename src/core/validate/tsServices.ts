import * as path from 'node:path';
import ts from 'typescript';
import { classify } from './classify';
import { excerptAt } from './gateSupport';
import type { RawFinding, TypeChecker } from './typeChecker';

/**
 * Warm TypeScript LanguageServices, one per tsconfig (or per workspace when there is none), kept
 * across attempts and runs: a cold check of a 20-file project costs most of a second, a warm one
 * after a small edit tens of milliseconds (FACTS.md). Candidate texts are overlaid in memory; the
 * disk is never written.
 */

interface Overlay {
  /** undefined: the file does not exist in this state (a deleted file, or a new one "before"). */
  text: string | undefined;
  version: number;
}

/** Options when a workspace has neither tsconfig.json nor jsconfig.json. */
export const DEFAULT_COMPILER_OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  checkJs: false,
  strict: false,
  skipLibCheck: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  jsx: ts.JsxEmit.Preserve,
  esModuleInterop: true,
  resolveJsonModule: true,
};

const documentRegistry = ts.createDocumentRegistry();

/** How the record names this checker. */
export const LANGUAGE_SERVICE_CHECKER = `TypeScript ${ts.version} (LanguageService)`;

export class TsProject implements TypeChecker {
  readonly checker = LANGUAGE_SERVICE_CHECKER;
  readonly service: ts.LanguageService;
  private options: ts.CompilerOptions;
  private rootNames: string[];
  private readonly overlays = new Map<string, Overlay>();
  private overlayCounter = 0;
  private readonly diskVersions = new Map<string, string>();
  /**
   * Results kept with the project for as long as it is warm (the gate's "before" diagnostics,
   * keyed by the before texts and the disk state), so they outlive one run.
   */
  readonly memo = new Map<string, unknown>();
  /** Set by the gate for the length of one check. */
  limits: { signal?: AbortSignal; deadline: number } = { deadline: Infinity };

  /**
   * @param configPath absolute tsconfig/jsconfig path, or undefined for defaults
   * @param root absolute workspace root (the default project's base, and the bound of what is checked)
   */
  constructor(
    readonly configPath: string | undefined,
    readonly root: string,
    defaultRoots: () => string[] = () => [],
  ) {
    this.defaultRoots = defaultRoots;
    const parsed = this.parseConfig();
    this.options = parsed.options;
    this.rootNames = parsed.fileNames;
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => this.options,
      getScriptFileNames: () => this.scriptFileNames(),
      getScriptVersion: (f) => this.scriptVersion(f),
      getScriptSnapshot: (f) => {
        const text = this.readFile(f);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => this.currentDirectory(),
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => this.fileExists(f),
      readFile: (f) => this.readFile(f),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
      // The checker polls this between statements: the only way to stop an in-process check.
      getCancellationToken: () => ({
        isCancellationRequested: () => this.limits.signal?.aborted === true || performance.now() > this.limits.deadline,
      }),
    };
    this.service = ts.createLanguageService(host, documentRegistry);
  }

  private readonly defaultRoots: () => string[];

  private currentDirectory(): string {
    return this.configPath ? path.dirname(this.configPath) : this.root;
  }

  private parseConfig(): { options: ts.CompilerOptions; fileNames: string[] } {
    if (!this.configPath) return { options: { ...DEFAULT_COMPILER_OPTIONS }, fileNames: this.defaultRoots() };
    const read = ts.readConfigFile(this.configPath, ts.sys.readFile);
    if (read.error) {
      throw new Error(`${path.basename(this.configPath)}: ${ts.flattenDiagnosticMessageText(read.error.messageText, ' ')}`);
    }
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(this.configPath), { noEmit: true }, this.configPath);
    const isJsConfig = path.basename(this.configPath).toLowerCase() === 'jsconfig.json';
    const options = isJsConfig ? { allowJs: true, skipLibCheck: true, ...parsed.options } : parsed.options;
    return { options: { ...options, noEmit: true }, fileNames: parsed.fileNames.map(normal) };
  }

  /** Re-reads the config and its file list (new files on disk between runs); cheap next to a check. */
  refresh(): void {
    this.diskVersions.clear();
    const parsed = this.parseConfig();
    this.options = parsed.options;
    this.rootNames = parsed.fileNames;
  }

  get compilerOptions(): ts.CompilerOptions {
    return this.options;
  }

  /** The project's root files as the LanguageService sees them: the config's, plus and minus overlays. */
  scriptFileNames(): string[] {
    const names = new Set(this.rootNames);
    for (const [f, o] of this.overlays) {
      if (o.text === undefined) names.delete(f);
      else names.add(f);
    }
    return [...names];
  }

  /** The LanguageService's version of a file: its overlay's, or its mtime on disk. */
  scriptVersion(f: string): string {
    const o = this.overlays.get(normal(f));
    if (o) return `overlay:${o.version}`;
    // One stat per file per check, not per program rebuild: a check rebuilds at least twice
    // (before, after) and the disk does not change under a check.
    let v = this.diskVersions.get(f);
    if (v === undefined) {
      v = String(ts.sys.getModifiedTime?.(f)?.getTime() ?? 0);
      this.diskVersions.set(f, v);
    }
    return v;
  }

  fileExists(f: string): boolean {
    const o = this.overlays.get(normal(f));
    if (o) return o.text !== undefined;
    return ts.sys.fileExists(f);
  }

  readFile(f: string): string | undefined {
    const o = this.overlays.get(normal(f));
    if (o) return o.text;
    return ts.sys.readFile(f);
  }

  /** Puts texts in place of the disk's for the named absolute paths; undefined removes a file. */
  setOverlays(texts: ReadonlyMap<string, string | undefined>): void {
    for (const [f, text] of texts) {
      const key = normal(f);
      const old = this.overlays.get(key);
      if (old && old.text === text) continue;
      this.overlays.set(key, { text, version: ++this.overlayCounter });
    }
  }

  /**
   * Drops overlays so the disk shows through again. Versions are never reused (the counter only
   * grows), so a later overlay is always seen as new by the LanguageService.
   */
  clearOverlays(): void {
    this.overlays.clear();
  }

  /** Resolves an import specifier written in `containingFile`, with the project's options. */
  resolveImport(specifier: string, containingFile: string): string | undefined {
    // No resolution cache: a file the overlay creates or deletes must change the answer.
    const r = ts.resolveModuleName(specifier, containingFile, this.options, {
      fileExists: (f) => this.fileExists(f),
      readFile: (f) => this.readFile(f),
    });
    return r.resolvedModule ? normal(r.resolvedModule.resolvedFileName) : undefined;
  }

  /** Source files of the current program that are the workspace's own (no lib, no node_modules). */
  ownSourceFiles(): ts.SourceFile[] {
    const program = this.service.getProgram();
    if (!program) return [];
    return program.getSourceFiles().filter((sf) => isOwnFile(sf.fileName, this.root) && !program.isSourceFileDefaultLibrary(sf));
  }

  /** Syntactic and semantic diagnostics of one file, as findings not yet marked introduced. */
  diagnosticsOf(file: string): RawFinding[] {
    // A file the program left out (an extension its options do not allow) has no diagnostics to give.
    if (!this.service.getProgram()?.getSourceFile(file)) return [];
    const diagnostics = [...this.service.getSyntacticDiagnostics(file), ...this.service.getSemanticDiagnostics(file)];
    const out: RawFinding[] = [];
    for (const d of diagnostics) {
      if (!d.file || d.start === undefined) continue;
      if (!isOwnFile(d.file.fileName, this.root)) continue;
      if (d.category !== ts.DiagnosticCategory.Error && d.category !== ts.DiagnosticCategory.Warning) continue;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      out.push(
        typeFinding(
          this.root,
          d.file.fileName,
          d.file.text,
          line,
          character,
          `TS${d.code}`,
          message,
          d.category === ts.DiagnosticCategory.Error,
        ),
      );
    }
    return out;
  }

  /** The project and the disk state of its root files (versions, not the program: that would build one). */
  *stateKey(): Iterable<string> {
    yield this.configPath ?? this.root;
    for (const f of this.scriptFileNames()) yield `${f}:${this.scriptVersion(f)}`;
  }

  remember(key: string, value: unknown): void {
    this.memo.delete(key);
    this.memo.set(key, value);
    while (this.memo.size > 16) this.memo.delete(this.memo.keys().next().value!);
  }

  dispose(): void {
    this.service.dispose();
    this.overlays.clear();
    this.memo.clear();
  }
}

/** A type checker's diagnostic as a finding (0-based line and UTF-16 column in, 1-based out). */
export function typeFinding(
  root: string,
  fileName: string,
  text: string,
  line: number,
  character: number,
  code: string,
  message: string,
  isError: boolean,
): RawFinding {
  return {
    tool: 'typescript',
    code,
    category: classify('typescript', code, message),
    severity: isError ? 'error' : 'warning',
    file: path.relative(root, fileName).split(path.sep).join('/'),
    line: line + 1,
    column: character + 1,
    message,
    excerpt: excerptAt(text, line + 1),
  };
}

/** True for files inside the workspace root and outside node_modules. */
export function isOwnFile(fileName: string, root: string): boolean {
  const rel = path.relative(root, fileName);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return false;
  return !rel.split(/[\\/]/).includes('node_modules');
}

/**
 * The overlay key of a path. TypeScript hands the host absolute forward-slash paths already, and
 * this runs for every file on every program update, so those skip path.resolve.
 */
function normal(f: string): string {
  if (f.startsWith('/') && !f.includes('/.') && !f.includes('//') && path.sep === '/') return f;
  return path.resolve(f).split(path.sep).join('/');
}

/** Warm services kept at once, least recently used dropped first. */
export const MAX_WARM_PROJECTS = 4;
const registry = new Map<string, TsProject>();

/**
 * The warm project for a config path (absolute) or for a workspace without one. A new project is
 * created on first use; the same one is returned for every later attempt and run.
 */
export function tsProjectFor(configPath: string | undefined, root: string, defaultRoots?: () => string[]): TsProject {
  const key = configPath ? `config:${normal(configPath)}` : `default:${normal(root)}`;
  let project = registry.get(key);
  if (!project) {
    project = new TsProject(configPath ? normal(configPath) : undefined, normal(root), defaultRoots);
  } else {
    registry.delete(key);
    project.refresh();
  }
  registry.set(key, project);
  // A monorepo has many configs; each warm service holds its program in memory.
  while (registry.size > MAX_WARM_PROJECTS) {
    const oldest = registry.keys().next().value!;
    registry.get(oldest)!.dispose();
    registry.delete(oldest);
  }
  return project;
}

/** Disposes every cached LanguageService (extension deactivation, tests). */
export function disposeTsProjects(): void {
  for (const p of registry.values()) p.dispose();
  registry.clear();
}

/** How many projects are warm; for tests and diagnostics. */
export function tsProjectCount(): number {
  return registry.size;
}

/** Finds tsconfig.json, then jsconfig.json, from `dir` upward, never above `root`. */
export function findConfig(dir: string, root: string): string | undefined {
  let current = path.resolve(dir);
  const top = path.resolve(root);
  for (;;) {
    for (const name of ['tsconfig.json', 'jsconfig.json']) {
      const candidate = path.join(current, name);
      if (ts.sys.fileExists(candidate)) return candidate;
    }
    const rel = path.relative(top, current);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    current = path.dirname(current);
  }
}

/**
 * The config that actually includes `file`: a solution-style tsconfig (`"files": []` with
 * `references`, as Vite and Nx generate) includes nothing itself, so its referenced configs are
 * searched (one level) for the one whose file list holds the file. Falls back to `configPath`.
 */
export function configIncluding(configPath: string, file: string): string {
  const own = parsedConfig(configPath);
  if (!own || own.fileNames.has(normal(file)) || own.references.length === 0) return configPath;
  for (const ref of own.references) {
    const refConfig = ts.sys.directoryExists(ref) ? path.join(ref, 'tsconfig.json') : ref;
    if (parsedConfig(refConfig)?.fileNames.has(normal(file))) return refConfig;
  }
  return configPath;
}

/** Whether a config lets JavaScript files into its program (jsconfig.json always does). */
export function configAllowsJs(configPath: string): boolean {
  return path.basename(configPath).toLowerCase() === 'jsconfig.json' || parsedConfig(configPath)?.allowJs === true;
}

interface ParsedConfig {
  mtime: number;
  fileNames: Set<string>;
  references: string[];
  allowJs: boolean;
}

const parsedConfigs = new Map<string, ParsedConfig | undefined>();

function parsedConfig(configPath: string): ParsedConfig | undefined {
  const mtime = ts.sys.getModifiedTime?.(configPath)?.getTime() ?? -1;
  const cached = parsedConfigs.get(configPath);
  if (cached && cached.mtime === mtime) return cached;
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) return undefined;
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configPath), undefined, configPath);
  const entry = {
    mtime,
    fileNames: new Set(parsed.fileNames.map(normal)),
    references: (parsed.projectReferences ?? []).map((r) => r.path),
    allowJs: parsed.options.allowJs === true,
  };
  parsedConfigs.set(configPath, entry);
  return entry;
}
