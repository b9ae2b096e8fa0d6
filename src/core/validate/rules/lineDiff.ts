import { changedRegions } from '../introduced';

export interface LineChanges {
  beforeLines: number;
  afterLines: number;
  /** Lines of before that the patch removed or replaced. */
  removed: number;
  /** Lines of after that the patch added or replaced. */
  added: number;
}

/** How many lines a patch removed and added (the bounded line diff of `changedRegions`). */
export function lineChanges(before: string, after: string): LineChanges {
  const regions = changedRegions(before, after);
  return {
    beforeLines: lineCount(before),
    afterLines: lineCount(after),
    removed: regions.before.size,
    added: regions.after.size,
  };
}

/** Lines as an editor counts them: a final newline ends the last line, it does not start another. */
export function lineCount(text: string): number {
  if (text === '') return 0;
  const n = text.split(/\r\n|\r|\n/).length;
  return /(?:\r\n|\r|\n)$/.test(text) ? n - 1 : n;
}
