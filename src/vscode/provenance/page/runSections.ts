/// <reference lib="dom" />
import type { AttemptVM, DecisionVM, FindingSetVM, FindingVM, ModelCallVM, PageToHost, PatchVM, RunVM, TimelineEntryVM } from '../protocol';
import { badge, button, h, icon, lazyDetails, type Child } from './dom';

/** What the section renderers need from the page: open-state memory and the way back to the host. */
export interface Ctx {
  isOpen(key: string, byDefault?: boolean): boolean;
  onToggle(key: string, open: boolean): void;
  post(message: PageToHost): void;
}

export function runHeader(run: RunVM, ctx: Ctx): HTMLElement {
  return h(
    'section',
    { class: 'run-header', aria: { label: 'Run' } },
    h(
      'div',
      { class: 'run-title' },
      // What its patches' decisions made of the run; the record's own status goes in the title.
      badge(
        run.statusLabel,
        statusTone(run.state),
        run.state === run.status ? undefined : `Run recorded as ${run.status.replace(/_/g, ' ')}`,
      ),
      h('span', { class: 'muted', title: run.runId }, run.pinned ? 'Selected run' : 'Latest run'),
      button(
        [icon('history'), ' Other run…'],
        'Pick another run (List Runs)',
        () => ctx.post({ type: 'command', command: 'listRuns' }),
        'link small',
      ),
    ),
    h('blockquote', { class: 'instruction' }, run.instruction),
    run.error ? h('p', { class: 'error-line' }, icon('error'), ' ', run.error) : null,
    h(
      'dl',
      { class: 'facts' },
      fact('Targets', h('ul', { class: 'plain' }, ...run.targets.map((t) => h('li', null, h('code', null, t))))),
      fact('When', run.createdAt),
      fact('Took', run.duration),
      fact('Preset', run.preset),
      fact('Model', run.provider),
      fact(
        'Tokens',
        `${run.totals.tokensIn} in · ${run.totals.tokensOut} out · cache ${run.totals.cache} · ${run.totals.calls} call${run.totals.calls === 1 ? '' : 's'}`,
      ),
      fact('Run id', h('code', { class: 'wrap' }, run.runId)),
    ),
  );
}

function fact(term: string, value: Child): Child[] {
  return [h('dt', null, term), h('dd', null, value)];
}

export function timelineSection(run: RunVM, ctx: Ctx): HTMLElement {
  return lazyDetails(
    'run:timeline',
    [icon('pulse'), ' Timeline', h('span', { class: 'count' }, run.duration)],
    () => [h('ol', { class: 'timeline' }, ...run.timeline.map(timelineRow))],
    {
      open: ctx.isOpen('run:timeline', true),
      onToggle: ctx.onToggle,
    },
  );
}

function timelineRow(e: TimelineEntryVM): HTMLElement {
  // Events after the run (review, decisions) have no place on the run's scale: an empty track.
  const track = h('span', { class: e.bar ? 'track' : 'track empty', aria: { hidden: 'true' } });
  if (e.bar)
    track.appendChild(
      h('span', { class: `bar outcome-${e.outcome ?? 'none'}`, style: { left: `${e.bar.offsetPct}%`, width: `${e.bar.widthPct}%` } }),
    );
  return h(
    'li',
    { class: `tl kind-${e.kind} depth-${e.depth}`, title: e.detail ? `${e.label}: ${e.detail}` : e.label },
    h('span', { class: 'tl-label' }, outcomeIcon(e.outcome), ' ', e.label),
    track,
    h('span', { class: 'tl-time' }, e.durationLabel),
    // On its own line: a narrow side bar would cut it off beside the bar.
    e.detail ? h('span', { class: 'tl-detail' }, e.detail) : null,
  );
}

export function modelCallsSection(run: RunVM, ctx: Ctx): HTMLElement {
  return lazyDetails(
    'run:calls',
    [icon('hubot'), ' Model calls', h('span', { class: 'count' }, String(run.modelCalls.length))],
    () => run.modelCalls.map(modelCallRow),
    {
      open: ctx.isOpen('run:calls', false),
      onToggle: ctx.onToggle,
    },
  );
}

function modelCallRow(c: ModelCallVM): HTMLElement {
  return h(
    'div',
    { class: 'card' },
    h(
      'div',
      { class: 'card-title' },
      h('strong', null, `${c.phase} · attempt ${c.attempt}`),
      h('span', { class: 'muted' }, ` ${c.duration}`),
    ),
    h('div', { class: 'muted' }, `${c.provider} · ${c.model} · stop: ${c.stopReason}`),
    h('div', null, `in ${c.tokensIn} · out ${c.tokensOut} · cache ${c.cache} · retries ${c.retries}`),
    c.error ? h('div', { class: 'error-line' }, icon('error'), ' ', c.error) : null,
  );
}

export function attemptsSection(run: RunVM, ctx: Ctx): HTMLElement {
  const byIndex = new Map(run.attempts.map((a) => [a.index, a]));
  const repairs = run.attempts.filter((a) => a.phase === 'repair').length;
  return lazyDetails(
    'run:attempts',
    [
      icon('tools'),
      ' Attempts and findings',
      h(
        'span',
        { class: 'count' },
        `${run.attempts.length} attempt${run.attempts.length === 1 ? '' : 's'}, ${repairs} repair${repairs === 1 ? '' : 's'}`,
      ),
    ],
    () => run.attempts.map((a) => attemptBlock(run.runId, a, byIndex, ctx)),
    { open: ctx.isOpen('run:attempts', true), onToggle: ctx.onToggle },
  );
}

function attemptBlock(runId: string, a: AttemptVM, byIndex: Map<number, AttemptVM>, ctx: Ctx): HTMLElement {
  const before = a.beforeAttempt !== undefined ? byIndex.get(a.beforeAttempt)?.after : undefined;
  return h(
    'div',
    { class: 'attempt' },
    h('h3', null, outcomeIcon(a.success ? 'ok' : 'fail'), ' ', a.title),
    h('p', { class: 'muted' }, a.summary),
    a.edits.length > 0
      ? h(
          'ul',
          { class: 'plain edits' },
          ...a.edits.map((e) =>
            h('li', { class: e.ok ? '' : 'error-line' }, icon(e.ok ? 'edit' : 'error'), ' ', e.label, e.error ? `: ${e.error}` : ''),
          ),
        )
      : null,
    before ? findingSet(runId, `Before (from attempt ${a.beforeAttempt})`, before, `a${a.index}:before`, ctx) : null,
    findingSet(runId, a.phase === 'repair' ? 'After' : 'Findings', a.after, `a${a.index}:after`, ctx),
  );
}

function findingSet(runId: string, title: string, set: FindingSetVM, keyPrefix: string, ctx: Ctx): HTMLElement {
  if (set.total === 0)
    return h('p', { class: 'finding-set-title' }, h('strong', null, title), h('span', { class: 'muted' }, ': no findings'));
  return h(
    'div',
    { class: 'finding-set' },
    h(
      'p',
      { class: 'finding-set-title' },
      h('strong', null, title),
      h('span', { class: 'muted' }, `: ${set.total} finding${set.total === 1 ? '' : 's'}, ${set.blocking} blocking`),
    ),
    ...set.groups.map((g) =>
      // Collapsed by default and built on first open: a group can hold hundreds of findings.
      lazyDetails(
        `${keyPrefix}:${g.category}`,
        [g.label, h('span', { class: 'count' }, g.blocking > 0 ? `${g.count} (${g.blocking} blocking)` : String(g.count))],
        () => [h('ul', { class: 'plain findings' }, ...g.findings.map((f) => findingRow(runId, f, ctx)))],
        { open: ctx.isOpen(`${keyPrefix}:${g.category}`, false), onToggle: ctx.onToggle, cls: 'group' },
      ),
    ),
  );
}

function findingRow(runId: string, f: FindingVM, ctx: Ctx): HTMLElement {
  const sev = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info';
  // The line is the attempt's: the host opens the file as that attempt left it.
  const where = f.attempt !== undefined ? { runId, attempt: f.attempt } : {};
  const title = f.attempt !== undefined ? `Open ${f.location} as attempt ${f.attempt} left it` : `Open ${f.location}`;
  return h(
    'li',
    { class: `finding${f.blocking ? ' blocking' : ''}` },
    icon(sev, f.severity),
    ' ',
    button(f.location, title, () => ctx.post({ type: 'openFinding', file: f.file, line: f.line, column: f.column, ...where })),
    ' ',
    h('span', { class: 'message' }, f.message),
    ' ',
    h('span', { class: 'muted' }, `${f.tool}${f.code ? ` ${f.code}` : ''}`),
    f.blocking ? badge('blocking', 'fail') : null,
    f.introduced ? null : badge('pre-existing', 'neutral'),
  );
}

export function patchesSection(run: RunVM, ctx: Ctx): HTMLElement {
  return lazyDetails(
    'run:patches',
    [icon('diff'), ' Patches', h('span', { class: 'count' }, String(run.patches.length))],
    () => (run.patches.length ? run.patches.map((p) => patchCard(run.runId, p, ctx)) : [h('p', { class: 'muted' }, 'No patches.')]),
    {
      open: ctx.isOpen('run:patches', true),
      onToggle: ctx.onToggle,
    },
  );
}

function patchCard(runId: string, p: PatchVM, ctx: Ctx): HTMLElement {
  return h(
    'div',
    { class: 'card patch' },
    h(
      'div',
      { class: 'card-title' },
      button(
        [icon('diff'), ' ', p.file],
        `Open the diff of ${p.file} (${p.id})`,
        () => ctx.post({ type: 'openPatch', runId, patchId: p.id }),
        'link strong',
      ),
    ),
    h(
      'div',
      { class: 'chips' },
      badge(p.status, statusTone(p.status)),
      badge(`risk ${p.riskScore} ${p.riskLevel}`, p.riskLevel === 'high' ? 'fail' : p.riskLevel === 'medium' ? 'warn' : 'ok'),
      p.valid ? null : badge('invalid', 'fail'),
      h('span', { class: 'added' }, `+${p.linesAdded}`),
      h('span', { class: 'removed' }, `−${p.linesRemoved}`),
      h('span', { class: 'muted' }, `${p.hunks} hunk${p.hunks === 1 ? '' : 's'}`),
    ),
    h(
      'div',
      { class: 'hashes' },
      h('code', { title: `sha256 before: ${p.beforeSha.full}` }, p.beforeSha.short),
      ' ',
      icon('arrow-right'),
      ' ',
      h('code', { title: `sha256 after: ${p.afterSha.full}` }, p.afterSha.short),
    ),
    p.matchKinds.length ? h('div', { class: 'muted' }, `matched: ${p.matchKinds.join(', ')}`) : null,
    p.coverage ? h('div', { class: 'muted' }, icon('beaker'), ' ', p.coverage) : null,
    p.riskFactors.length
      ? lazyDetails(
          `patch:${p.id}:risk`,
          ['Risk factors', h('span', { class: 'count' }, String(p.riskFactors.length))],
          () => [
            h(
              'ul',
              { class: 'plain factors' },
              ...p.riskFactors.map((f) =>
                h('li', null, h('strong', null, f.contribution), ` ${f.label}: `, h('span', { class: 'muted' }, f.detail)),
              ),
            ),
          ],
          { open: ctx.isOpen(`patch:${p.id}:risk`, false), onToggle: ctx.onToggle, cls: 'group' },
        )
      : null,
  );
}

export function decisionsSection(run: RunVM, ctx: Ctx): HTMLElement {
  return lazyDetails(
    'run:decisions',
    [icon('law'), ' Decisions', h('span', { class: 'count' }, String(run.decisions.length))],
    () =>
      run.decisions.length
        ? [h('ol', { class: 'plain decisions' }, ...run.decisions.map(decisionRow))]
        : [h('p', { class: 'muted' }, 'No decisions yet.')],
    {
      open: ctx.isOpen('run:decisions', true),
      onToggle: ctx.onToggle,
    },
  );
}

function decisionRow(d: DecisionVM): HTMLElement {
  return h(
    'li',
    null,
    h('time', { title: d.timeIso }, d.time),
    ' ',
    h('strong', null, d.decision),
    ` ${d.target} by `,
    h('span', { class: 'actor' }, d.actor),
    d.detail ? h('div', { class: 'muted wrap' }, d.detail) : null,
  );
}

function outcomeIcon(outcome: TimelineEntryVM['outcome']): HTMLElement {
  switch (outcome) {
    case 'ok':
      return h('span', { class: 'ok' }, icon('pass', 'passed'));
    case 'fail':
      return h('span', { class: 'fail' }, icon('error', 'failed'));
    case 'skipped':
      return h('span', { class: 'muted' }, icon('circle-slash', 'skipped'));
    default:
      return h('span', { class: 'muted' }, icon('circle-small'));
  }
}

export function statusTone(status: string): string {
  const s = status.toLowerCase();
  if (s.includes('partly')) return 'warn';
  if (s.startsWith('applied') || s === 'proposed' || s.startsWith('approved')) return 'ok';
  if (s.startsWith('rejected') || s.startsWith('stale') || s.includes('error') || s === 'failed' || s === 'no_valid_patch') return 'fail';
  if (s.startsWith('pending')) return 'warn';
  return 'neutral';
}
