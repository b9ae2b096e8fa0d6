import * as path from 'node:path';
import * as vscode from 'vscode';
import { decode } from '../../core/edits/textFormat';
import type { ProvenanceStore } from '../../core/provenance/store';
import type { RunView } from '../../core/provenance/views';
import { normalizeWorkspacePath } from '../../core/workspacePath';
import { attemptSource } from './attemptText';

/**
 * Read-only documents for a finding of an attempt: `refactor-guard-attempt:/src/cache (attempt 2).ts?...`
 * holds the file as that attempt left it (the kept candidate, or the original where no edit had
 * touched the file yet: attemptText.ts), and a `... (attempt 1, not kept).txt` document says so
 * where the record does not keep that text, with the finding. The name keeps the file's extension,
 * so the language is detected; nothing here can be saved over a workspace file.
 */
export const ATTEMPT_SCHEME = 'refactor-guard-attempt';

export interface AttemptFinding {
  runId: string;
  attempt: number;
  /** Workspace-relative, already checked by normalizeWorkspacePath. */
  file: string;
  line: number;
  column: number;
  message?: string;
}

function attemptUri(f: AttemptFinding, kind: 'text' | 'note'): vscode.Uri {
  const ext = path.posix.extname(f.file);
  const stem = f.file.slice(0, f.file.length - ext.length);
  const name = kind === 'text' ? `${stem} (attempt ${f.attempt})${ext}` : `${f.file} (attempt ${f.attempt}, not kept).txt`;
  const query = new URLSearchParams({
    show: kind,
    run: f.runId,
    attempt: String(f.attempt),
    file: f.file,
    line: String(f.line),
    column: String(f.column),
    ...(kind === 'note' && f.message ? { message: f.message } : {}),
  }).toString();
  return vscode.Uri.from({ scheme: ATTEMPT_SCHEME, path: '/' + name, query });
}

function parseAttemptUri(uri: vscode.Uri): AttemptFinding | undefined {
  const q = new URLSearchParams(uri.query);
  const runId = q.get('run');
  const attempt = Number(q.get('attempt'));
  const file = q.get('file');
  if (!runId || !file || !Number.isInteger(attempt) || attempt < 1) return undefined;
  let normal: string;
  try {
    normal = normalizeWorkspacePath(file);
  } catch {
    return undefined;
  }
  return {
    runId,
    attempt,
    file: normal,
    line: Number(q.get('line')) || 1,
    column: Number(q.get('column')) || 1,
    message: q.get('message') ?? undefined,
  };
}

/** The record as the loop wrote it: a person's revision of a patch is not what an attempt left. */
function modelRecord(view: RunView): RunView['run'] {
  return (view as RunView & { record?: RunView['run'] }).record ?? view.run;
}

export class AttemptDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly getStore: () => Promise<ProvenanceStore>) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const f = parseAttemptUri(uri);
    if (!f) return 'Not a Refactor Guard attempt document.';
    const store = await this.getStore();
    const source = attemptSource(modelRecord(await store.getRun(f.runId)), f.attempt, f.file);
    const wantsText = new URLSearchParams(uri.query).get('show') === 'text';
    if (source.kind === 'blob' && wantsText) return decode(await store.blobs.get(source.sha256)).text;
    return noteText(f, source.note);
  }
}

function noteText(f: AttemptFinding, note: string): string {
  return [
    ...wrap(note),
    '',
    `Finding of attempt ${f.attempt} in run ${f.runId}:`,
    `  ${f.file}:${f.line}:${f.column}${f.message ? `  ${f.message}` : ''}`,
    '',
    ...wrap(
      "Its line numbers are those of that attempt's text. The Provenance view lists the attempt's edits and the findings of " +
        'every attempt; a finding of the kept attempt opens the kept candidate.',
    ),
    '',
  ].join('\n');
}

/** Lines of at most `width` characters, broken between words: a note is read without scrolling sideways. */
function wrap(text: string, width = 88): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Opens a finding from the page at its line. With `runId` and `attempt`, where that attempt had
 * it: the attempt's text when the record has it, the workspace file when the attempt left that file
 * as it was, else a note saying which text is not kept. Without them, the file as it is. The path
 * comes from the page, so it must stay in the workspace. Returns what was opened.
 */
export async function openFinding(
  getStore: () => Promise<ProvenanceStore>,
  m: { file: string; line: number; column: number; runId?: string; attempt?: number },
): Promise<{ uri: vscode.Uri; kind: 'blob' | 'workspace' | 'deleted' | 'unknown' }> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('Open a folder to go to a finding.');
  let file: string;
  try {
    file = normalizeWorkspacePath(m.file);
  } catch {
    // The engine's reason names a "Path"; the user clicked a finding, so say that.
    throw new Error(`Finding path ${m.file} is outside the workspace.`);
  }
  const position = new vscode.Position(Math.max(0, m.line - 1), Math.max(0, m.column - 1));
  const selection = new vscode.Range(position, position);
  const inWorkspace = async (note?: string) => {
    const uri = vscode.Uri.joinPath(folder.uri, file);
    if (note) void vscode.window.setStatusBarMessage(`Refactor Guard: ${note}`, 6000);
    await vscode.window.showTextDocument(uri, { selection, preview: true });
    return { uri, kind: 'workspace' as const };
  };
  if (m.runId === undefined || m.attempt === undefined) return inWorkspace();

  const record = modelRecord(await (await getStore()).getRun(m.runId));
  const source = attemptSource(record, m.attempt, file);
  if (source.kind === 'workspace') return inWorkspace(source.note);
  const message = record.attempts
    .find((a) => a.index === m.attempt)
    ?.gates.flatMap((g) => g.findings)
    .find((x) => x.file === file && x.line === m.line && x.column === m.column)?.message;
  const f: AttemptFinding = {
    runId: record.runId,
    attempt: m.attempt,
    file,
    line: m.line,
    column: m.column,
    ...(message ? { message } : {}),
  };
  if (source.kind === 'blob') {
    const uri = attemptUri(f, 'text');
    await vscode.window.showTextDocument(uri, { selection, preview: true });
    return { uri, kind: 'blob' };
  }
  const uri = attemptUri(f, 'note');
  await vscode.window.showTextDocument(uri, { preview: true });
  return { uri, kind: source.kind };
}
