import type { ProvenanceStore } from '../../core/provenance/store';
import type { RunRecord } from '../../core/provenance/schema';
import { newRunId } from '../../core/provenance/runId';
import { resolvePreset } from '../../core/settings';
import type { RunInput, RunOutcome } from './engineHost';

/**
 * The record of a run whose worker stopped before answering (a crash, out of memory, a cancel it
 * did not honour in time), so no run is ever lost. If the worker had announced its record and
 * that record is in the store, that is the run's record; otherwise the host writes the honest
 * minimum: the request, `failed` (or `cancelled`) with one line naming why the engine stopped, and
 * no model calls, attempts or patches (whatever the worker knew of them went with it).
 */
export async function recordStoppedRun(
  store: ProvenanceStore,
  input: RunInput,
  stopped: Extract<RunOutcome, { kind: 'stopped' }>,
  now: Date = new Date(),
): Promise<RunRecord> {
  if (stopped.runId) {
    const found = await store.getRun(stopped.runId).then(
      (v) => v.run,
      () => undefined,
    );
    if (found) return found;
  }
  const { job, settings } = input;
  const preset = resolvePreset(settings, input.preset);
  const targets =
    job.mode === 'refactor'
      ? job.targets.map((t) => ({ path: t.path, ...(t.function ? { function: t.function } : {}) }))
      : [...job.paths, ...(job.tests !== undefined ? [job.tests] : [])].map((path) => ({ path }));
  return store.appendRun({
    kind: 'run',
    ...(job.mode === 'generate' ? { mode: 'generate' as const } : {}),
    ...(job.mode === 'generate' && job.tests !== undefined ? { testFile: job.tests } : {}),
    runId: stopped.runId ?? newRunId(stopped.startedAt),
    createdAt: now.toISOString(),
    instruction: job.instruction,
    targets,
    preset: preset.name,
    settings: { preset, provider: settings.provider, safeMode: settings.safeMode, trusted: input.trusted },
    provider: {
      id: stopped.provider?.id ?? settings.provider,
      label: stopped.provider?.label ?? settings.provider,
      model: stopped.provider?.model ?? preset.model,
    },
    status: stopped.cancelled ? 'cancelled' : 'failed',
    error: stopped.cancelled ? { kind: 'cancelled', message: stopped.message } : { kind: 'engine_stopped', message: stopped.message },
    modelCalls: [],
    attempts: [],
    patches: [],
    timings: {
      startedAt: stopped.startedAt.toISOString(),
      endedAt: now.toISOString(),
      durationMs: Math.max(0, now.getTime() - stopped.startedAt.getTime()),
      phases: [],
    },
  });
}
