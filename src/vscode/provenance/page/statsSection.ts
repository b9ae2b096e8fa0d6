/// <reference lib="dom" />
import type { CountRow, StatsVM } from '../protocol';
import { h, icon, lazyDetails } from './dom';
import type { Ctx } from './runSections';

/** Statistics over all runs, at the top of the view. */
export function statsSection(stats: StatsVM, ctx: Ctx): HTMLElement {
  return lazyDetails(
    'stats',
    [icon('graph'), ' Statistics', h('span', { class: 'count' }, `${stats.totalRuns} run${stats.totalRuns === 1 ? '' : 's'}`)],
    () => [
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'First attempt passed'),
        h('dd', { title: 'Runs whose first candidate passed every gate' }, stats.firstAttemptPass),
        h('dt', null, 'Repairs succeeded'),
        h('dd', { title: 'Runs whose first candidate failed and that still ended with a valid patch' }, stats.repairSuccess),
        h('dt', null, 'Repair tokens'),
        h('dd', { title: 'Tokens (in + out) spent on repair calls, of all tokens' }, stats.repairTokens),
        h('dt', null, 'Applied risk'),
        h('dd', { title: 'Risk of patches now on disk' }, stats.appliedRisk),
      ),
      counts('Runs by status', stats.byStatus),
      counts('Introduced findings by category', stats.findingsByCategory),
    ],
    { open: ctx.isOpen('stats', true), onToggle: ctx.onToggle },
  );
}

/** A small bar chart: the bar's length is the row's share of the largest row. */
function counts(title: string, rows: CountRow[]): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted' }, `${title}: none`);
  const max = Math.max(...rows.map((r) => r.count));
  return h(
    'div',
    { class: 'counts' },
    h('h3', null, title),
    h(
      'ul',
      { class: 'plain' },
      ...rows.map((r) =>
        h(
          'li',
          { class: 'count-row', title: `${r.label}: ${r.count}` },
          h('span', { class: 'count-label' }, r.label),
          h(
            'span',
            { class: 'count-track', aria: { hidden: 'true' } },
            h('span', { class: `count-bar key-${r.key}`, style: { width: `${Math.max(2, (r.count / max) * 100)}%` } }),
          ),
          h('span', { class: 'count-value' }, String(r.count)),
        ),
      ),
    ),
  );
}
