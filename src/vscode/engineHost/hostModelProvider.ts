import type { ModelProgress, ModelProvider, ModelReply, ModelRequest } from '../../core/models/provider';
import { ProviderError } from '../../core/models/provider';
import type { ModelFailure, ModelRequestData, WorkerToHost } from './protocol';

interface Pending {
  resolve(reply: ModelReply): void;
  reject(err: Error): void;
  onProgress?: (event: ModelProgress) => void;
}

/**
 * The worker's side of a provider that exists only on the extension host (vscode.lm): each
 * `complete()` becomes a `model` message, the host runs the real provider and answers with its
 * streamed progress and its reply or failure. A cancel (the run's signal) is sent to the host, which
 * aborts the real request; this side settles at once, as a cancelled ProviderError.
 */
export class HostModelProvider implements ModelProvider {
  private static nextCall = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    readonly id: string,
    readonly label: string,
    readonly model: string | undefined,
    private readonly runId: number,
    private readonly post: (message: WorkerToHost) => void,
  ) {}

  complete(request: ModelRequest): Promise<ModelReply> {
    const { signal, onProgress, ...data } = request;
    if (signal?.aborted) return Promise.reject(new ProviderError('cancelled', 'Cancelled: the model request was stopped.'));
    const call = HostModelProvider.nextCall++;
    return new Promise<ModelReply>((resolve, reject) => {
      const onAbort = () => {
        this.post({ type: 'modelCancel', call });
        this.settle(call)?.reject(new ProviderError('cancelled', 'Cancelled: the model request was stopped.'));
      };
      const done =
        <T>(fn: (value: T) => void) =>
        (value: T) => {
          signal?.removeEventListener('abort', onAbort);
          fn(value);
        };
      this.pending.set(call, { resolve: done(resolve), reject: done(reject), ...(onProgress ? { onProgress } : {}) });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.post({ type: 'model', id: this.runId, call, request: data satisfies ModelRequestData });
    });
  }

  progress(call: number, event: ModelProgress): void {
    this.pending.get(call)?.onProgress?.(event);
  }

  reply(call: number, reply: ModelReply): void {
    this.settle(call)?.resolve(reply);
  }

  fail(call: number, error: ModelFailure): void {
    this.settle(call)?.reject(new ProviderError(error.kind, error.message, error.status, error.retries));
  }

  /** Whether this provider made the call (the worker routes answers by call number). */
  owns(call: number): boolean {
    return this.pending.has(call);
  }

  private settle(call: number): Pending | undefined {
    const p = this.pending.get(call);
    this.pending.delete(call);
    return p;
  }
}
