import type { Stats } from '../../core/provenance/stats';
import { categoryLabel, formatScore, formatShare, formatTokens, statusLabel } from './format';
import type { CountRow, StatsVM } from './protocol';

/**
 * The statistics block at the top of the Provenance view and the "Show Statistics" command,
 * from the store's `computeStats`. Pure, 'vscode'-free. Zero rows are dropped: a table of
 * "cancelled 0, failed 0" tells the reader nothing.
 */
export function buildStatsVM(stats: Stats): StatsVM {
  const byStatus: CountRow[] = Object.entries(stats.runsByStatus)
    .filter(([, n]) => n > 0)
    .map(([key, count]) => ({ key, label: statusLabel(key), count }));
  const findingsByCategory: CountRow[] = Object.entries(stats.findingsByCategory)
    .filter(([, n]) => n > 0)
    .sort(([, a], [, b]) => b - a)
    .map(([key, count]) => ({ key, label: categoryLabel(key), count }));
  const risk = stats.appliedRisk;
  return {
    totalRuns: stats.runs,
    byStatus,
    firstAttemptPass: formatShare(stats.firstAttemptPass.count, stats.firstAttemptPass.of),
    repairSuccess: formatShare(stats.repairSuccess.count, stats.repairSuccess.of),
    repairTokens: stats.tokens.total === 0 ? '0' : `${formatTokens(stats.tokens.repair)} of ${formatTokens(stats.tokens.total)}`,
    appliedRisk:
      risk.patches === 0
        ? 'no applied patch'
        : `mean ${formatScore(risk.mean)} · worst ${formatScore(risk.worst)} over ${risk.patches} patch${risk.patches === 1 ? '' : 'es'}`,
    findingsByCategory,
  };
}

/** Plain text for the log channel and notifications: the same figures, one per line. */
export function statsText(vm: StatsVM): string {
  const lines = [
    `Runs: ${vm.totalRuns}${vm.byStatus.length ? ` (${vm.byStatus.map((r) => `${r.label.toLowerCase()} ${r.count}`).join(', ')})` : ''}`,
    `First attempt passed every gate: ${vm.firstAttemptPass}`,
    `Repair succeeded: ${vm.repairSuccess}`,
    `Tokens spent on repair: ${vm.repairTokens}`,
    `Risk of applied patches: ${vm.appliedRisk}`,
    `Introduced findings by category: ${vm.findingsByCategory.length ? vm.findingsByCategory.map((r) => `${r.label.toLowerCase()} ${r.count}`).join(', ') : 'none'}`,
  ];
  return lines.join('\n');
}
