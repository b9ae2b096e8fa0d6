import { blockingCount, type Finding } from '../findings';
import { CancelledError } from '../ports';
import type { AnyGate, CandidateFile, GateContext, GateResult, GateStage } from './gate';
import { settingsSlice, type GateSettings } from './gateSettings';
import { crashFinding } from './gateSupport';
import { errorLine } from '../errorLine';
import { createPyrightGate } from './pyright';
import { createRuffGate } from './ruff';
import { createRuleGates } from './rules';
import { withCoverage } from './rules/missingTests';
import { syntaxGate } from './syntax';
import { createTestGate } from './testGate';
import { createTypeScriptGate } from './typescript';
import { disposeNative } from './tsNative';
import { disposeTsProjects as disposeLanguageServices } from './tsServices';

/**
 * The gates in the order a candidate meets them: syntax, then the semantic gates (types, lint),
 * then the guard rules, then the project's tests. Later stages only run when the earlier ones let
 * the candidate through: type errors in a file that does not parse are noise, and a test run
 * costs seconds that a candidate with a type error does not deserve.
 */

export interface CreateGatesOptions {
  /** Whether the workspace is trusted (the test gate also checks the context at run time). */
  trusted?: boolean;
  /** Gate names to leave out ('typescript', 'ruff', 'pyright', 'tests', 'rule:lazy-elision', ...). */
  disabled?: readonly string[];
  /** Keep only these gates (the syntax gate stays in safe mode); 'rules' names every guard rule. */
  only?: readonly string[];
}

/** The settings createGates reads (a host's whole settings will do). */
export type PipelineSettings = Pick<GateSettings, 'safeMode'> & Partial<Pick<GateSettings, 'disabledGates'>>;

/** The settings runGates itself reads, beside each gate's own. */
export const PIPELINE_SETTINGS = settingsSlice('gateTimeoutSeconds', 'testTimeoutSeconds');

/** Every gate createGates can make, in pipeline order. */
export function allGates(opts: { reportSyntax?: boolean } = {}): AnyGate[] {
  return [
    syntaxGate,
    createTypeScriptGate(),
    createRuffGate({ reportSyntax: opts.reportSyntax ?? false }),
    createPyrightGate(),
    ...createRuleGates(),
    createTestGate(),
  ];
}

export function createGates(settings: PipelineSettings, opts: CreateGatesOptions = {}): AnyGate[] {
  const disabled = new Set([...(opts.disabled ?? []), ...(settings.disabledGates ?? [])]);
  // Safe mode's promise: nothing reaches the user's files without passing the syntax gate.
  if (settings.safeMode) disabled.delete('syntax');
  const withSyntax = !disabled.has('syntax') && (!opts.only || opts.only.includes('syntax') || settings.safeMode);
  const only = opts.only ? new Set(opts.only) : undefined;
  const wanted = (gate: AnyGate): boolean =>
    !only || only.has(gate.name) || (gate.stage === 'rules' && only.has('rules')) || (gate.name === 'syntax' && settings.safeMode);
  return allGates({ reportSyntax: !withSyntax }).filter((gate) => !disabled.has(gate.name) && wanted(gate));
}

export interface RunGatesOptions {
  /** Overrides `gateTimeoutSeconds` (tests use a short one to see an overrun become a finding). */
  gateTimeoutMs?: number;
}

/** How long a gate may take before it counts as timed out (the test gate runs twice, baseline and candidate). */
function gateTimeoutMs(gate: AnyGate, ctx: GateContext, opts: RunGatesOptions): number {
  const { gateTimeoutSeconds, testTimeoutSeconds } = PIPELINE_SETTINGS.parse(ctx.settings);
  const base = opts.gateTimeoutMs ?? gateTimeoutSeconds * 1000;
  return gate.stage === 'tests' ? Math.max(base, 2 * testTimeoutSeconds * 1000 + 60_000) : base;
}

/**
 * Runs the gates in order and returns one result per gate, skipped ones included (with the
 * reason), so the provenance record shows what was and was not checked. A gate that throws or
 * overruns its time becomes a blocking finding of category 'other', never a silent pass.
 * Cancellation is not a crash: it propagates as CancelledError.
 */
export async function runGates(
  gates: readonly AnyGate[],
  files: readonly CandidateFile[],
  ctx: GateContext,
  opts: RunGatesOptions = {},
): Promise<GateResult[]> {
  const results: GateResult[] = [];
  let blockedAt: GateStage | undefined;
  for (const gate of gates) {
    if (ctx.signal?.aborted) throw new CancelledError();
    const stage = gate.stage;
    if (blockedAt && (blockedAt === 'syntax' || stage === 'tests')) {
      results.push({ gate: gate.name, findings: [], durationMs: 0, skipped: `not run: the ${blockedAt} stage found blocking problems` });
      continue;
    }
    const result = await runOne(gate, files, ctx, opts);
    results.push(result);
    if (!blockedAt && blockingCount(result.findings) > 0) blockedAt = stage;
  }
  // The missing-tests rule ran before the tests; where they measured coverage, it decides.
  const coverage = results.find((r) => r.coverage)?.coverage;
  const missing = results.find((r) => r.gate === 'rule:missing-tests' && !r.skipped);
  if (coverage && missing) missing.findings = await withCoverage(missing.findings, files, coverage);
  return results;
}

async function runOne(gate: AnyGate, files: readonly CandidateFile[], ctx: GateContext, opts: RunGatesOptions): Promise<GateResult> {
  const started = performance.now();
  const timeoutMs = gateTimeoutMs(gate, ctx, opts);
  // The gate sees its own slice of the settings, defaults filled in for keys a caller left out.
  const own = { ...ctx, settings: gate.settings.parse(ctx.settings) };
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const firstFile = files[0]?.path ?? '';
  try {
    const outcome = await Promise.race([gate.check(files, own), overrun]);
    if (outcome === 'timeout') {
      return failed(
        gate,
        started,
        crashFinding(
          gate.name,
          firstFile,
          `The ${gate.name} gate did not finish within ${Math.round(timeoutMs / 1000)} s; the candidate was not checked by it.`,
        ),
      );
    }
    return outcome;
  } catch (err) {
    if (err instanceof CancelledError || ctx.signal?.aborted) throw err instanceof CancelledError ? err : new CancelledError();
    ctx.logger.warn(`Gate ${gate.name} failed: ${errorLine(err)}`);
    return failed(gate, started, crashFinding(gate.name, firstFile, `The ${gate.name} gate failed: ${errorLine(err)}`));
  } finally {
    clearTimeout(timer);
  }
}

function failed(gate: AnyGate, started: number, finding: Finding): GateResult {
  return { gate: gate.name, findings: [finding], durationMs: performance.now() - started };
}

/** Frees the warm state the gates keep (TypeScript services, baselines). */
export function disposeGates(gates: readonly AnyGate[]): void {
  for (const g of gates) g.dispose?.();
}

/**
 * The warm type checkers live past any one set of gates; the host frees them on shutdown: the
 * TypeScript 6 services and the TypeScript 7 processes (killed, not left to the exit handler).
 */
export function disposeTsProjects(): void {
  disposeLanguageServices();
  void disposeNative();
}
