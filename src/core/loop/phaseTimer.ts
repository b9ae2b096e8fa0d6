/** Records the start and duration of each phase of a run, relative to the run's start. */
export class PhaseTimer {
  private readonly origin = performance.now();
  readonly phases: { name: string; startMs: number; durationMs: number }[] = [];

  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.phases.push({ name, startMs: round(start - this.origin), durationMs: round(performance.now() - start) });
    }
  }

  elapsed(): number {
    return round(performance.now() - this.origin);
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
