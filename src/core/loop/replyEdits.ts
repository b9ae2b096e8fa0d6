import { applyToolCall, type AllowedFiles } from '../edits/applyEdit';
import type { Overlay } from '../edits/overlay';
import type { Finding } from '../findings';
import type { ContentBlock, ModelReply } from '../models/provider';
import type { EditResult } from '../provenance/schema';

export interface ReplyEdits {
  /** What each tool call did, for provenance. */
  edits: EditResult[];
  /** Refused calls (and a reply with no call at all) as blocking findings for the repair prompt. */
  findings: Finding[];
  /** One tool_result per tool_use, in order: the Messages API rejects a turn that leaves one unanswered. */
  toolResults: ContentBlock[];
}

/**
 * Applies a reply's tool calls, in order, to the in-memory overlay. A refused call (malformed
 * input, a path outside the allowed files, a missing or ambiguous match) is never fatal: it
 * becomes a finding and an error tool_result that quotes what went wrong, so the model can fix it.
 */
export async function applyReplyEdits(overlay: Overlay, reply: ModelReply, allowed: AllowedFiles): Promise<ReplyEdits> {
  const out: ReplyEdits = { edits: [], findings: [], toolResults: [] };
  for (const call of reply.toolCalls) {
    const outcome = await applyToolCall(overlay, call, allowed);
    if (outcome.ok) {
      out.edits.push({ tool: call.name, path: outcome.path, ok: true, matchKind: outcome.matchKind });
      out.toolResults.push({ type: 'tool_result', toolUseId: call.id, content: `Applied to ${outcome.path} in memory (${outcome.matchKind} match); it will be checked.`, isError: false });
    } else {
      out.edits.push({ tool: call.name, ...(outcome.path ? { path: outcome.path } : {}), ok: false, error: outcome.error });
      out.findings.push(editFinding(call.name, outcome.path ?? '', outcome.error));
      out.toolResults.push({ type: 'tool_result', toolUseId: call.id, content: outcome.error, isError: true });
    }
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

function editFinding(code: string, file: string, message: string): Finding {
  return { tool: 'edit', code, category: 'contract_violation', severity: 'error', file, line: 1, column: 1, message, introduced: true };
}
