import * as vscode from 'vscode';
import type { ContentBlock, ConversationMessage, ModelProvider, ModelReply, ModelRequest, ToolCall } from '../core/models/provider';
import { ProviderError } from '../core/models/provider';
import { errorLine } from '../core/errorLine';

/**
 * A ModelProvider over VS Code's Language Model API: whichever chat models the user's installed
 * extensions offer (Copilot and others), with their consent. VS Code asks the user the first time
 * an extension sends a request, which is why the request must start from a user action (the
 * Propose Refactor command); a refusal arrives as LanguageModelError NoPermissions.
 *
 * The API has no system role and reports no token usage: the system prompt goes first as a user
 * message, and tokens are counted with the model's own tokenizer (`countTokens`), so the provenance
 * record's numbers are estimates for this provider.
 */
export class VscodeLmProvider implements ModelProvider {
  readonly id = 'vscode-lm';
  readonly label: string;
  /** The family asked for; the record's model calls name the exact model VS Code picked. */
  get model(): string | undefined {
    return this.family || undefined;
  }

  constructor(private readonly family: string) {
    this.label = family ? `VS Code language model (${family})` : 'VS Code language model';
  }

  async complete(request: ModelRequest): Promise<ModelReply> {
    if (request.signal?.aborted) throw new ProviderError('cancelled', 'Cancelled: the model request was stopped.');
    const started = Date.now();
    const model = await this.selectModel();
    const messages = toChatMessages(request.system, request.messages);
    const tools: vscode.LanguageModelChatTool[] = request.tools.map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: t.inputSchema,
    }));
    const cts = new vscode.CancellationTokenSource();
    const onAbort = () => cts.cancel();
    request.signal?.addEventListener('abort', onAbort);
    // A cancel that came while the model was being chosen found no listener yet.
    if (request.signal?.aborted) cts.cancel();
    const content: ContentBlock[] = [];
    const toolCalls: ToolCall[] = [];
    let text = '';
    try {
      const response = await model.sendRequest(
        messages,
        {
          justification:
            'Refactor Guard sends your instruction and the relevant code to propose patches that you review before anything changes.',
          tools,
          toolMode: vscode.LanguageModelChatToolMode.Auto,
        },
        cts.token,
      );
      for await (const part of response.stream) {
        if (part instanceof vscode.LanguageModelTextPart) {
          text += part.value;
          request.onProgress?.({ kind: 'text', text });
        } else if (part instanceof vscode.LanguageModelToolCallPart) {
          toolCalls.push({ id: part.callId, name: part.name, input: part.input });
          request.onProgress?.({ kind: 'tool', name: part.name });
        }
      }
    } catch (err) {
      throw mapLmError(err, request.signal, model.name);
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      cts.dispose();
    }
    if (text) content.push({ type: 'text', text });
    for (const c of toolCalls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: c.input });
    const inputTokens = await countTokens(model, [request.system, ...request.messages.map((m) => JSON.stringify(m.content))].join('\n'));
    const outputTokens = await countTokens(model, text + toolCalls.map((c) => JSON.stringify(c.input)).join(''));
    return {
      message: { role: 'assistant', content },
      text,
      toolCalls,
      usage: { inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 },
      stopReason: toolCalls.length > 0 ? 'tool_use' : 'end_turn',
      model: `${model.vendor}/${model.family}/${model.version}`,
      durationMs: Date.now() - started,
      retries: 0,
    };
  }

  private async selectModel(): Promise<vscode.LanguageModelChat> {
    let models: vscode.LanguageModelChat[];
    try {
      models = await vscode.lm.selectChatModels(this.family ? { family: this.family } : {});
    } catch (err) {
      throw mapLmError(err, undefined, this.family);
    }
    const model = models[0];
    if (!model) {
      const what = this.family ? `of family "${this.family}"` : 'at all';
      throw new ProviderError(
        'model_not_found',
        `No VS Code language model ${what}: install a chat extension that provides one, or change refactorGuard.vscodeLm.family.`,
      );
    }
    return model;
  }
}

/** The neutral conversation as chat messages; tool calls and results keep their ids so they pair up. */
export function toChatMessages(system: string, messages: readonly ConversationMessage[]): vscode.LanguageModelChatMessage[] {
  const out: vscode.LanguageModelChatMessage[] = [];
  if (system.trim()) out.push(vscode.LanguageModelChatMessage.User(system));
  for (const m of messages) {
    if (m.role === 'user') {
      const parts: (vscode.LanguageModelTextPart | vscode.LanguageModelToolResultPart)[] = [];
      for (const b of m.content) {
        if (b.type === 'text') parts.push(new vscode.LanguageModelTextPart(b.text));
        else if (b.type === 'tool_result') {
          const body = b.isError ? `Error: ${b.content}` : b.content;
          parts.push(new vscode.LanguageModelToolResultPart(b.toolUseId, [new vscode.LanguageModelTextPart(body)]));
        }
      }
      out.push(vscode.LanguageModelChatMessage.User(parts));
    } else {
      const parts: (vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart)[] = [];
      for (const b of m.content) {
        if (b.type === 'text') parts.push(new vscode.LanguageModelTextPart(b.text));
        else if (b.type === 'tool_use') parts.push(new vscode.LanguageModelToolCallPart(b.id, b.name, (b.input ?? {}) as object));
      }
      out.push(vscode.LanguageModelChatMessage.Assistant(parts));
    }
  }
  return out;
}

async function countTokens(model: vscode.LanguageModelChat, text: string): Promise<number> {
  try {
    return await model.countTokens(text);
  } catch {
    return 0;
  }
}

/** One line per failure, as ProviderErrors the engine records and the user reads. */
export function mapLmError(err: unknown, signal: AbortSignal | undefined, model: string): ProviderError {
  if (err instanceof ProviderError) return err;
  if (signal?.aborted || err instanceof vscode.CancellationError)
    return new ProviderError('cancelled', 'Cancelled: the model request was stopped.');
  const which = model ? ` ${model}` : '';
  if (err instanceof vscode.LanguageModelError) {
    switch (err.code) {
      case vscode.LanguageModelError.NoPermissions.name:
        return new ProviderError(
          'key_rejected',
          'VS Code did not allow Refactor Guard to use the language model; run Propose Refactor again and allow access when asked.',
        );
      case vscode.LanguageModelError.Blocked.name:
        return new ProviderError(
          'rate_limited',
          `The language model${which} blocked the request (quota or rate limit); wait and try again, or pick another provider.`,
        );
      case vscode.LanguageModelError.NotFound.name:
        return new ProviderError(
          'model_not_found',
          `The language model${which} is no longer available; check refactorGuard.vscodeLm.family.`,
        );
      default:
        return new ProviderError('server', `The language model failed: ${errorLine(err)}`);
    }
  }
  return new ProviderError('server', `The language model failed: ${errorLine(err)}`);
}
