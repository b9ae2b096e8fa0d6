import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';

/**
 * Finding every process a command started, even the ones that left its process group: a test that
 * detaches a daemon (`spawn(..., { detached: true })`, setsid, a double fork) escapes `kill(-pgid)`.
 * Every process the command starts inherits its environment, so the command is started with a
 * marker variable and, once it is over, every process still carrying the marker is killed. Linux
 * only (/proc); elsewhere the process group is all there is. A process that clears its whole
 * environment escapes this too; bubblewrap's PID namespace, where it runs, has no such gap.
 */

export const SWEEP_VARIABLE = 'REFACTOR_GUARD_RUN_MARK';

/** A fresh marker for one command: its value goes in the command's environment as SWEEP_VARIABLE. */
export function newRunMark(): string {
  return randomBytes(12).toString('hex');
}

/** Kills every process whose environment carries the marker; returns how many it killed. */
export async function killMarked(mark: string, rounds = 5): Promise<number> {
  if (process.platform !== 'linux') return 0;
  const needle = Buffer.from(`${SWEEP_VARIABLE}=${mark}\0`);
  let killed = 0;
  // A process can fork while its parent is being killed: look again until a round finds none.
  for (let round = 0; round < rounds; round++) {
    let found = 0;
    for (const name of await fs.readdir('/proc').catch(() => [] as string[])) {
      if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
      const environ = await fs.readFile(`/proc/${name}/environ`).catch(() => undefined);
      if (!environ || !(environ.indexOf(needle) === 0 || environ.includes(Buffer.concat([Buffer.from([0]), needle])))) continue;
      try {
        process.kill(Number(name), 'SIGKILL');
        found++;
      } catch {
        // gone meanwhile, or not ours to kill
      }
    }
    killed += found;
    if (found === 0) break;
  }
  return killed;
}
