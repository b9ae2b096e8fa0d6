import type { WorkspaceFiles } from '../../core/ports';
import { NodeWorkspaceFiles } from '../../core/host/nodeWorkspaceFiles';
import { normalizeWorkspacePath } from '../../core/workspacePath';

/**
 * The worker's view of the workspace: the disk through node:fs, except the files the user has open
 * with unsaved changes, whose bytes the host sent with the run (what VscodeWorkspaceFiles.read
 * answers for them). Sending those few buffers once is simpler than a round trip to the host for
 * every read, and the run sees one consistent state of the editors: the one it started from.
 * `readSaved` is always the disk, as on the host.
 */
export class WorkerFiles extends NodeWorkspaceFiles implements WorkspaceFiles {
  private readonly unsaved: Map<string, Uint8Array>;

  constructor(root: string, dirty: readonly { path: string; bytes: Uint8Array }[] = []) {
    super(root);
    this.unsaved = new Map(dirty.map((d) => [normalizeWorkspacePath(d.path), d.bytes]));
  }

  override async read(relative: string): Promise<Uint8Array | undefined> {
    return this.unsaved.get(normalizeWorkspacePath(relative)) ?? super.read(relative);
  }

  async readSaved(relative: string): Promise<Uint8Array | undefined> {
    return super.read(relative);
  }
}
