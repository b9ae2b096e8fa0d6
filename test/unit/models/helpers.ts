import { strict as assert } from 'node:assert';
import { editToolDefinitions } from '../../../src/core/edits/schemas';
import type { Logger } from '../../../src/core/ports';
import { ProviderError, type ModelProgress, type ModelRequest, type ProviderErrorKind } from '../../../src/core/models/provider';

/** A distinctive fake key: any appearance of it in a message, log or output is a leak. */
export const FAKE_KEY = 'sk-ant-api03-FAKEKEY-do-not-leak-7f3a9c';

export const MODEL = 'claude-sonnet-5-5';

export function baseRequest(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    phase: 'generate',
    system: 'You are Refactor Guard. Edit files only through the tools.',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Rename foo to bar in src/a.ts.' }] }],
    tools: editToolDefinitions(),
    model: MODEL,
    maxTokens: 4096,
    ...overrides,
  };
}

/** Collects progress events for assertions. */
export function progressLog(): { events: ModelProgress[]; onProgress: (e: ModelProgress) => void } {
  const events: ModelProgress[] = [];
  return { events, onProgress: (e) => events.push(e) };
}

/** A Logger that keeps every line, so a test can search all of them for a secret. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (m: string) => lines.push(`${level} ${m}`);
  return { lines, info: push('info'), warn: push('warn'), error: push('error'), debug: push('debug') };
}

/** Awaits a rejection and checks it is a ProviderError of the given kind with a one-line message. */
export async function rejectsWith(promise: Promise<unknown>, kind: ProviderErrorKind): Promise<ProviderError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ProviderError, `expected a ProviderError, got ${String(err)}`);
    assert.equal(err.kind, kind, `kind: ${err.message}`);
    assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
    assert.ok(!/\bat .*\.(ts|js):\d+/.test(err.message), `no stack trace: ${err.message}`);
    return err;
  }
  assert.fail(`expected a ${kind} ProviderError, but the call succeeded`);
}

/** A port nothing listens on: bind, read the port, close. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
