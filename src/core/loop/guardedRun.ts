import { blockingCount, isBlocking, type Finding } from '../findings';
import { editToolDefinitions } from '../edits/schemas';
import { Overlay } from '../edits/overlay';
import type { ConversationMessage, ModelReply, ModelRequest, Phase } from '../models/provider';
import { ProviderError } from '../models/provider';
import { CancelledError, silentLogger, systemClock, throwIfAborted } from '../ports';
import type { Attempt, GateRun, ModelCall, NewRunRecord, Patch, RunRecord, RunStatus } from '../provenance/schema';
import { applyRetention } from '../provenance/retention';
import { groupCascades } from '../validate/cascades';
import { sha256Hex } from '../sha256';
import { resolvePreset } from '../settings';
import { errorLine } from '../errorLine';
import { createGates, runGates } from '../validate/pipeline';
import type { CandidateFile, GateContext } from '../validate/gate';
import type { CoverageResult } from '../validate/coverage/lineCoverage';
import { gateSettingsOf } from '../validate/gateSettings';
import { buildPatches } from './patches';
import { applyReplyEdits } from './replyEdits';
import { PhaseTimer } from './phaseTimer';
import { PromptTemplates } from './prompts';
import { formatCandidateForRepair, formatFindingsForRepair } from './repairPrompt';
import { newRunId } from '../provenance/runId';
import type { RunOptions } from './runOptions';
import type { AllowedFiles } from '../edits/applyEdit';
import type { RunContext } from './runContext';

/**
 * What differs between a refactor and a generate run: what is recorded as the targets, which files
 * the model may write, where the context starts from, and the prompts. Everything else (gates,
 * repair, risk, the record) is one loop, so a generated module is held to what an edit is.
 */
export interface RunJob {
  mode: RunMode;
  /** Recorded as the run's targets: the files to change or to create. */
  targets: RunTarget[];
  allowed: AllowedFiles;
  /** The context the model sees (built once, before the first call). */
  context(): Promise<RunContext>;
  /** The system prompt and the first user turn. */
  system(prompts: PromptTemplates): string;
  firstTurn(prompts: PromptTemplates, context: RunContext, plan: string | undefined): string;
  /** The test file the person named (a generate run's --tests), recorded as such. */
  testFile?: string;
  /** Whether a candidate whose tests did not run can pass (generated code cannot: its tests are its proof). */
  requireTests?: boolean;
  /**
   * The test file a candidate must write (generate): the one named, or one new file the convention
   * matches. A candidate without it has no tests of its own, however green the old ones are.
   */
  requiredTestFile?: { path: string } | { describe: string; suggested: string; matches(path: string): boolean };
}

export type RunMode = 'refactor' | 'generate';
export interface RunTarget {
  path: string;
  function?: string;
}

/**
 * One guarded run: context → [plan] → generate → overlay → gates → repair (at most the preset's
 * rounds) → risk → a proposal stored in provenance. It never writes the user's files: edits live in
 * an in-memory overlay and the proposal is kept in the store until someone applies it. Whatever
 * happens (provider error, cancellation, a crash in a gate) the run is recorded with its outcome.
 * Callers check what they were asked (runRefactor, runGenerate) before calling it.
 */
export async function runGuarded(opts: RunOptions, job: RunJob): Promise<RunRecord> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? silentLogger;
  const startedAt = clock.now();
  const runId = newRunId(startedAt);
  const timer = new PhaseTimer();
  const preset = resolvePreset(opts.settings, opts.preset);
  const maxAttempts = 1 + preset.repairRounds;
  const progress = opts.onProgress ?? (() => {});
  const targets = job.targets;
  const allowed = job.allowed;
  const prompts = new PromptTemplates(opts.promptsDir || opts.settings.promptsFolder || undefined);
  const calls: ModelCall[] = [];
  const attempts: Attempt[] = [];
  let plan: string | undefined;
  let contextInfo: NewRunRecord['context'];
  let patches: Patch[] = [];
  /** The attempt whose candidate the patches are. */
  let keptAttempt: number | undefined;
  let status: RunStatus = 'failed';
  let error: { kind: string; message: string } | undefined;

  const call = async (
    phase: Phase,
    attempt: number,
    request: Omit<ModelRequest, 'phase' | 'model' | 'maxTokens' | 'signal'>,
  ): Promise<ModelReply> => {
    const t0 = performance.now();
    try {
      const reply = await opts.provider.complete({
        ...request,
        phase,
        model: preset.model,
        maxTokens: preset.maxTokens,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      calls.push({
        phase,
        attempt,
        provider: opts.provider.id,
        model: reply.model,
        inputTokens: reply.usage.inputTokens,
        outputTokens: reply.usage.outputTokens,
        cacheReadTokens: reply.usage.cacheReadTokens,
        cacheWriteTokens: reply.usage.cacheWriteTokens,
        durationMs: Math.round(reply.durationMs),
        stopReason: reply.stopReason,
        retries: reply.retries,
      });
      return reply;
    } catch (err) {
      const message = err instanceof ProviderError ? err.message : 'The model call failed unexpectedly.';
      calls.push({
        phase,
        attempt,
        provider: opts.provider.id,
        model: opts.provider.model ?? preset.model,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        durationMs: Math.round(performance.now() - t0),
        stopReason: 'error',
        retries: err instanceof ProviderError ? (err.retries ?? 0) : 0,
        error: message,
      });
      throw err;
    }
  };

  const gates = createGates(opts.settings, { trusted: opts.trusted });
  const gateCtx: GateContext = {
    files: opts.files,
    ...(opts.processes ? { processes: opts.processes } : {}),
    logger,
    ...(opts.signal ? { signal: opts.signal } : {}),
    instruction: opts.instruction,
    trusted: opts.trusted,
    settings: gateSettingsOf(opts.settings),
    ...(job.testFile ? { testFiles: [job.testFile] } : {}),
  };

  try {
    progress({ stage: 'context', message: 'Building context' });
    const context = await timer.time('context', () => job.context());
    contextInfo = { tokens: context.tokens, pieces: context.pieces };
    throwIfAborted(opts.signal);

    const system = job.system(prompts);
    const tools = editToolDefinitions();

    if (preset.plan) {
      progress({ stage: 'plan', message: 'Planning' });
      const reply = await timer.time('plan', () =>
        call('plan', 1, {
          system,
          tools: [],
          messages: [userText(prompts.render('plan', { instruction: opts.instruction, context: context.text }))],
        }),
      );
      plan = reply.text.trim() || undefined;
    }

    const overlay = new Overlay(opts.files);
    const conversation: ConversationMessage[] = [userText(job.firstTurn(prompts, context, plan))];
    let best:
      | { snapshot: ReturnType<Overlay['snapshot']>; findings: Finding[]; blocking: number; attempt: number; coverage?: CoverageResult }
      | undefined;
    let findings: Finding[] = [];

    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const phase: Phase = attempt === 1 ? 'generate' : 'repair';
      progress({
        stage: phase,
        message: attempt === 1 ? `Generating, attempt 1 of ${maxAttempts}` : `Repairing, attempt ${attempt} of ${maxAttempts}`,
        attempt,
        of: maxAttempts,
      });
      const errorsIn = attempt === 1 ? 0 : blockingCount(findings);
      const reply = await timer.time(`${phase} ${attempt}`, () =>
        call(phase, attempt, {
          system,
          tools,
          messages: conversation,
          ...(opts.onProgress
            ? {
                onProgress: (e) => {
                  if (e.kind === 'tool') progress({ stage: phase, message: `Model is writing ${e.name}`, attempt, of: maxAttempts });
                },
              }
            : {}),
        }),
      );
      throwIfAborted(opts.signal);

      // The reply goes back into the conversation as applyReplyEdits kept it (a runaway reply's
      // calls past the limit left out), each kept call answered in toolResults.
      const { edits, findings: editFindings, toolResults, message: sentBack } = await applyReplyEdits(overlay, reply, allowed);
      conversation.push(sentBack);

      progress({ stage: 'validate', message: 'Validating', attempt, of: maxAttempts });
      const candidate = overlay.changedFiles();
      const results = candidate.length === 0 ? [] : await timer.time(`gates ${attempt}`, () => runGates(gates, candidate, gateCtx));
      // The record keeps each gate's findings; coverage reaches it as the patches' summaries.
      let gateRuns: GateRun[] = results.map(({ coverage: _coverage, ...run }) => run);
      const coverage = results.find((r) => r.coverage)?.coverage;
      throwIfAborted(opts.signal);
      // What generated code owes besides passing the gates: tests of its own, that ran. Recorded as
      // a gate run of its own, so the record shows why such a candidate did not pass.
      if (candidate.length > 0 && (job.requireTests || job.requiredTestFile)) {
        const owed: Finding[] = [];
        const before = [...editFindings, ...gateRuns.flatMap((g) => g.findings)];
        const noTests = job.requiredTestFile ? missingTestFile(job.requiredTestFile, candidate) : undefined;
        if (noTests) owed.push(noTests);
        const notRun = job.requireTests && blockingCount(before) === 0 && !noTests ? testsNotRun(gateRuns, candidate[0]!.path) : undefined;
        if (notRun) owed.push(notRun);
        gateRuns = [...gateRuns, { gate: 'generated-tests', durationMs: 0, findings: owed }];
      }
      findings = [...editFindings, ...gateRuns.flatMap((g) => g.findings)];
      const blocking = blockingCount(findings);
      const success = blocking === 0 && candidate.length > 0;
      // Told as problems, a syntax cascade counted once; the record keeps every finding.
      const problems = groupCascades(findings.filter(isBlocking));
      const syntaxCount = problems.filter((g) => g.first.category === 'syntax').length;
      progress({
        stage: 'validate',
        message: success
          ? 'Validating: all gates passed'
          : `Validating: ${problems.length} problem${problems.length === 1 ? '' : 's'}${syntaxCount ? ` (${syntaxCount} syntax)` : ''}`,
        attempt,
        of: maxAttempts,
      });
      attempts.push({
        index: attempt,
        phase,
        errorsIn,
        errorsOut: blocking,
        success,
        tokens: reply.usage.inputTokens + reply.usage.outputTokens,
        edits,
        gates: gateRuns,
      });

      if (candidate.length > 0 && (best === undefined || blocking <= best.blocking)) {
        best = { snapshot: overlay.snapshot(), findings, blocking, attempt, ...(coverage ? { coverage } : {}) };
      }
      if (success) break;
      if (attempt < maxAttempts) {
        const texts = new Map<string, string>();
        for (const f of candidate) if (f.after !== undefined) texts.set(f.path, f.after);
        const repairText = prompts.render('repair', {
          attempt: attempt + 1,
          maxAttempts,
          findings: formatFindingsForRepair(findings),
          candidate: texts.size > 0 ? formatCandidateForRepair(texts, findings) : '(no file has changed yet)',
          instruction: opts.instruction,
        });
        conversation.push({ role: 'user', content: [...toolResults, { type: 'text', text: repairText }] });
      }
    }

    if (best === undefined) {
      status = 'no_changes';
    } else {
      overlay.restore(best.snapshot);
      keptAttempt = best.attempt;
      const valid = best.blocking === 0;
      progress({ stage: 'risk', message: 'Scoring risk' });
      patches = await timer.time('risk', () =>
        buildPatches(
          overlay,
          best!.findings,
          valid,
          opts.store,
          {
            files: opts.files,
            ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
            logger,
          },
          best!.coverage?.files,
        ),
      );
      // A cancel during scoring must not leave a proposal a host would go on to auto-apply.
      throwIfAborted(opts.signal);
      status = patches.length === 0 ? 'no_changes' : valid ? 'proposed' : 'no_valid_patch';
    }
  } catch (err) {
    if (err instanceof CancelledError || (err instanceof ProviderError && err.kind === 'cancelled') || opts.signal?.aborted) {
      status = 'cancelled';
      error = { kind: 'cancelled', message: 'The run was cancelled; nothing was written.' };
    } else if (err instanceof ProviderError) {
      status = 'provider_error';
      error = { kind: err.kind, message: err.message };
    } else {
      status = 'failed';
      error = { kind: 'internal', message: errorLine(err) };
      logger.error(`Run ${runId} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    patches = [];
    keptAttempt = undefined;
  } finally {
    for (const g of gates) g.dispose?.();
  }

  if (opts.signal?.aborted && status !== 'cancelled') {
    // A cancel that came after the last check still wins: a proposal the user cancelled must not
    // be recorded as one (auto-apply would write it).
    status = 'cancelled';
    error = { kind: 'cancelled', message: 'The run was cancelled; nothing was written.' };
    patches = [];
    keptAttempt = undefined;
  }
  progress({ stage: 'record', message: 'Recording provenance' });
  const endedAt = clock.now();
  const record = await opts.store.appendRun({
    kind: 'run',
    ...(job.mode === 'generate' ? { mode: job.mode } : {}),
    ...(job.testFile ? { testFile: job.testFile } : {}),
    runId,
    createdAt: endedAt.toISOString(),
    instruction: opts.instruction,
    targets,
    preset: preset.name,
    settings: recordedSettings(opts, preset),
    // The model that answered (the last call that did), else the provider's own, else the one requested.
    provider: {
      id: opts.provider.id,
      label: opts.provider.label,
      model: [...calls].reverse().find((c) => !c.error)?.model ?? opts.provider.model ?? preset.model,
    },
    status,
    ...(error ? { error } : {}),
    ...(plan ? { plan } : {}),
    ...(contextInfo ? { context: contextInfo } : {}),
    modelCalls: calls,
    attempts,
    ...(keptAttempt !== undefined ? { keptAttempt } : {}),
    patches,
    timings: { startedAt: startedAt.toISOString(), endedAt: endedAt.toISOString(), durationMs: timer.elapsed(), phases: timer.phases },
  });
  try {
    await applyRetention(opts.store, opts.settings['retention.maxRuns'], {
      // An old run whose proposal is on disk keeps the originals its rollback needs.
      holds: async (path, sha256) => {
        const bytes = await opts.files.read(path);
        return bytes !== undefined && sha256Hex(bytes) === sha256;
      },
    });
  } catch (err) {
    // The run is recorded; a prune that failed leaves more records than wanted, nothing worse.
    logger.warn(`Provenance retention skipped: ${errorLine(err)}`);
  }
  return record;
}

/** A blocking finding when the candidate writes no test file of its own (generate). */
function missingTestFile(required: NonNullable<RunJob['requiredTestFile']>, candidate: readonly CandidateFile[]): Finding | undefined {
  const written =
    'path' in required
      ? candidate.some((f) => f.path === required.path && f.after !== undefined)
      : candidate.some((f) => f.before === undefined && f.after !== undefined && required.matches(f.path));
  if (written) return undefined;
  return {
    tool: 'tests',
    code: 'no-test-file',
    category: 'test_failure',
    severity: 'error',
    file: candidate[0]!.path,
    line: 1,
    column: 1,
    message:
      'path' in required
        ? `No tests were written: ${required.path} is unchanged. Write the tests for the new code there.`
        : `No test file was written: write the tests in ${required.describe}, such as ${required.suggested}.`,
    introduced: true,
  };
}

/** A blocking finding when the test gate was skipped or absent: generated code is only as good as its tests. */
export function testsNotRun(gateRuns: readonly GateRun[], file: string): Finding | undefined {
  const tests = gateRuns.find((g) => g.gate === 'tests');
  if (tests && !tests.skipped) return undefined;
  const why = tests ? tests.skipped : 'the test gate is turned off';
  return {
    tool: 'tests',
    code: 'not-run',
    category: 'test_failure',
    severity: 'error',
    file,
    line: 1,
    column: 1,
    message: `The tests did not run (${why}); generated code is only proposed once its tests ran and passed.`,
    introduced: true,
  };
}

function userText(text: string): ConversationMessage {
  return { role: 'user', content: [{ type: 'text', text }] };
}

/** The settings in force, as recorded: everything the run used, nothing secret (keys never live in Settings). */
function recordedSettings(opts: RunOptions, preset: ReturnType<typeof resolvePreset>): Record<string, unknown> {
  const s = opts.settings;
  return {
    preset,
    provider: s.provider,
    safeMode: s.safeMode,
    testCommand: s.testCommand || undefined,
    trusted: opts.trusted,
    rules: { maxShareChanged: s['rules.maxShareChanged'], complexityBudget: s['rules.complexityBudget'] },
    wholeFilesContext: s['context.wholeFiles'],
  };
}
