import type OpenAI from 'openai';
import { normaliseConversation } from './conversation';
import type { ContentBlock, ModelRequest, ToolCall } from './provider';

/**
 * The neutral conversation as chat completions messages. The differences that matter: the system
 * prompt is a message, a tool result is its own `tool` message (with no error flag, so an error
 * says so in its text), and tool arguments travel as a JSON string.
 */

type Params = OpenAI.Chat.ChatCompletionCreateParamsStreaming;

export function toChatParams(request: ModelRequest): Params {
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [];
  if (request.system.trim()) messages.push({ role: 'system', content: request.system });
  for (const message of normaliseConversation(request.messages)) {
    const texts = message.content.filter((b): b is Extract<ContentBlock, { type: 'text' }> => b.type === 'text').map((b) => b.text);
    if (message.role === 'user') {
      for (const block of message.content) {
        if (block.type !== 'tool_result') continue;
        messages.push({ role: 'tool', tool_call_id: block.toolUseId, content: block.isError ? `Error: ${block.content}` : block.content });
      }
      if (texts.length > 0) messages.push({ role: 'user', content: texts.join('\n\n') });
    } else {
      const calls = message.content.flatMap((b) =>
        b.type === 'tool_use'
          ? [
              {
                id: b.id,
                type: 'function' as const,
                function: { name: b.name, arguments: typeof b.input === 'string' ? b.input : JSON.stringify(b.input) },
              },
            ]
          : [],
      );
      messages.push({
        role: 'assistant',
        content: texts.length > 0 ? texts.join('\n\n') : null,
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
      });
    }
  }
  const tools: OpenAI.Chat.ChatCompletionTool[] = request.tools.map((t) => ({
    type: 'function',
    function: { name: t.name, description: t.description, parameters: t.inputSchema },
  }));
  return {
    model: request.model,
    messages,
    max_tokens: request.maxTokens,
    ...(tools.length > 0 ? { tools } : {}),
    stream: true,
    // Without it the stream carries no token counts; servers that ignore it just send none.
    stream_options: { include_usage: true },
  };
}

/** Tool calls as they arrive in pieces, keyed by the index each delta names. */
export class ToolCallAssembler {
  private readonly calls = new Map<number, { id?: string; name: string; args: string }>();

  /** Returns the tool's name the first time a call with a name is seen, for progress. */
  add(delta: OpenAI.Chat.ChatCompletionChunk.Choice.Delta.ToolCall): string | undefined {
    const existing = this.calls.get(delta.index);
    const call = existing ?? { name: '', args: '' };
    const hadName = call.name.length > 0;
    if (delta.id) call.id = delta.id;
    if (delta.function?.name) call.name += delta.function.name;
    if (delta.function?.arguments) call.args += delta.function.arguments;
    this.calls.set(delta.index, call);
    return !hadName && call.name ? call.name : undefined;
  }

  /**
   * Finished calls in index order. Arguments that are not valid JSON are passed on as the raw
   * string: the engine validates every input and tells the model what was wrong.
   */
  finish(): ToolCall[] {
    // Some local servers send no id; ours must still be unique across the whole conversation.
    const stamp = Date.now().toString(36);
    return [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, c]) => ({ id: c.id ?? `call_${stamp}_${index}`, name: c.name, input: parseArguments(c.args) }));
  }
}

function parseArguments(args: string): unknown {
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}
