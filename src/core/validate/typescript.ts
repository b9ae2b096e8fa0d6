import { createHash } from 'node:crypto';
import * as path from 'node:path';
import ts from 'typescript';
import { CancelledError, throwIfAborted } from '../ports';
import type { Finding } from '../findings';
import type { CandidateFile, Gate, GateContext, GateResult } from './gate';
import { classify } from './classify';
import { crashFinding, excerptAt } from './gateSupport';
import { NO_SETTINGS, type NoSettings } from './gateSettings';
import { markIntroducedThroughEdit } from './introduced';
import { configAllowsJs, configIncluding, findConfig, isOwnFile, tsProjectFor, type TsProject } from './tsServices';

type RawFinding = Omit<Finding, 'introduced'>;

const TS_EXTENSIONS = /\.(?:[cm]?[jt]sx?)$/i;
const JS_EXTENSIONS = /\.(?:[cm]?jsx?)$/i;
const DEFAULT_TIMEOUT_MS = 60_000;
/** A workspace without a tsconfig gets its TypeScript files as roots, up to this many. */
const DEFAULT_PROJECT_FILE_CAP = 1000;

/**
 * The TypeScript/JavaScript type gate: an in-process LanguageService over the workspace's own
 * tsconfig (or jsconfig, or defaults), candidates overlaid in memory. Diagnostics are computed
 * before and after the patch, for the changed files and for the files that import them, and
 * matched on code + message + line text so only what the patch introduced can block.
 * It reads no settings; its own deadline (a minute unless `timeoutMs` says otherwise) stops a
 * check between projects before the pipeline's gate timeout would.
 */
export class TypeScriptGate implements Gate<NoSettings> {
  readonly name = 'typescript';
  readonly stage = 'semantic';
  readonly settings = NO_SETTINGS;

  constructor(private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {}

  async check(files: readonly CandidateFile[], ctx: GateContext<NoSettings>): Promise<GateResult> {
    const started = performance.now();
    const mine = files.filter((f) => TS_EXTENSIONS.test(f.path));
    if (mine.length === 0)
      return { gate: this.name, findings: [], durationMs: performance.now() - started, skipped: 'no TypeScript or JavaScript files' };
    const root = path.resolve(ctx.files.root);
    const deadline = performance.now() + this.timeoutMs;

    const groups = new Map<string, CandidateFile[]>();
    for (const f of mine) {
      const found = findConfig(path.dirname(path.join(root, f.path)), root);
      let config = found ? configIncluding(found, path.join(root, f.path)) : '';
      // A JavaScript file in a project that does not allow JavaScript is not part of that project;
      // the defaults still check its syntax.
      if (config && JS_EXTENSIONS.test(f.path) && !configAllowsJs(config)) config = '';
      groups.set(config, [...(groups.get(config) ?? []), f]);
    }
    let defaultRoots: string[] | undefined;
    if (groups.has('') && ctx.files.list) {
      const listed = await ctx.files.list('');
      defaultRoots = listed
        .filter((p) => /\.(?:[cm]?tsx?)$/i.test(p))
        .slice(0, DEFAULT_PROJECT_FILE_CAP)
        .map((p) => path.join(root, p));
    }

    const findings: Finding[] = [];
    for (const [config, group] of groups) {
      throwIfAborted(ctx.signal);
      const project = tsProjectFor(config || undefined, root, () => defaultRoots ?? []);
      project.limits = { signal: ctx.signal, deadline };
      try {
        findings.push(...this.checkGroup(project, group, root));
      } catch (err) {
        if (ctx.signal?.aborted) throw new CancelledError();
        if (err instanceof ts.OperationCanceledException) {
          findings.push(
            crashFinding(
              this.name,
              group[0]!.path,
              `TypeScript check timed out after ${this.timeoutMs} ms; the candidate was not type-checked.`,
            ),
          );
        } else {
          findings.push(
            crashFinding(this.name, group[0]!.path, `TypeScript check failed: ${err instanceof Error ? err.message : String(err)}`),
          );
        }
      } finally {
        project.limits = { deadline: Infinity };
        project.clearOverlays();
      }
    }
    return { gate: this.name, findings, durationMs: performance.now() - started };
  }

  private checkGroup(project: TsProject, group: readonly CandidateFile[], root: string): Finding[] {
    const abs = (p: string): string => path.join(root, p).split(path.sep).join('/');
    const changed = new Set(group.map((f) => abs(f.path)));
    const beforeTexts = new Map(group.map((f) => [abs(f.path), f.before] as const));
    const afterTexts = new Map(group.map((f) => [abs(f.path), f.after] as const));

    const key = this.beforeKey(project, beforeTexts);
    let before = project.memo.get(key) as BeforeState | undefined;
    if (!before) {
      project.setOverlays(beforeTexts);
      const importers = findImporters(project, changed, root);
      before = { importers, diagnostics: new Map() };
      for (const f of [...changed, ...importers]) if (project.fileExists(f)) before.diagnostics.set(f, diagnosticsOf(project, f, root));
      project.remember(key, before);
    }

    project.setOverlays(afterTexts);
    const afterImporters = findImporters(project, changed, root);
    const targets = [...new Set([...changed, ...before.importers, ...afterImporters])];
    const after = new Map<string, RawFinding[]>();
    for (const f of targets) if (project.fileExists(f)) after.set(f, diagnosticsOf(project, f, root));

    // An importer that appears only after the patch (a new file now resolves) needs its own "before".
    const missing = targets.filter((f) => after.has(f) && !before!.diagnostics.has(f) && !changed.has(f));
    if (missing.length > 0) {
      project.setOverlays(beforeTexts);
      for (const f of missing) if (project.fileExists(f)) before.diagnostics.set(f, diagnosticsOf(project, f, root));
    }

    const findings: Finding[] = [];
    for (const [f, afterList] of after) {
      // Importers did not change: their lines match exactly. Changed files also match on rewritten lines.
      const texts = changed.has(f) ? [beforeTexts.get(f), afterTexts.get(f)] : [undefined, undefined];
      findings.push(...markIntroducedThroughEdit(before.diagnostics.get(f) ?? [], afterList, texts[0], texts[1]));
    }
    return findings;
  }

  private beforeKey(project: TsProject, beforeTexts: ReadonlyMap<string, string | undefined>): string {
    const h = createHash('sha256');
    h.update(project.configPath ?? project.root);
    for (const [f, text] of [...beforeTexts].sort(([a], [b]) => a.localeCompare(b))) h.update(`\0${f}\0${text ?? '\u0001absent'}`);
    // The disk state of the rest of the project: a file edited between runs changes "before".
    // Root files and their versions, not the program's files: asking for the program here would
    // build one just for the key.
    for (const f of project.scriptFileNames()) h.update(`\0${f}:${project.scriptVersion(f)}`);
    return h.digest('hex');
  }

  /** Nothing of its own to free: the "before" diagnostics live with the warm project (tsServices). */
  dispose(): void {}
}

interface BeforeState {
  importers: string[];
  diagnostics: Map<string, RawFinding[]>;
}

/** The gate; its warm services and their cached "before" diagnostics live in tsServices' registry, across runs. */
export function createTypeScriptGate(opts: { timeoutMs?: number } = {}): TypeScriptGate {
  return new TypeScriptGate(opts.timeoutMs);
}

/** Syntactic and semantic diagnostics of one file, as findings not yet marked introduced. */
function diagnosticsOf(project: TsProject, file: string, root: string): RawFinding[] {
  // A file the program left out (an extension its options do not allow) has no diagnostics to give.
  if (!project.service.getProgram()?.getSourceFile(file)) return [];
  const diagnostics = [...project.service.getSyntacticDiagnostics(file), ...project.service.getSemanticDiagnostics(file)];
  const out: RawFinding[] = [];
  for (const d of diagnostics) {
    if (!d.file || d.start === undefined) continue;
    if (!isOwnFile(d.file.fileName, root)) continue;
    if (d.category !== ts.DiagnosticCategory.Error && d.category !== ts.DiagnosticCategory.Warning) continue;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const code = `TS${d.code}`;
    out.push({
      tool: 'typescript',
      code,
      category: classify('typescript', code, message),
      severity: d.category === ts.DiagnosticCategory.Error ? 'error' : 'warning',
      file: path.relative(root, d.file.fileName).split(path.sep).join('/'),
      line: line + 1,
      column: character + 1,
      message,
      excerpt: excerptAt(d.file.text, line + 1),
    });
  }
  return out;
}

/**
 * The workspace's own files that import one of `changed`: a changed signature breaks callers the
 * patch never touched. A text prefilter on the imported file's base name keeps this cheap.
 */
function findImporters(project: TsProject, changed: ReadonlySet<string>, root: string): string[] {
  const stems = [...changed].map(importStem);
  const found: string[] = [];
  for (const sf of project.ownSourceFiles()) {
    if (changed.has(sf.fileName) || sf.isDeclarationFile) continue;
    if (!isOwnFile(sf.fileName, root)) continue;
    if (!stems.some((s) => sf.text.includes(s))) continue;
    const imports = ts.preProcessFile(sf.text, true, true).importedFiles;
    for (const imp of imports) {
      if (!stems.some((s) => imp.fileName.includes(s))) continue;
      const resolved = project.resolveImport(imp.fileName, sf.fileName);
      if (resolved && changed.has(resolved)) {
        found.push(sf.fileName);
        break;
      }
    }
  }
  return found;
}

/** What an import of this file must contain: its base name, or its folder's for an index file. */
function importStem(file: string): string {
  const base = path.posix.basename(file).replace(/(\.d)?\.[cm]?[jt]sx?$/i, '');
  return base === 'index' ? path.posix.basename(path.posix.dirname(file)) : base;
}
