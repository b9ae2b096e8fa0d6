import type { Stats } from '../../core/provenance/stats';
import { EXIT } from '../errors';
import type { CliIO } from '../io';
import { openWorkspace } from '../workspace';

export async function statsCommand(flags: { workspace?: string; json?: boolean }, io: CliIO): Promise<number> {
  const ws = openWorkspace(flags.workspace);
  const store = await ws.openStore(io.err);
  const stats = await store.stats();
  io.out(flags.json ? JSON.stringify(stats, null, 2) : formatStats(stats));
  return EXIT.ok;
}

/** Only the non-zero counts, so a young store reads in a few lines. */
function counts(record: Record<string, number>): string {
  const parts = Object.entries(record)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function share(s: { count: number; of: number; rate: number | null }): string {
  return s.rate === null ? 'n/a (no runs yet)' : `${(s.rate * 100).toFixed(0)}% (${s.count} of ${s.of})`;
}

export function formatStats(s: Stats): string {
  return [
    `runs: ${s.runs} (${counts(s.runsByStatus)})`,
    `patches: ${counts(s.patchesByStatus)}`,
    `first attempt passed every gate: ${share(s.firstAttemptPass)}`,
    `repair success: ${share(s.repairSuccess)}`,
    `tokens: ${s.tokens.total} in all, ${s.tokens.repair} on repair; cache read ${s.tokens.cacheRead}, cache write ${s.tokens.cacheWrite}`,
    `applied patches on disk: ${s.appliedRisk.patches}${s.appliedRisk.mean === null ? '' : `; risk mean ${s.appliedRisk.mean.toFixed(2)}, worst ${s.appliedRisk.worst!.toFixed(2)}`}`,
    `findings introduced, by category: ${counts(s.findingsByCategory)}`,
  ].join('\n');
}
