import type Anthropic from '@anthropic-ai/sdk';
import { normaliseConversation, replyText } from './conversation';
import type { ContentBlock, ModelReply, ModelRequest, ToolCall } from './provider';

/**
 * The provider-neutral conversation to Messages API parameters and back. The neutral shape was
 * modelled on this API, so the mapping is mostly renaming; what it adds is prompt caching.
 */

const CACHE = { type: 'ephemeral' } as const;

export type StreamParams = Anthropic.MessageStreamParams;

/**
 * Cache breakpoints: the system prompt and the last tool (the stable prefix every call shares),
 * and the last block of the conversation, so a repair call reads the whole previous exchange
 * (instruction, context, first reply) from the cache instead of paying for it again.
 */
export function toAnthropicParams(request: ModelRequest): StreamParams {
  const tools: Anthropic.Tool[] = request.tools.map((t) => ({
    name: t.name,
    description: t.description,
    input_schema: t.inputSchema as Anthropic.Tool.InputSchema,
  }));
  const lastTool = tools[tools.length - 1];
  if (lastTool) lastTool.cache_control = CACHE;

  const messages: Anthropic.MessageParam[] = normaliseConversation(request.messages).map((m) => ({
    role: m.role,
    content: m.content.map(toBlockParam),
  }));
  const lastMessage = messages[messages.length - 1];
  const lastBlock = lastMessage && Array.isArray(lastMessage.content) ? lastMessage.content[lastMessage.content.length - 1] : undefined;
  if (lastBlock && (lastBlock.type === 'text' || lastBlock.type === 'tool_result')) lastBlock.cache_control = CACHE;

  return {
    model: request.model,
    max_tokens: request.maxTokens,
    ...(request.system.trim() ? { system: [{ type: 'text', text: request.system, cache_control: CACHE }] } : {}),
    messages,
    ...(tools.length > 0 ? { tools } : {}),
  };
}

function toBlockParam(block: ContentBlock): Anthropic.ContentBlockParam {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'tool_use':
      // The API requires an object; a provider that produced something else (another model's
      // malformed JSON, replayed into this one) is sent as the raw text under one key.
      return { type: 'tool_use', id: block.id, name: block.name, input: isPlainObject(block.input) ? block.input : { raw: block.input } };
    case 'tool_result':
      return { type: 'tool_result', tool_use_id: block.toolUseId, content: block.content, is_error: block.isError };
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A complete Message (after message_stop) as the neutral reply. Blocks we do not use (thinking) are dropped. */
export function fromAnthropicMessage(message: Anthropic.Message, durationMs: number, retries: number): ModelReply {
  const content: ContentBlock[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') {
      content.push({ type: 'text', text: block.text });
    } else if (block.type === 'tool_use') {
      // Passed through as received: the engine validates it and tells the model what was wrong.
      content.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input });
      toolCalls.push({ id: block.id, name: block.name, input: block.input });
    }
  }
  const usage = message.usage;
  return {
    message: { role: 'assistant', content },
    text: replyText(content),
    toolCalls,
    usage: {
      inputTokens: usage.input_tokens ?? 0,
      outputTokens: usage.output_tokens ?? 0,
      cacheReadTokens: usage.cache_read_input_tokens ?? 0,
      cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
    },
    stopReason: message.stop_reason ?? 'unknown',
    model: message.model,
    durationMs,
    retries,
  };
}
