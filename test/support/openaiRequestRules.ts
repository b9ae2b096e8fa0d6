/**
 * What OpenAI's chat completions endpoint (and the local servers that copy it) rejects with 400,
 * checked on every request the fake receives. Wording follows OpenAI's own messages.
 */

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function checkChatRequest(body: unknown): string | undefined {
  if (!isObject(body)) return 'We could not parse the JSON body of your request.';
  if (typeof body.model !== 'string' || body.model.length === 0) return "Missing required parameter: 'model'.";
  if (body.max_tokens !== undefined && (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1)) {
    return "Invalid 'max_tokens': integer below minimum value.";
  }
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return "Invalid type for 'tools': expected an array.";
    for (const [i, tool] of body.tools.entries()) {
      if (!isObject(tool) || tool.type !== 'function' || !isObject(tool.function))
        return `Invalid value for 'tools[${i}].type': expected 'function'.`;
      if (typeof tool.function.name !== 'string' || !FUNCTION_NAME.test(tool.function.name))
        return `Invalid 'tools[${i}].function.name': string does not match pattern.`;
      if (tool.function.parameters !== undefined && (!isObject(tool.function.parameters) || tool.function.parameters.type !== 'object')) {
        return `Invalid schema for function '${tool.function.name}': schema must be a JSON Schema of 'type: "object"'.`;
      }
    }
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return "Invalid 'messages': empty array. Expected an array with minimum length 1.";

  /** tool_call ids of the latest assistant turn still waiting for their tool message. */
  let pending: string[] = [];
  let open: string[] = [];
  for (const [i, m] of body.messages.entries()) {
    if (!isObject(m)) return `Invalid type for 'messages[${i}]': expected an object.`;
    if (pending.length > 0 && m.role !== 'tool') {
      return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${pending.join(', ')}`;
    }
    switch (m.role) {
      case 'system':
      case 'developer':
      case 'user':
        if (typeof m.content !== 'string' && !Array.isArray(m.content))
          return `Invalid type for 'messages[${i}].content': expected a string or array.`;
        open = [];
        break;
      case 'assistant': {
        const calls = m.tool_calls;
        if ((m.content === null || m.content === undefined || m.content === '') && (!Array.isArray(calls) || calls.length === 0)) {
          return `Invalid value for 'messages[${i}].content': an assistant message needs content or tool_calls.`;
        }
        if (calls !== undefined) {
          if (!Array.isArray(calls)) return `Invalid type for 'messages[${i}].tool_calls': expected an array.`;
          for (const [j, call] of calls.entries()) {
            if (!isObject(call) || typeof call.id !== 'string' || call.type !== 'function' || !isObject(call.function)) {
              return `Invalid 'messages[${i}].tool_calls[${j}]': expected {id, type: 'function', function}.`;
            }
            if (typeof call.function.arguments !== 'string')
              return `Invalid type for 'messages[${i}].tool_calls[${j}].function.arguments': expected a string.`;
          }
          pending = calls.map((c) => (c as Json).id as string);
          open = [...pending];
        }
        break;
      }
      case 'tool':
        if (typeof m.tool_call_id !== 'string' || !open.includes(m.tool_call_id)) {
          return `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.`;
        }
        if (typeof m.content !== 'string' && !Array.isArray(m.content))
          return `Invalid type for 'messages[${i}].content': expected a string or array.`;
        pending = pending.filter((id) => id !== m.tool_call_id);
        break;
      default:
        return `Invalid value: '${String(m.role)}'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'.`;
    }
  }
  if (pending.length > 0) {
    return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${pending.join(', ')}`;
  }
  return undefined;
}
