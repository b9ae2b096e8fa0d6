/**
 * Text forms shared by the Provenance view, the palette commands and their tests. Pure functions,
 * no 'vscode' import, so they run under plain mocha.
 */

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) {
    const m = Math.floor(totalSeconds / 60);
    const s = totalSeconds % 60;
    return s === 0 ? `${m} min` : `${m} min ${s} s`;
  }
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** 950, 12.3k, 4.1M: token counts read at a glance; the exact figure goes in a title. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${trimZero((n / 1000).toFixed(n < 10_000 ? 1 : 0))}k`;
  return `${trimZero((n / 1_000_000).toFixed(1))}M`;
}

function trimZero(text: string): string {
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}

/** The first 8 hex digits name a file version well enough on screen; null means there is no file. */
export function shortSha(sha: string | null, whenNull: string): { short: string; full: string } {
  if (sha === null) return { short: whenNull, full: whenNull };
  return { short: sha.slice(0, 8), full: sha };
}

export function formatShare(part: number, whole: number): string {
  if (whole === 0) return 'none yet';
  return `${part} of ${whole} (${Math.round((part / whole) * 100)}%)`;
}

export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined ? '–' : score.toFixed(2);
}

/**
 * `2026-11-21 10:38:39` in the given time zone (the machine's by default). Tests pass 'UTC' so
 * they do not depend on where they run.
 */
export function formatTime(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

/**
 * A run's time, short enough to lead a tree label: `10:38` today, `11-21 10:38` earlier this
 * year, `2025-11-21` before. Absolute, so a label read later does not go stale like "3 min ago".
 */
export function clockTime(iso: string, now: Date = new Date(), timeZone?: string): string {
  const full = formatTime(iso, timeZone);
  if (full === iso) return iso;
  const today = formatTime(now.toISOString(), timeZone);
  if (full.slice(0, 10) === today.slice(0, 10)) return full.slice(11, 16);
  if (full.slice(0, 4) === today.slice(0, 4)) return `${full.slice(5, 10)} ${full.slice(11, 16)}`;
  return full.slice(0, 10);
}

/** "+3 min" after a reference moment: decisions happen after the run, often much later. */
export function formatOffset(ms: number): string {
  return ms < 0 ? `−${formatDuration(-ms)}` : `+${formatDuration(ms)}`;
}

const STATUS_LABELS: Record<string, string> = {
  proposed: 'Proposed',
  no_valid_patch: 'No valid patch',
  no_changes: 'No changes',
  provider_error: 'Provider error',
  cancelled: 'Cancelled',
  failed: 'Failed',
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
  applied: 'Applied',
  rolled_back: 'Rolled back',
  stale: 'Stale',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status.replace(/_/g, ' ');
}

const CATEGORY_LABELS: Record<string, string> = {
  syntax: 'Syntax',
  missing_import: 'Missing import',
  undefined_name: 'Undefined name',
  type_mismatch: 'Type mismatch',
  contract_violation: 'Contract violation',
  test_failure: 'Test failure',
  rule: 'Rule',
  other: 'Other',
};

export function categoryLabel(category: string): string {
  return CATEGORY_LABELS[category] ?? category.replace(/_/g, ' ');
}

/** "src/a.ts, src/b.ts +3 more" for one-line quick pick descriptions. */
export function listBrief(items: readonly string[], max = 2): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} +${items.length - max} more`;
}
