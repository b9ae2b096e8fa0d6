/**
 * What the real Messages API rejects with 400 invalid_request_error, checked on every request the
 * fake server receives. A fake that forgave what the real API refuses would let a broken
 * conversation pass every test and fail only in front of a user, so these rules err strict.
 * Messages follow the real API's wording closely ("messages.1: ...") so a failure reads familiar.
 */

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const MAX_CACHE_BREAKPOINTS = 4;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Returns the 400 message the real API would give, or undefined when the request is acceptable. */
export function checkMessagesRequest(body: unknown): string | undefined {
  if (!isObject(body)) return 'Request body must be a JSON object.';
  if (typeof body.model !== 'string' || body.model.length === 0) return 'model: Field required';
  if (body.max_tokens === undefined) return 'max_tokens: Field required';
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) {
    return 'max_tokens: Input should be a valid integer greater than or equal to 1';
  }
  let breakpoints = 0;
  const countCache = (block: Json, where: string): string | undefined => {
    if (block.cache_control === undefined) return undefined;
    if (!isObject(block.cache_control) || block.cache_control.type !== 'ephemeral') {
      return `${where}.cache_control: Input tag does not match the expected tag 'ephemeral'`;
    }
    breakpoints++;
    return undefined;
  };

  const systemError = checkSystem(body.system, countCache);
  if (systemError) return systemError;
  const toolsError = checkTools(body.tools, countCache);
  if (toolsError) return toolsError;
  const messagesError = checkMessages(body.messages, countCache);
  if (messagesError) return messagesError;
  if (breakpoints > MAX_CACHE_BREAKPOINTS) {
    return `A maximum of ${MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints}.`;
  }
  return undefined;
}

type CacheCounter = (block: Json, where: string) => string | undefined;

function checkSystem(system: unknown, countCache: CacheCounter): string | undefined {
  if (system === undefined || typeof system === 'string') return undefined;
  if (!Array.isArray(system)) return 'system: Input should be a valid string or list of text blocks';
  for (const [i, block] of system.entries()) {
    if (!isObject(block) || block.type !== 'text') return `system.${i}: Input should be a text block`;
    if (typeof block.text !== 'string' || block.text.length === 0) return `system.${i}: text content blocks must be non-empty`;
    const e = countCache(block, `system.${i}`);
    if (e) return e;
  }
  return undefined;
}

function checkTools(tools: unknown, countCache: CacheCounter): string | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
  const names = new Set<string>();
  for (const [i, tool] of tools.entries()) {
    if (!isObject(tool)) return `tools.${i}: Input should be an object`;
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
      return `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
    }
    if (names.has(tool.name)) return `tools: Tool names must be unique.`;
    names.add(tool.name);
    if (!isObject(tool.input_schema)) return `tools.${i}.custom.input_schema: Field required`;
    if (tool.input_schema.type !== 'object') return `tools.${i}.custom.input_schema.type: Input should be 'object'`;
    const e = countCache(tool, `tools.${i}`);
    if (e) return e;
  }
  return undefined;
}

function checkMessages(messages: unknown, countCache: CacheCounter): string | undefined {
  if (!Array.isArray(messages)) return 'messages: Field required';
  if (messages.length === 0) return 'messages: at least one message is required';
  /** tool_use ids of the previous assistant turn, which the next user turn must answer. */
  let pending: string[] = [];
  for (const [i, message] of messages.entries()) {
    if (!isObject(message)) return `messages.${i}: Input should be an object`;
    const expected = i % 2 === 0 ? 'user' : 'assistant';
    if (message.role !== 'user' && message.role !== 'assistant') {
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    }
    if (message.role !== expected) {
      return i === 0
        ? 'messages: first message must use the "user" role'
        : `messages: roles must alternate between "user" and "assistant", but found multiple "${message.role}" roles in a row`;
    }
    const blocks = normaliseContent(message.content);
    if (typeof blocks === 'string') return `messages.${i}.content: ${blocks}`;
    if (blocks.length === 0)
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;

    if (message.role === 'user') {
      const answered = new Set<string>();
      let seenOther = false;
      for (const [j, block] of blocks.entries()) {
        if (block.type === 'tool_result') {
          if (seenOther) {
            return `messages.${i}.content.${j}: tool_result blocks must come first in the user message, before any other content`;
          }
          if (typeof block.tool_use_id !== 'string' || !pending.includes(block.tool_use_id)) {
            return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
          }
          if (block.is_error !== undefined && typeof block.is_error !== 'boolean')
            return `messages.${i}.content.${j}.is_error: Input should be a valid boolean`;
          const contentError = checkToolResultContent(block.content);
          if (contentError) return `messages.${i}.content.${j}.content: ${contentError}`;
          answered.add(block.tool_use_id);
        } else {
          seenOther = true;
          if (block.type === 'tool_use') return `messages.${i}.content.${j}: tool_use blocks are only allowed in assistant messages`;
        }
        const e = checkBlock(block, `messages.${i}.content.${j}`, countCache);
        if (e) return e;
      }
      const missing = pending.filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return `messages.${i - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
      pending = [];
    } else {
      pending = [];
      const ids = new Set<string>();
      for (const [j, block] of blocks.entries()) {
        if (block.type === 'tool_result') return `messages.${i}.content.${j}: tool_result blocks are only allowed in user messages`;
        if (block.type === 'tool_use') {
          if (typeof block.id !== 'string' || block.id.length === 0) return `messages.${i}.content.${j}.id: Field required`;
          if (ids.has(block.id)) return `messages.${i}.content.${j}: \`tool_use\` ids must be unique`;
          if (typeof block.name !== 'string' || !TOOL_NAME.test(block.name)) return `messages.${i}.content.${j}.name: invalid tool name`;
          if (!isObject(block.input)) return `messages.${i}.content.${j}.input: Input should be a valid dictionary`;
          ids.add(block.id);
          pending.push(block.id);
        }
        const e = checkBlock(block, `messages.${i}.content.${j}`, countCache);
        if (e) return e;
      }
    }
  }
  if (pending.length > 0) {
    return `messages.${messages.length - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${pending.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
  }
  return undefined;
}

function normaliseContent(content: unknown): Json[] | string {
  if (typeof content === 'string')
    return content.length === 0 ? 'text content blocks must be non-empty' : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return 'Input should be a valid string or list';
  for (const block of content)
    if (!isObject(block) || typeof block.type !== 'string') return 'each content block must be an object with a type';
  return content as Json[];
}

function checkBlock(block: Json, where: string, countCache: CacheCounter): string | undefined {
  if (block.type === 'text' && (typeof block.text !== 'string' || block.text.length === 0)) {
    return `${where}: text content blocks must be non-empty`;
  }
  if (!['text', 'tool_use', 'tool_result', 'image', 'document'].includes(block.type as string)) {
    return `${where}.type: Input tag '${String(block.type)}' found using 'type' does not match any of the expected tags`;
  }
  return countCache(block, where);
}

function checkToolResultContent(content: unknown): string | undefined {
  if (content === undefined || typeof content === 'string') return undefined;
  if (!Array.isArray(content)) return 'Input should be a valid string or list';
  for (const block of content) {
    if (!isObject(block) || block.type !== 'text') return 'tool_result content blocks must be text';
    if (typeof block.text !== 'string' || block.text.length === 0) return 'text content blocks must be non-empty';
  }
  return undefined;
}
