/**
 * The candidate's files, in memory. Originals are read once, lazily, through the WorkspaceFiles
 * port and never written: the overlay has no code path that writes, so a run that is cancelled
 * or fails leaves the workspace as it was. Edits replace whole texts (strings are immutable), so
 * a snapshot is a shallow copy of the per-file state and costs nothing per byte.
 */
import { languageOf } from '../languages';
import type { WorkspaceFiles } from '../ports';
import type { CandidateFile } from '../validate/gate';
import type { MatchKind } from './hunk';
import { decode, encode, TextFormatError, type TextFormat } from './textFormat';
import { errorLine } from '../errorLine';

/** What was on disk when the overlay first looked. Never changes after loading. */
export interface OriginalFile {
  path: string;
  /** The file's bytes, or undefined when it did not exist. */
  bytes: Uint8Array | undefined;
  /** Decoded text (BOM stripped), or undefined for a new file. */
  text: string | undefined;
  /** The format edits and encoding keep; for a new file, set by its first write. */
  format: TextFormat | undefined;
}

/** The candidate state of one file. */
export interface FileState {
  text: string;
  format: TextFormat;
  /** Every match kind used on this file, in order; 'whole_file' for write_file. */
  matchKinds: readonly MatchKind[];
  wholeFileWrite: boolean;
}

export interface OverlayEntry extends FileState {
  path: string;
  original: OriginalFile;
}

/** Opaque to callers: hand it back to restore(). */
export interface OverlaySnapshot {
  readonly states: ReadonlyMap<string, FileState>;
}

/** Raised by load() for a file that cannot be edited; its message is one line. */
export class UnreadableFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

export class Overlay {
  private readonly originals = new Map<string, OriginalFile | UnreadableFileError>();
  private states = new Map<string, FileState>();

  constructor(readonly files: WorkspaceFiles) {}

  /** The original of a normalised workspace path, read on first use. */
  async original(path: string): Promise<OriginalFile> {
    let o = this.originals.get(path);
    if (o === undefined) {
      o = await this.readOriginal(path);
      this.originals.set(path, o);
    }
    if (o instanceof UnreadableFileError) throw o;
    return o;
  }

  private async readOriginal(path: string): Promise<OriginalFile | UnreadableFileError> {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.files.read(path);
    } catch (err) {
      return new UnreadableFileError(`${path} could not be read: ${errorLine(err)}`);
    }
    if (bytes === undefined) return { path, bytes: undefined, text: undefined, format: undefined };
    try {
      const { text, format } = decode(bytes);
      return { path, bytes, text, format };
    } catch (err) {
      if (err instanceof TextFormatError) return new UnreadableFileError(`${path}: ${err.message}`);
      throw err;
    }
  }

  /** The file as the candidate has it now: edited state, or the original if untouched; undefined if it does not exist. */
  async current(path: string): Promise<OverlayEntry | undefined> {
    const original = await this.original(path);
    const state = this.states.get(path);
    if (state) return { path, original, ...state };
    if (original.text === undefined || original.format === undefined) return undefined;
    return { path, original, text: original.text, format: original.format, matchKinds: [], wholeFileWrite: false };
  }

  /** Records a new candidate text. Only for paths whose original was loaded through original(). */
  set(path: string, text: string, format: TextFormat, matchKind: MatchKind): void {
    if (!this.originals.has(path)) throw new Error(`Overlay.set before load: ${path}`);
    const prev = this.states.get(path);
    this.states.set(path, {
      text,
      format,
      matchKinds: [...(prev?.matchKinds ?? []), matchKind],
      wholeFileWrite: (prev?.wholeFileWrite ?? false) || matchKind === 'whole_file',
    });
  }

  snapshot(): OverlaySnapshot {
    return { states: new Map(this.states) };
  }

  restore(snapshot: OverlaySnapshot): void {
    this.states = new Map(snapshot.states);
  }

  /** Paths whose candidate text differs from the original (new files count), sorted. */
  changedPaths(): string[] {
    const out: string[] = [];
    for (const [path, state] of this.states) {
      const o = this.originals.get(path);
      if (o instanceof UnreadableFileError || o === undefined) continue;
      if (o.text === undefined || o.text !== state.text || o.format?.bom !== state.format.bom) out.push(path);
    }
    return out.sort();
  }

  /** Every changed file, as the gates take them. */
  changedFiles(): CandidateFile[] {
    return this.changedPaths().map((path) => {
      const o = this.originals.get(path) as OriginalFile;
      const s = this.states.get(path)!;
      return { path, language: languageOf(path), before: o.text, after: s.text, wholeFileWrite: s.wholeFileWrite };
    });
  }

  /** Every touched file's full state, changed or not (for provenance: which match kinds were used). */
  entries(): OverlayEntry[] {
    return [...this.states.keys()]
      .sort()
      .map((path) => ({ path, original: this.originals.get(path) as OriginalFile, ...this.states.get(path)! }));
  }

  /** The bytes the candidate would write for a changed file, in the file's own format; undefined if unchanged. */
  finalBytes(path: string): Uint8Array | undefined {
    const s = this.states.get(path);
    if (!s || !this.changedPaths().includes(path)) return undefined;
    return encode(s.text, s.format);
  }
}
