/**
 * The store's one error type. Its message is one line meant for the user: it names the file or
 * blob at fault and what is wrong with it, never a stack trace.
 */
export class StoreError extends Error {
  constructor(
    message: string,
    /** Path of the file at fault, relative to the store folder, when there is one. */
    readonly file?: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** No run has the id (or prefix) asked for: a bad argument, not a broken store. */
export class UnknownRunError extends StoreError {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownRunError';
  }
}
