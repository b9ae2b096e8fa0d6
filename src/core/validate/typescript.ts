import { createHash } from 'node:crypto';
import * as path from 'node:path';
import ts from 'typescript';
import { CancelledError, throwIfAborted } from '../ports';
import type { Finding } from '../findings';
import { errorLine } from '../errorLine';
import type { CandidateFile, Gate, GateContext, GateResult } from './gate';
import { crashFinding } from './gateSupport';
import { settingsSlice, type SettingsOf } from './gateSettings';
import { markIntroducedThroughEdit } from './introduced';
import { NativeUnavailable, nativeProjectFor, refuseNative, resetNative } from './tsNative';
import { LANGUAGE_SERVICE_CHECKER, configAllowsJs, configIncluding, findConfig, isOwnFile, tsProjectFor } from './tsServices';
import type { RawFinding, TypeChecker } from './typeChecker';

const TS_EXTENSIONS = /\.(?:[cm]?[jt]sx?)$/i;
const JS_EXTENSIONS = /\.(?:[cm]?jsx?)$/i;
const DEFAULT_TIMEOUT_MS = 60_000;
/** A workspace without a tsconfig gets its TypeScript files as roots, up to this many. */
const DEFAULT_PROJECT_FILE_CAP = 1000;

const TYPE_GATE_SETTINGS = settingsSlice('typeChecker');
type TypeGateSettings = SettingsOf<typeof TYPE_GATE_SETTINGS>;

/**
 * The TypeScript/JavaScript type gate. Each project (the workspace's tsconfig, or jsconfig, or the
 * defaults) is judged by a warm checker with the candidate overlaid in memory: TypeScript 7's
 * native checker where it can (tsNative.ts), else TypeScript 6's LanguageService (tsServices.ts:
 * a workspace without a tsconfig, options TypeScript 7 removed, a failure of the native process,
 * or the `typeChecker` setting). Diagnostics are computed before and after the patch, for the
 * changed files and for the files that import them, and matched on code + message + line text so
 * only what the patch introduced can block; the gate run records which checker judged.
 * Its own deadline (a minute unless `timeoutMs` says otherwise) stops a check between files
 * before the pipeline's gate timeout would.
 */
export class TypeScriptGate implements Gate<TypeGateSettings> {
  readonly name = 'typescript';
  readonly stage = 'semantic';
  readonly settings = TYPE_GATE_SETTINGS;

  constructor(private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {}

  async check(files: readonly CandidateFile[], ctx: GateContext<TypeGateSettings>): Promise<GateResult> {
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
    const judged = new Set<string>();
    for (const [config, group] of groups) {
      throwIfAborted(ctx.signal);
      const ts6 = (): TypeChecker => tsProjectFor(config || undefined, root, () => defaultRoots ?? []);
      let { checker, fallback } = await this.checkerFor(config, root, ctx, ts6);
      try {
        try {
          findings.push(...this.guarded(checker, group, root, ctx.signal, deadline));
        } catch (err) {
          // The native process failed (it died, or the API refused): TypeScript 6 judges this
          // candidate and the next check starts a fresh process.
          if (checker.checker === LANGUAGE_SERVICE_CHECKER || ctx.signal?.aborted || err instanceof ts.OperationCanceledException)
            throw err;
          checker.clearOverlays();
          if (err instanceof NativeUnavailable) refuseNative(config, err.reason);
          else await resetNative(root);
          fallback = err instanceof NativeUnavailable ? err.reason : `TypeScript 7 failed: ${errorLine(err)}`;
          ctx.logger.warn(`Type gate: ${fallback}; TypeScript 6 checks ${path.basename(config)}.`);
          checker = ts6();
          findings.push(...this.guarded(checker, group, root, ctx.signal, deadline));
        }
        judged.add(fallback ? `${checker.checker}: ${fallback}` : checker.checker);
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
          findings.push(crashFinding(this.name, group[0]!.path, `TypeScript check failed: ${errorLine(err)}`));
        }
      } finally {
        checker.limits = { deadline: Infinity };
        checker.clearOverlays();
      }
    }
    return {
      gate: this.name,
      findings,
      durationMs: performance.now() - started,
      ...(judged.size > 0 ? { checker: [...judged].join('; ') } : {}),
    };
  }

  /** The checker for one project, and why it is not the native one when it is not. */
  private async checkerFor(
    config: string,
    root: string,
    ctx: GateContext<TypeGateSettings>,
    ts6: () => TypeChecker,
  ): Promise<{ checker: TypeChecker; fallback?: string }> {
    if (ctx.settings.typeChecker === 'typescript6') return { checker: ts6() };
    if (!config) return { checker: ts6(), fallback: 'no tsconfig.json or jsconfig.json' };
    try {
      return { checker: await nativeProjectFor(config, root) };
    } catch (err) {
      const reason = err instanceof NativeUnavailable ? err.reason : `TypeScript 7 did not start: ${errorLine(err)}`;
      if (!(err instanceof NativeUnavailable)) ctx.logger.warn(`Type gate: ${reason}`);
      return { checker: ts6(), fallback: reason };
    }
  }

  /** One project's check under the gate's signal and deadline. */
  private guarded(
    checker: TypeChecker,
    group: readonly CandidateFile[],
    root: string,
    signal: AbortSignal | undefined,
    deadline: number,
  ): Finding[] {
    checker.limits = { ...(signal ? { signal } : {}), deadline };
    return this.checkGroup(checker, group, root);
  }

  private checkGroup(project: TypeChecker, group: readonly CandidateFile[], root: string): Finding[] {
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
      for (const f of [...changed, ...importers]) if (project.fileExists(f)) before.diagnostics.set(f, diagnosticsOf(project, f));
      project.remember(key, before);
    }

    project.setOverlays(afterTexts);
    const afterImporters = findImporters(project, changed, root);
    const targets = [...new Set([...changed, ...before.importers, ...afterImporters])];
    const after = new Map<string, RawFinding[]>();
    for (const f of targets) if (project.fileExists(f)) after.set(f, diagnosticsOf(project, f));

    // An importer that appears only after the patch (a new file now resolves) needs its own "before".
    const missing = targets.filter((f) => after.has(f) && !before!.diagnostics.has(f) && !changed.has(f));
    if (missing.length > 0) {
      project.setOverlays(beforeTexts);
      for (const f of missing) if (project.fileExists(f)) before.diagnostics.set(f, diagnosticsOf(project, f));
    }

    const findings: Finding[] = [];
    for (const [f, afterList] of after) {
      // Importers did not change: their lines match exactly. Changed files also match on rewritten lines.
      const texts = changed.has(f) ? [beforeTexts.get(f), afterTexts.get(f)] : [undefined, undefined];
      findings.push(...markIntroducedThroughEdit(before.diagnostics.get(f) ?? [], afterList, texts[0], texts[1]));
    }
    return findings;
  }

  private beforeKey(project: TypeChecker, beforeTexts: ReadonlyMap<string, string | undefined>): string {
    const h = createHash('sha256');
    for (const [f, text] of [...beforeTexts].sort(([a], [b]) => a.localeCompare(b))) h.update(`\0${f}\0${text ?? '\u0001absent'}`);
    // The project and the disk state of the rest of it: a file edited between runs changes "before".
    for (const part of project.stateKey()) h.update(`\0${part}`);
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

/** One file's diagnostics, after a look at the signal and the deadline (the native checker cannot be stopped inside a file). */
function diagnosticsOf(project: TypeChecker, file: string): RawFinding[] {
  if (project.limits.signal?.aborted) throw new CancelledError();
  if (performance.now() > project.limits.deadline) throw new ts.OperationCanceledException();
  return project.diagnosticsOf(file);
}

/**
 * The workspace's own files that import one of `changed`: a changed signature breaks callers the
 * patch never touched. A text prefilter on the imported file's base name keeps this cheap.
 */
function findImporters(project: TypeChecker, changed: ReadonlySet<string>, root: string): string[] {
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
