import type { ContentBlock, ConversationMessage } from './provider';

/**
 * Provider-neutral clean-up of a conversation before it is sent anywhere. The engine appends turns
 * as they happen, and a model may answer with nothing at all (an empty end_turn); sent as is, that
 * leaves an empty message or two user turns in a row, which the Messages API rejects. Dropping
 * empty text and merging neighbours keeps the request valid without changing what it says.
 */
export function normaliseConversation(messages: readonly ConversationMessage[]): ConversationMessage[] {
  const out: ConversationMessage[] = [];
  for (const message of messages) {
    const content = message.content.filter((b) => b.type !== 'text' || b.text.trim().length > 0);
    if (content.length === 0) continue;
    const last = out[out.length - 1];
    if (last && last.role === message.role) {
      last.content = orderToolResultsFirst([...last.content, ...content]);
    } else {
      out.push({ role: message.role, content: orderToolResultsFirst(content) });
    }
  }
  return out;
}

/** The Messages API wants tool_result blocks before anything else in a user turn. */
function orderToolResultsFirst(content: ContentBlock[]): ContentBlock[] {
  const results = content.filter((b) => b.type === 'tool_result');
  if (results.length === 0 || results.length === content.length) return content;
  return [...results, ...content.filter((b) => b.type !== 'tool_result')];
}

/** Text of a reply, its blocks joined; the engine shows it and a plan phase reads it. */
export function replyText(content: readonly ContentBlock[]): string {
  return content
    .filter((b): b is Extract<ContentBlock, { type: 'text' }> => b.type === 'text')
    .map((b) => b.text)
    .join('\n');
}
