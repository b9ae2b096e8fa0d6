import { format } from 'node:util';
import type { Logger } from '../ports';
import { redact } from './errors';
import type { ModelProgress } from './provider';

/**
 * Helpers both HTTP providers share: counting the HTTP attempts behind one `complete()` (the SDKs
 * retry internally and report nothing), a watchdog for a stream that goes silent (the SDKs' own
 * timeout stops at the response headers), and a logger adapter that never lets the key through.
 */

/** Counts HTTP attempts of one `complete()` call and reports each retry as progress. */
export class AttemptCounter {
  private attempts = 0;
  private lastReason = 'first attempt';

  constructor(private readonly onProgress?: (event: ModelProgress) => void) {}

  /** Retries so far: every attempt after the first, whoever made it (the SDK or a stream restart). */
  get retries(): number {
    return Math.max(0, this.attempts - 1);
  }

  /** Call as each HTTP attempt starts. */
  started(): void {
    this.attempts++;
    if (this.attempts > 1) this.onProgress?.({ kind: 'retry', attempt: this.attempts - 1, reason: this.lastReason });
  }

  /** Call with the status of an attempt's response, or the way it failed. */
  finished(outcome: number | string): void {
    this.lastReason = typeof outcome === 'number' ? describeStatus(outcome) : outcome;
  }

  /**
   * Wraps a fetch so each call counts as an attempt; for SDKs without middleware (openai). It
   * wraps the function handed to one client only, never the global fetch.
   */
  wrapFetch(inner: typeof fetch): typeof fetch {
    return async (input, init) => {
      this.started();
      try {
        const response = await inner(input, init);
        this.finished(response.status);
        return response;
      } catch (err) {
        this.finished(init?.signal?.aborted ? 'timed out or cancelled' : 'connection failed');
        throw err;
      }
    };
  }
}

function describeStatus(status: number): string {
  if (status === 429) return 'rate limited (429)';
  if (status === 529) return 'overloaded (529)';
  if (status === 408) return 'request timeout (408)';
  if (status >= 500) return `server error (${status})`;
  return `HTTP ${status}`;
}

/**
 * Aborts a stream that has gone silent for `ms`. The SDKs time out only until the response headers
 * arrive; a server that stalls mid-reply would otherwise hold the run forever.
 */
export class IdleWatchdog {
  private timer: NodeJS.Timeout | undefined;
  fired = false;

  constructor(
    private readonly ms: number,
    private readonly onIdle: () => void,
  ) {}

  /** Starts or restarts the countdown; call on every event received. */
  touch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.onIdle();
    }, this.ms);
    this.timer.unref?.();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The logger shape both SDKs accept. */
export interface SdkLogger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

/** Routes SDK log lines to the host's logger, with the key scrubbed even if an SDK printed it. */
export function sdkLogger(logger: Logger, secrets: readonly string[], prefix: string): SdkLogger {
  const line = (message: string, rest: unknown[]) => redact(`${prefix}: ${format(message, ...rest)}`, secrets);
  return {
    error: (m, ...r) => logger.error(line(m, r)),
    warn: (m, ...r) => logger.warn(line(m, r)),
    info: (m, ...r) => logger.info(line(m, r)),
    debug: (m, ...r) => logger.debug(line(m, r)),
  };
}
