import type { ReviewWriter } from '../../core/review/writer';
import type { VscodeWorkspaceFiles } from '../host/vscodeWorkspaceFiles';
import { writeThroughEditor } from './editorWrite';

/**
 * The review core's writer in the editor: reads see unsaved editor text (so typing in a file makes
 * its proposal stale), writes go through a WorkspaceEdit and a save (so Undo takes them back), and
 * the read-back reads the disk, which is what the record vouches for.
 */
export function editorWriter(files: VscodeWorkspaceFiles): ReviewWriter {
  return {
    read: (path) => files.read(path),
    readSaved: (path) => files.readDisk(files.uriOf(path)),
    write: async (path, bytes, tempPath) => {
      await writeThroughEditor(files, path, bytes, tempPath);
    },
    removeLeftover: (path) => files.remove(path),
    realPath: (path) => files.realPath(path),
  };
}
