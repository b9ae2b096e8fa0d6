import type { Hunk } from '../edits/hunk';
import { decode, encode } from '../edits/textFormat';
import type { Patch } from '../provenance/schema';
import type { ProvenanceStore } from '../provenance/store';
import { sameBytes, sha256Hex } from '../sha256';
import { ReviewError } from './outcome';

export { sameBytes };

/**
 * The bytes a patch, or some of its hunks, would leave in a file. Hunks are applied by line ranges
 * taken from the two stored versions (the original and the full proposal), never by re-parsing
 * diff text, so every line keeps its own terminator and the final-newline state is exact. A subset
 * is only trusted after the full set has been checked to rebuild the proposal byte for byte.
 */

export const sha256 = sha256Hex;

export interface PatchVersions {
  /** Undefined for a new file. */
  before: Uint8Array | undefined;
  /** Undefined when the patch deletes the file. */
  after: Uint8Array | undefined;
}

/** Both versions from the blob store, each checked against its hash on the way. */
export async function loadVersions(store: Pick<ProvenanceStore, 'blobs'>, patch: Patch): Promise<PatchVersions> {
  return {
    before: patch.beforeSha256 ? await store.blobs.get(patch.beforeSha256) : undefined,
    after: patch.afterSha256 ? await store.blobs.get(patch.afterSha256) : undefined,
  };
}

/** Lines with their terminators; a lone CR stays inside its line, as the engine counts lines. */
function linesOf(text: string): string[] {
  if (text === '') return [];
  return text.split(/(?<=\n)/);
}

export class HunkSubsetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HunkSubsetError';
  }
}

/** Where a hunk's old range starts (0-based line index); a hunk with no old lines inserts after `oldStart`. */
function oldIndex(h: Hunk): number {
  return h.oldLines === 0 ? h.oldStart : h.oldStart - 1;
}

function newIndex(h: Hunk): number {
  return h.newLines === 0 ? h.newStart : h.newStart - 1;
}

function applyTextHunks(beforeLines: string[], afterLines: string[], hunks: readonly Hunk[]): string {
  const out: string[] = [];
  let cursor = 0;
  for (const h of [...hunks].sort((a, b) => a.oldStart - b.oldStart)) {
    const start = oldIndex(h);
    if (start < cursor || start + h.oldLines > beforeLines.length)
      throw new HunkSubsetError(`Hunk ${h.id} does not fit the original text.`);
    out.push(...beforeLines.slice(cursor, start));
    out.push(...afterLines.slice(newIndex(h), newIndex(h) + h.newLines));
    cursor = start + h.oldLines;
  }
  out.push(...beforeLines.slice(cursor));
  return out.join('');
}

/**
 * The file's bytes with only `hunkIds` of the patch applied. All hunks gives the stored proposal
 * exactly; none gives the original exactly.
 */
export function bytesWithHunks(patch: Patch, versions: PatchVersions, hunkIds: readonly string[]): Uint8Array | undefined {
  const wanted = new Set(hunkIds);
  const all = patch.hunks.length > 0 && patch.hunks.every((h) => wanted.has(h.id));
  if (all || (patch.hunks.length === 0 && wanted.size === 0 && versions.before === undefined)) return versions.after;
  if (wanted.size === 0) return versions.before;
  if (versions.before === undefined || versions.after === undefined) {
    throw new HunkSubsetError(`Patch ${patch.id} creates or deletes ${patch.file}; it can only be applied whole.`);
  }
  const before = decode(versions.before);
  const after = decode(versions.after);
  const beforeLines = linesOf(before.text);
  const afterLines = linesOf(after.text);
  // The full set must rebuild the proposal exactly, or the hunk ranges cannot be trusted.
  if (applyTextHunks(beforeLines, afterLines, patch.hunks) !== after.text) {
    throw new HunkSubsetError(`Patch ${patch.id}'s hunks do not rebuild its proposal; apply it whole.`);
  }
  const chosen = patch.hunks.filter((h) => wanted.has(h.id));
  return encode(applyTextHunks(beforeLines, afterLines, chosen), before.format);
}

/**
 * 0-based line where each included hunk starts in the text built from `included` hunks: its new
 * lines, placed after the shifts of the included hunks above it. Used to put CodeLenses on the
 * proposed side of a diff when some hunks were rejected.
 */
export function hunkLinesIn(patch: Patch, included: ReadonlySet<string>): Map<string, number> {
  const at = new Map<string, number>();
  let shift = 0;
  for (const h of [...patch.hunks].sort((a, b) => a.oldStart - b.oldStart)) {
    if (!included.has(h.id)) continue;
    at.set(h.id, Math.max(0, oldIndex(h) + shift));
    shift += h.newLines - h.oldLines;
  }
  return at;
}

/** The file's bytes with these hunks of the patch applied (none: the original; all: the proposal). */
export function bytesFor(patch: Patch, versions: PatchVersions, hunkIds: readonly string[]): Uint8Array | undefined {
  try {
    return bytesWithHunks(patch, versions, [...new Set(hunkIds)]);
  } catch (err) {
    if (err instanceof HunkSubsetError) throw new ReviewError(err.message, 'usage');
    throw err;
  }
}
