import { applyToolCall, type AllowedFiles } from '../edits/applyEdit';
import type { Overlay } from '../edits/overlay';
import type { Finding } from '../findings';
import type { ContentBlock, ConversationMessage, ModelReply } from '../models/provider';
import type { EditResult } from '../provenance/schema';
import { clip } from './repairPrompt';

/**
 * Bounds on one reply. A runaway reply (5,000 tool calls were seen) would otherwise take minutes
 * to apply, since each refused patch_file searches the file for its nearest lines, and would be
 * quoted back whole: a 2.4 MB repair request, over any context window. Real edits need far fewer.
 */
/** Tool calls applied from one reply, in order; the rest are refused unread. */
export const MAX_CALLS_APPLIED = 200;
/** Results told in full (each still bounded); later ones get one short line. */
export const FULL_RESULTS = 50;
const MAX_RESULT_CHARS = 2_000;
const MAX_SHORT_RESULT_CHARS = 200;

export interface ReplyEdits {
  /** What each applied tool call did, for provenance; one entry more stands for the calls not applied. */
  edits: EditResult[];
  /** Refused calls (and a reply with no call at all) as blocking findings for the repair prompt. */
  findings: Finding[];
  /** One tool_result per tool_use in `message`, in order: the Messages API rejects a turn that leaves one unanswered. */
  toolResults: ContentBlock[];
  /**
   * The assistant turn to keep in the conversation: the reply, less the tool calls past
   * MAX_CALLS_APPLIED (a finding tells the model they were not applied). Answering each of
   * thousands of calls, however briefly, would by itself overflow the next request.
   */
  message: ConversationMessage;
}

/**
 * Applies a reply's tool calls, in order, to the in-memory overlay. A refused call (malformed
 * input, a path outside the allowed files, a missing or ambiguous match) is never fatal: it
 * becomes a finding and an error tool_result that quotes what went wrong, so the model can fix it.
 */
export async function applyReplyEdits(overlay: Overlay, reply: ModelReply, allowed: AllowedFiles): Promise<ReplyEdits> {
  const applied = reply.toolCalls.slice(0, MAX_CALLS_APPLIED);
  const dropped = reply.toolCalls.length - applied.length;
  const out: ReplyEdits = { edits: [], findings: [], toolResults: [], message: keptTurn(reply, new Set(applied.map((c) => c.id))) };
  for (const [i, call] of applied.entries()) {
    const outcome = await applyToolCall(overlay, call, allowed);
    const told = (text: string) => (i < FULL_RESULTS ? clip(text, MAX_RESULT_CHARS) : shortForm(text));
    if (outcome.ok) {
      out.edits.push({ tool: call.name, path: outcome.path, ok: true, matchKind: outcome.matchKind });
      out.toolResults.push({
        type: 'tool_result',
        toolUseId: call.id,
        content: told(`Applied to ${outcome.path} in memory (${outcome.matchKind} match); it will be checked.`),
        isError: false,
      });
    } else {
      out.edits.push({ tool: call.name, ...(outcome.path ? { path: outcome.path } : {}), ok: false, error: outcome.error });
      out.findings.push(editFinding(call.name, outcome.path ?? '', outcome.error));
      out.toolResults.push({ type: 'tool_result', toolUseId: call.id, content: told(outcome.error), isError: true });
    }
  }
  if (dropped > 0) {
    const message =
      `The reply made ${reply.toolCalls.length} tool calls; at most ${MAX_CALLS_APPLIED} are applied from one reply, so the last ${dropped} were not applied ` +
      `and are left out of this conversation. Make fewer, larger edits: one patch_file per changed region, or write_file for a rewrite.`;
    out.edits.push({ tool: reply.toolCalls[MAX_CALLS_APPLIED]!.name, ok: false, error: message });
    // First, so that it is among the findings the repair prompt quotes, whatever else went wrong.
    out.findings.unshift(editFinding('too_many_calls', '', message));
  }
  if (reply.toolCalls.length === 0) {
    out.findings.push(
      editFinding(
        'no_edit',
        '',
        reply.stopReason === 'max_tokens'
          ? 'The reply was cut off at the token limit before any patch_file or write_file call.'
          : 'The reply made no patch_file or write_file call, so nothing changed.',
      ),
    );
  }
  return out;
}

/** The reply's turn with only the tool_use blocks that were applied (all of them, normally). */
function keptTurn(reply: ModelReply, kept: ReadonlySet<string>): ConversationMessage {
  if (kept.size === reply.toolCalls.length) return reply.message;
  return { ...reply.message, content: reply.message.content.filter((b) => b.type !== 'tool_use' || kept.has(b.id)) };
}

/** The first line only, bounded: past FULL_RESULTS the model still learns each call's outcome. */
function shortForm(text: string): string {
  const first = text.split('\n', 1)[0]!;
  return clip(first, MAX_SHORT_RESULT_CHARS);
}

function editFinding(code: string, file: string, message: string): Finding {
  return { tool: 'edit', code, category: 'contract_violation', severity: 'error', file, line: 1, column: 1, message, introduced: true };
}
