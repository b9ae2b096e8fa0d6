import { randomBytes } from 'node:crypto';

/**
 * Run ids read as their UTC start time and sort by it: `20261121-103355-a1b2c3`. The random
 * suffix keeps two runs started in the same second apart; the store also refuses a duplicate.
 */
export function newRunId(now: Date = new Date(), random: () => string = () => randomBytes(3).toString('hex')): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${date}-${time}-${random()}`;
}

export const RUN_ID_PATTERN = /^\d{8}-\d{6}-[0-9a-f]{6}$/;
