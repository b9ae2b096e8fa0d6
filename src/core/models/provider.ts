/**
 * One interface for every model client (anthropic, openai-compatible, vscode-lm, replay).
 * The conversation is kept in a provider-neutral shape close to the Messages API, since that is
 * the strictest of the protocols: every tool_use is answered by a tool_result in the next user turn.
 */

export type Phase = 'plan' | 'generate' | 'repair';

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the input, generated from the zod schema the engine validates with. */
  inputSchema: Record<string, unknown>;
}

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; toolUseId: string; content: string; isError: boolean };

export interface ConversationMessage {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

export interface ModelRequest {
  phase: Phase;
  /** The stable part of the prompt (cacheable). */
  system: string;
  messages: ConversationMessage[];
  tools: ToolDefinition[];
  model: string;
  maxTokens: number;
  signal?: AbortSignal;
  /** Streaming progress: text so far, tool names as they start. */
  onProgress?: (event: ModelProgress) => void;
}

export type ModelProgress =
  /** A delta: the text that arrived since the previous text event (append them to show the reply). */
  { kind: 'text'; text: string } | { kind: 'tool'; name: string } | { kind: 'retry'; attempt: number; reason: string };

export interface ToolCall {
  id: string;
  name: string;
  /** Unvalidated: the engine validates it with the tool's zod schema. */
  input: unknown;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface ModelReply {
  /** The assistant turn as received, to append to the conversation. */
  message: ConversationMessage;
  text: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  stopReason: string;
  /** The model that answered, as the provider reports it. */
  model: string;
  durationMs: number;
  retries: number;
}

export interface ModelProvider {
  /** 'anthropic', 'openai', 'vscode-lm', 'replay'. */
  readonly id: string;
  /** Shown to the user: "Replay of demo-transcript.json", "Anthropic claude-sonnet-4-5". */
  readonly label: string;
  /**
   * The model this provider runs whatever a request names, from its own configuration
   * (`openai.model`, a transcript's model, a VS Code model family); absent when it runs the model
   * each request names (the preset's, for Anthropic).
   */
  readonly model?: string;
  complete(request: ModelRequest): Promise<ModelReply>;
}

/** The kinds of provider failure a user must be told about in one line, with what to do. */
export type ProviderErrorKind =
  | 'key_missing'
  | 'key_rejected'
  | 'rate_limited'
  | 'overloaded'
  | 'model_not_found'
  | 'network'
  | 'timeout'
  | 'cancelled'
  | 'bad_request'
  | 'server'
  | 'transcript_exhausted';

/** A provider failure; its message is one line, safe to show, and never carries a secret. */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly status?: number,
    /** HTTP retries made before giving up, for the provenance record's model call. */
    readonly retries?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
