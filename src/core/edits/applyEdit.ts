/**
 * Applies one model tool call to the overlay. Everything that can go wrong (a malformed input, a
 * path outside the workspace or outside the run's files, a binary file, a missing or ambiguous
 * match) comes back as a failure whose message goes to the model as the tool result; nothing here
 * throws for bad input, and nothing here touches the disk.
 */
import type { z } from 'zod';
import type { ToolCall } from '../models/provider';
import { normalizeWorkspacePath, PathError, toolFolderOf } from '../workspacePath';
import type { MatchKind } from './hunk';
import { replaceOnce } from './match';
import { UnreadableFileError, type Overlay } from './overlay';
import { EDIT_TOOLS, isEditTool, PatchFileInput, WriteFileInput, type EditToolName } from './schemas';
import { conformText, formatOfNewText } from './textFormat';

/** The files a run may change. */
export interface AllowedFiles {
  /** Workspace-relative paths of the run's targets (normalised here too). */
  targets: readonly string[];
  /** Whether write_file may create files that do not exist yet (anywhere in the workspace but tool folders). */
  allowNewFiles: boolean;
  /** One new test file the model may name itself, within the project's convention (a generate run without --tests). */
  newTestFile?: NewTestFileRule;
}

export interface NewTestFileRule {
  matches(path: string): boolean;
  /** "a new file under test/ named like *.test.js" */
  describe: string;
  /** The name offered to the model. */
  suggested: string;
}

export type EditOutcome = { ok: true; path: string; matchKind: MatchKind } | { ok: false; path?: string; error: string };

export async function applyToolCall(overlay: Overlay, call: ToolCall, allowed: AllowedFiles): Promise<EditOutcome> {
  if (!isEditTool(call.name)) {
    const known = Object.keys(EDIT_TOOLS).join(', ');
    return { ok: false, error: `Unknown tool "${printable(call.name)}"; the tools are ${known}.` };
  }
  const parsed = EDIT_TOOLS[call.name].schema.safeParse(call.input);
  if (!parsed.success) return { ok: false, error: `${call.name}: ${describeIssues(parsed.error.issues, call.input)}` };
  const input = parsed.data;

  let path: string;
  try {
    path = normalizeWorkspacePath(input.path);
  } catch (err) {
    if (err instanceof PathError) return { ok: false, error: `${call.name}: ${err.message}` };
    throw err;
  }

  try {
    const refusal = await refuse(overlay, call.name, path, allowed);
    if (refusal) return { ok: false, path, error: refusal };
    if (call.name === 'write_file') return await write(overlay, path, input as WriteFileInput);
    if ((await overlay.current(path)) === undefined)
      return { ok: false, path, error: `patch_file: ${path} does not exist; create it with write_file.` };
    return await patch(overlay, path, input as PatchFileInput);
  } catch (err) {
    if (err instanceof UnreadableFileError) return { ok: false, path, error: `${call.name}: ${err.message}` };
    if (err instanceof PathError) return { ok: false, path, error: `${call.name}: ${err.message}` };
    throw err;
  }
}

async function refuse(overlay: Overlay, tool: EditToolName, path: string, allowed: AllowedFiles): Promise<string | undefined> {
  const targets = new Set(allowed.targets.flatMap((t) => normalizedOrNothing(t)));
  if (targets.has(path)) return undefined;
  const list = [...targets].sort().join(', ');
  const exists = (await overlay.files.stat(path)) !== undefined;
  const testRule = allowed.newTestFile;
  if (testRule && !exists) {
    const other = overlay
      .entries()
      .find((e) => e.path !== path && e.original.bytes === undefined && !targets.has(e.path) && testRule.matches(e.path));
    if (other) return `${tool}: this run may create one test file, and it already created ${other.path}; put every test there.`;
    if (!testRule.matches(path))
      return `${tool}: ${path} is not one of the files this run may change (${list}); its tests go in ${testRule.describe}, such as ${testRule.suggested}.`;
  }
  // Only a file that does not exist yet can be a new file.
  else if (!allowed.allowNewFiles || exists) {
    return `${tool}: ${path} is not one of the files this run may change (${list}).`;
  }
  const toolDir = toolFolderOf(path);
  if (toolDir !== undefined) {
    return `${tool}: new files may not be created under ${toolDir}/.`;
  }
  // Nor through a link that leads into one (src/h -> ../.git/hooks).
  const real = overlay.files.realPath ? await overlay.files.realPath(path) : path;
  const realDir = toolFolderOf(real);
  if (realDir !== undefined) return `${tool}: new files may not be created under ${realDir}/ (${path} leads there through a link).`;
  return undefined;
}

function normalizedOrNothing(p: string): string[] {
  try {
    return [normalizeWorkspacePath(p)];
  } catch {
    return [];
  }
}

async function patch(overlay: Overlay, path: string, input: PatchFileInput): Promise<EditOutcome> {
  const entry = (await overlay.current(path))!;
  const result = replaceOnce(entry.text, input.old_string, input.new_string, path);
  if (!result.ok) return { ok: false, path, error: result.message };
  overlay.set(path, result.text, entry.format, result.kind);
  return { ok: true, path, matchKind: result.kind };
}

async function write(overlay: Overlay, path: string, input: WriteFileInput): Promise<EditOutcome> {
  const original = await overlay.original(path);
  if (original.text === undefined || original.format === undefined) {
    // A new file (or one this run created) has no habits to keep: the content is taken as written.
    overlay.set(path, input.content, formatOfNewText(input.content), 'whole_file');
    return { ok: true, path, matchKind: 'whole_file' };
  }
  // An empty original has no final-newline habit to keep; the content's own state stands.
  const text = conformText(input.content, original.format, { finalNewline: original.text !== '' });
  overlay.set(path, text, original.format, 'whole_file');
  return { ok: true, path, matchKind: 'whole_file' };
}

/** One line naming each bad field: `field "old_string" is required (string)`. */
function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string {
  return issues
    .map((issue) => {
      const field = issue.path.map(String).join('.');
      if (field === '' && issue.code === 'invalid_type') return `input must be a JSON object, not ${kindOf(input)}`;
      if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `unknown field "${printable(k)}"`).join('; ');
      if (issue.code === 'invalid_type') {
        const value = (input as Record<string, unknown>)[field];
        return value === undefined
          ? `field "${field}" is required (${issue.expected})`
          : `field "${field}" must be a ${issue.expected}, not ${kindOf(value)}`;
      }
      if (issue.code === 'too_small') return `field "${field}" must not be empty`;
      return `field "${field}": ${issue.message}`;
    })
    .join('; ');
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function printable(s: string): string {
  return s.replace(/[\u0000-\u001f]/g, '?').slice(0, 100);
}
