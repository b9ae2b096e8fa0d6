/** What happened to one patch when applying, rejecting or rolling back. */
export interface PatchOutcome {
  patchId: string;
  file: string;
  outcome: 'applied' | 'rolled_back' | 'rejected' | 'stale' | 'refused' | 'skipped';
  /** One line for a person. */
  message: string;
  /** What the file holds after an apply or rollback (null: removed). */
  sha256?: string | null;
  /** The hunks an apply wrote, when it wrote only some. */
  hunkIds?: string[];
}

/**
 * A review operation refused as a whole, with nothing changed (or everything it changed put
 * back). `reason` lets each host phrase its own hint: the CLI names a command, the editor a button.
 */
export class ReviewError extends Error {
  constructor(
    message: string,
    readonly reason: 'usage' | 'unsigned' | 'refused' | 'write_failed',
  ) {
    super(message);
    this.name = 'ReviewError';
  }
}
