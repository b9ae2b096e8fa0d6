import type { WorkspaceFiles } from '../ports';

/**
 * What a host hands the review core to change the user's files: the CLI plain files (node:fs),
 * the editor a WorkspaceEdit and a save, so that Undo in the editor takes an apply back. The core
 * decides what is written and when, checks every write by reading it back, and records it; the
 * writer only moves bytes.
 */
export interface ReviewWriter {
  /** What the user has now: the file on disk, or an editor's unsaved text. Freshness is judged on it. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** The bytes on disk, for the read-back after a write. */
  readSaved(path: string): Promise<Uint8Array | undefined>;
  /**
   * Leaves exactly `bytes` on disk (undefined: removes the file). `tempPath` (beside the file,
   * workspace-relative) is the one temp file the write may use, so that recovery can remove what
   * an interrupted write left.
   */
  write(path: string, bytes: Uint8Array | undefined, tempPath: string): Promise<void>;
  /** Removes a file the core knows is its own leftover (a temp file); a missing one is fine. */
  removeLeftover(path: string): Promise<void>;
  /** Where the path really leads once links are followed, workspace-relative; absent: as written. */
  realPath?(path: string): Promise<string>;
}

/** The writer over a WorkspaceFiles port: atomic, verified writes (the CLI, recovery, tests). */
export function workspaceWriter(files: WorkspaceFiles): ReviewWriter {
  return {
    read: (path) => files.read(path),
    readSaved: (path) => (files.readSaved ? files.readSaved(path) : files.read(path)),
    write: (path, bytes, tempPath) => (bytes === undefined ? files.remove(path) : files.writeAtomic(path, bytes, { tempPath })),
    removeLeftover: (path) => files.remove(path),
    ...(files.realPath ? { realPath: (path: string) => files.realPath!(path) } : {}),
  };
}
