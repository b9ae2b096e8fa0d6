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
    beforeLines: before.split(/\r\n|\r|\n/).length,
    afterLines: after.split(/\r\n|\r|\n/).length,
    removed: regions.before.size,
    added: regions.after.size,
  };
}
