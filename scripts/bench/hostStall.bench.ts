/**
 * The extension host's longest event-loop stall during a full run in a real VS Code. Measured by
 * the Engine worker suite of `npm run test:vscode` (monitorEventLoopDelay, in the extension host),
 * not here: a VS Code takes a minute to start. This bench reports the figures that run left in
 * .tmp/vscode-test/host-stall.json, beside the host's stall in a quiet window just before the
 * run in the same session, and says when they were measured; without them it prints how to get them.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { errorLine } from '../../src/core/errorLine';
import type { BenchRow } from '../bench';

const FIGURES = path.join(__dirname, '..', '..', '.tmp', 'vscode-test', 'host-stall.json');

interface StallFigures {
  idleBeforeMaxStallMs: number;
  freshRunMaxStallMs: number;
  freshRunP99StallMs: number;
  warmRunMaxStallMs: number;
  warmRunP99StallMs: number;
  measuredAt: string;
}

export default function hostStallBench(): Promise<BenchRow[]> {
  if (!existsSync(FIGURES)) {
    process.stderr.write('bench: no host stall figures; npm run test:vscode measures them (.tmp/vscode-test/host-stall.json)\n');
    return Promise.resolve([]);
  }
  let f: StallFigures;
  try {
    f = JSON.parse(readFileSync(FIGURES, 'utf8')) as StallFigures;
    if (typeof f.freshRunMaxStallMs !== 'number' || typeof f.measuredAt !== 'string') throw new Error('fields missing');
  } catch (err) {
    process.stderr.write(
      `bench: ${FIGURES} is not the Engine worker suite's figures (${errorLine(err)}); npm run test:vscode writes them\n`,
    );
    return Promise.resolve([]);
  }
  const idle = { name: 'host idle just before, same session (max stall)', ms: f.idleBeforeMaxStallMs };
  const when = `npm run test:vscode at ${f.measuredAt.slice(0, 16).replace('T', ' ')} UTC`;
  return Promise.resolve([
    {
      name: 'VS Code: extension host longest event-loop stall, full run on a fresh engine worker',
      ms: f.freshRunMaxStallMs,
      reference: idle,
      note: `a maximum, not a median; p99 ${f.freshRunP99StallMs} ms; ${when}`,
    },
    {
      name: 'VS Code: extension host longest event-loop stall, full run, warm engine worker',
      ms: f.warmRunMaxStallMs,
      reference: idle,
      note: `a maximum, not a median; p99 ${f.warmRunP99StallMs} ms; ${when}`,
    },
  ]);
}
