import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { ContentBlock, ModelProvider, ModelReply, ModelRequest } from './provider';
import { ProviderError } from './provider';
import { errorLine } from '../errorLine';

/**
 * Plays a recorded transcript of model replies through the same tool-call path a real model uses:
 * the engine validates and applies the tool calls exactly as it would an Anthropic reply. It is how
 * the demo and most tests run without a key. A reply may state what the request must contain
 * (`expectRequestIncludes`), so a transcript that no longer fits the prompts fails loudly instead
 * of replaying edits against the wrong question.
 */

const ReplyToolCall = z.object({ id: z.string().optional(), name: z.string(), input: z.unknown() });

const ReplaySchema = z.object({
  phase: z.enum(['plan', 'generate', 'repair']).optional(),
  text: z.string().default(''),
  toolCalls: z.array(ReplyToolCall).default([]),
  stopReason: z.string().default('end_turn'),
  usage: z
    .object({
      inputTokens: z.number().int().min(0).default(0),
      outputTokens: z.number().int().min(0).default(0),
      cacheReadTokens: z.number().int().min(0).default(0),
      cacheWriteTokens: z.number().int().min(0).default(0),
    })
    .default({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }),
  /** Strings the request (system + messages) must contain for this reply to fit. */
  expectRequestIncludes: z.array(z.string()).default([]),
});

export const TranscriptSchema = z.object({
  description: z.string().default(''),
  model: z.string().default('recorded'),
  replies: z.array(ReplaySchema).min(1),
});
export type Transcript = z.infer<typeof TranscriptSchema>;

export class ReplayProvider implements ModelProvider {
  readonly id = 'replay';
  readonly label: string;
  /** The model the transcript says it recorded ('recorded' when it does not say). */
  get model(): string {
    return this.transcript.model;
  }
  private readonly transcript: Transcript;
  private next = 0;

  constructor(source: string | Transcript) {
    if (typeof source === 'string') {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(source, 'utf8'));
      } catch (err) {
        throw new ProviderError('bad_request', `Replay transcript ${source} could not be read: ${errorLine(err)}`);
      }
      const parsed = TranscriptSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new ProviderError(
          'bad_request',
          `Replay transcript ${source} is invalid at ${issue.path.join('.') || 'top level'}: ${issue.message}`,
        );
      }
      this.transcript = parsed.data;
      this.label = `Replay of ${path.basename(source)} (recorded, no model called)`;
    } else {
      this.transcript = TranscriptSchema.parse(source);
      this.label = 'Replay of an in-memory transcript (recorded, no model called)';
    }
  }

  /** Replies left; the engine's tests check a run used exactly what was recorded. */
  get remaining(): number {
    return this.transcript.replies.length - this.next;
  }

  async complete(request: ModelRequest): Promise<ModelReply> {
    if (request.signal?.aborted) throw new ProviderError('cancelled', 'Cancelled.');
    const index = this.next;
    const reply = this.transcript.replies[index];
    if (!reply) {
      throw new ProviderError(
        'transcript_exhausted',
        `Replay transcript has no reply ${index + 1} (it holds ${this.transcript.replies.length}); the run asked for more calls than were recorded.`,
      );
    }
    if (reply.phase && reply.phase !== request.phase) {
      throw new ProviderError(
        'bad_request',
        `Replay reply ${index + 1} was recorded for the ${reply.phase} phase but the run is in ${request.phase}.`,
      );
    }
    const haystack = requestText(request);
    for (const needle of reply.expectRequestIncludes) {
      if (!haystack.includes(needle)) {
        throw new ProviderError(
          'bad_request',
          `Replay reply ${index + 1} expected the request to include ${JSON.stringify(needle)}; the prompt has changed since it was recorded.`,
        );
      }
    }
    this.next++;
    const started = Date.now();
    const toolCalls = reply.toolCalls.map((c, i) => ({ id: c.id ?? `toolu_replay_${index + 1}_${i + 1}`, name: c.name, input: c.input }));
    for (const c of toolCalls) request.onProgress?.({ kind: 'tool', name: c.name });
    if (reply.text) request.onProgress?.({ kind: 'text', text: reply.text });
    const content: ContentBlock[] = [];
    if (reply.text) content.push({ type: 'text', text: reply.text });
    for (const c of toolCalls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: c.input });
    return {
      message: { role: 'assistant', content },
      text: reply.text,
      toolCalls,
      usage: reply.usage,
      stopReason: toolCalls.length > 0 && reply.stopReason === 'end_turn' ? 'tool_use' : reply.stopReason,
      model: this.transcript.model,
      durationMs: Date.now() - started,
      retries: 0,
    };
  }
}

function requestText(request: ModelRequest): string {
  const parts = [request.system];
  for (const m of request.messages) {
    for (const b of m.content) {
      if (b.type === 'text') parts.push(b.text);
      else if (b.type === 'tool_result') parts.push(b.content);
      else parts.push(JSON.stringify(b.input));
    }
  }
  return parts.join('\n');
}
