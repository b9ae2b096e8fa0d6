import { blockingCount, type Finding } from '../findings';
import { CancelledError } from '../ports';
import type { CandidateFile, Gate, GateContext, GateResult } from './gate';
import { crashFinding, errorMessage, numberSetting } from './gateSupport';
import { createPyrightGate } from './pyright';
import { createRuffGate } from './ruff';
import { createRuleGates } from './rules';
import { syntaxGate } from './syntax';
import { createTestGate } from './testGate';
import { createTypeScriptGate } from './typescript';

/**
 * The gates in the order a candidate meets them: syntax, then the semantic gates (types, lint),
 * then the guard rules, then the project's tests. Later stages only run when the earlier ones let
 * the candidate through: type errors in a file that does not parse are noise, and a test run
 * costs seconds that a candidate with a type error does not deserve.
 */

export type GateStage = 'syntax' | 'semantic' | 'rules' | 'tests';

export interface CreateGatesOptions {
  /** Whether the workspace is trusted (the test gate also checks the context at run time). */
  trusted?: boolean;
  /** Gate names to leave out ('typescript', 'ruff', 'pyright', 'tests', 'rule:lazy-elision', ...). */
  disabled?: readonly string[];
  /** Keep only these gates (the syntax gate stays in safe mode); 'rules' names every guard rule. */
  only?: readonly string[];
}

/** The settings createGates reads: `safeMode`, and optionally `disabledGates` (a list of gate names). */
export type PipelineSettings = { safeMode: boolean } & Readonly<Record<string, unknown>>;

const STAGE_OF = new WeakMap<Gate, GateStage>();

/** The stage a gate belongs to (gates made elsewhere count as semantic). */
export function stageOf(gate: Gate): GateStage {
  return (
    STAGE_OF.get(gate) ??
    (gate.name === 'syntax' ? 'syntax' : gate.name === 'tests' ? 'tests' : gate.name.startsWith('rule:') ? 'rules' : 'semantic')
  );
}

export function createGates(settings: PipelineSettings, opts: CreateGatesOptions = {}): Gate[] {
  const fromSettings = Array.isArray(settings.disabledGates)
    ? (settings.disabledGates as unknown[]).filter((x): x is string => typeof x === 'string')
    : [];
  const disabled = new Set([...(opts.disabled ?? []), ...fromSettings]);
  // Safe mode's promise: nothing reaches the user's files without passing the syntax gate.
  if (settings.safeMode) disabled.delete('syntax');
  const withSyntax = !disabled.has('syntax') && (!opts.only || opts.only.includes('syntax') || settings.safeMode);

  const staged: [GateStage, Gate][] = [
    ['syntax', syntaxGate],
    ['semantic', createTypeScriptGate()],
    ['semantic', createRuffGate({ reportSyntax: !withSyntax })],
    ['semantic', createPyrightGate()],
    ...createRuleGates().map((g): [GateStage, Gate] => ['rules', g]),
    ['tests', createTestGate()],
  ];
  const gates: Gate[] = [];
  const only = opts.only ? new Set(opts.only) : undefined;
  const wanted = (gate: Gate, stage: GateStage): boolean =>
    !only || only.has(gate.name) || (stage === 'rules' && only.has('rules')) || (gate.name === 'syntax' && settings.safeMode);
  for (const [stage, gate] of staged) {
    if (disabled.has(gate.name) || !wanted(gate, stage)) continue;
    STAGE_OF.set(gate, stage);
    gates.push(gate);
  }
  return gates;
}

/** How long a gate may take before it counts as timed out (the test gate runs twice, baseline and candidate). */
function gateTimeoutMs(gate: Gate, ctx: GateContext): number {
  const base = numberSetting(ctx.settings, 'gateTimeoutMs', 120_000);
  return stageOf(gate) === 'tests' ? Math.max(base, 2 * ctx.settings.testTimeoutMs + 60_000) : base;
}

/**
 * Runs the gates in order and returns one result per gate, skipped ones included (with the
 * reason), so the provenance record shows what was and was not checked. A gate that throws or
 * overruns its time becomes a blocking finding of category 'other', never a silent pass.
 * Cancellation is not a crash: it propagates as CancelledError.
 */
export async function runGates(gates: readonly Gate[], files: readonly CandidateFile[], ctx: GateContext): Promise<GateResult[]> {
  const results: GateResult[] = [];
  let blockedAt: GateStage | undefined;
  for (const gate of gates) {
    if (ctx.signal?.aborted) throw new CancelledError();
    const stage = stageOf(gate);
    if (blockedAt && (blockedAt === 'syntax' || stage === 'tests')) {
      results.push({ gate: gate.name, findings: [], durationMs: 0, skipped: `not run: the ${blockedAt} stage found blocking problems` });
      continue;
    }
    const result = await runOne(gate, files, ctx);
    results.push(result);
    if (!blockedAt && blockingCount(result.findings) > 0) blockedAt = stage;
  }
  return results;
}

async function runOne(gate: Gate, files: readonly CandidateFile[], ctx: GateContext): Promise<GateResult> {
  const started = performance.now();
  const timeoutMs = gateTimeoutMs(gate, ctx);
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const firstFile = files[0]?.path ?? '';
  try {
    const outcome = await Promise.race([gate.check(files, ctx), overrun]);
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
    ctx.logger.warn(`Gate ${gate.name} failed: ${errorMessage(err)}`);
    return failed(gate, started, crashFinding(gate.name, firstFile, `The ${gate.name} gate failed: ${errorMessage(err)}`));
  } finally {
    clearTimeout(timer);
  }
}

function failed(gate: Gate, started: number, finding: Finding): GateResult {
  return { gate: gate.name, findings: [finding], durationMs: performance.now() - started };
}

/** Frees the warm state the gates keep (TypeScript services, baselines). */
export function disposeGates(gates: readonly Gate[]): void {
  for (const g of gates) g.dispose?.();
}

/** The warm TypeScript services live past any one set of gates; the host frees them on shutdown. */
export { disposeTsProjects } from './tsServices';
