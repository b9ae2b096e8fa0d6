import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The plumbing both fake model servers share: listen on a free port, read and record each request,
 * write server-sent events with the ways a real stream goes wrong (cut, reset, stalled), and close
 * without leaving sockets behind. The protocol itself lives in each fake.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  /** Header names lower-cased. Kept for assertions only; the fakes never log them. */
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined when it did not parse. */
  body: any;
  raw: string;
}

/** How a streamed reply ends: normally, or broken the ways real connections break. */
export interface StreamFault {
  /** Stop after this many events (0 = right after the headers). */
  afterEvents: number;
  /** 'end' closes the response cleanly (a proxy that gave up); 'reset' destroys the socket; 'stall' goes silent until the client leaves. */
  how: 'end' | 'reset' | 'stall';
}

export interface FakeHttpServer {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** One line per request: method, path, status and outcome. Never headers, never bodies. */
  readonly log: string[];
  close(): Promise<void>;
}

export type Handler = (req: RecordedRequest, res: ServerResponse, incoming: IncomingMessage) => Promise<string> | string;

export async function startFakeHttp(handler: Handler): Promise<FakeHttpServer> {
  const requests: RecordedRequest[] = [];
  const log: string[] = [];
  const server: Server = createServer((incoming, res) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (c: Buffer) => chunks.push(c));
    incoming.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(incoming.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v ?? '');
      const recorded: RecordedRequest = { method: incoming.method ?? '', path: (incoming.url ?? '').split('?')[0]!, headers, body, raw };
      requests.push(recorded);
      Promise.resolve()
        .then(() => handler(recorded, res, incoming))
        .then(
          (outcome) => log.push(`${recorded.method} ${recorded.path} -> ${outcome}`),
          (err: unknown) => {
            log.push(`${recorded.method} ${recorded.path} -> handler failed: ${(err as Error).message}`);
            if (!res.headersSent) res.writeHead(500).end();
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** One SSE frame; `event` is omitted for protocols (OpenAI) that send data lines only. */
export function sseFrame(data: string, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${data}\n\n`;
}

/**
 * Writes frames one by one, yielding between them so the client sees a real stream rather than
 * one buffer, and applies the fault if one is set. Returns a short outcome for the log.
 */
export async function writeStream(
  res: ServerResponse,
  incoming: IncomingMessage,
  frames: string[],
  headers: Record<string, string>,
  fault?: StreamFault,
): Promise<string> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
  res.flushHeaders();
  const limit = fault ? Math.min(fault.afterEvents, frames.length) : frames.length;
  for (let i = 0; i < limit; i++) {
    if (res.destroyed) return `stream abandoned by client after ${i} events`;
    res.write(frames[i]);
    await new Promise((r) => setImmediate(r));
  }
  if (!fault) {
    res.end();
    return `200 stream, ${frames.length} events`;
  }
  switch (fault.how) {
    case 'end':
      res.end();
      return `200 stream ended early after ${limit} events`;
    case 'reset':
      res.socket?.destroy();
      return `200 stream reset after ${limit} events`;
    case 'stall':
      await new Promise<void>((resolve) => {
        if (incoming.socket.destroyed) return resolve();
        incoming.socket.once('close', () => resolve());
      });
      return `200 stream stalled after ${limit} events until the client left`;
  }
}

/** Holds the request open without answering until the client gives up (for timeouts and aborts). */
export async function hang(incoming: IncomingMessage): Promise<string> {
  await new Promise<void>((resolve) => {
    if (incoming.socket.destroyed) return resolve();
    incoming.socket.once('close', () => resolve());
  });
  return 'no answer; client left';
}

/** Splits text into n roughly equal pieces, so a tool input arrives as several partial_json chunks. */
export function chunk(text: string, pieces: number): string[] {
  if (text.length === 0) return [''];
  const size = Math.max(1, Math.ceil(text.length / pieces));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
