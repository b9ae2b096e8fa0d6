import type { Finding } from '../findings';
import { isBlocking } from '../findings';
import { followersNote, groupCascades } from '../validate/cascades';

/** Files up to this many lines are shown whole in a repair prompt; longer ones as windows. */
const WHOLE_FILE_LINES = 160;
const WINDOW = 6;
const MAX_FINDINGS = 25;
const MAX_WARNINGS = 10;
/**
 * Bounds on what one finding and the whole list may quote: a message can carry a refused edit's
 * nearest lines from a minified file, and a runaway reply can make hundreds of findings.
 */
const MAX_MESSAGE_CHARS = 1_000;
const MAX_EXCERPT_CHARS = 300;
export const MAX_FINDINGS_CHARS = 24_000;

/**
 * The findings part of a repair prompt: blocking findings first, each with file, line, column,
 * category, tool and code and the excerpt of the offending line, so the model can act on it.
 * At most MAX_FINDINGS blocking and MAX_WARNINGS warnings, MAX_FINDINGS_CHARS in all; the rest
 * are counted ("and 175 more").
 */
export function formatFindingsForRepair(findings: readonly Finding[]): string {
  const blocking = findings.filter(isBlocking);
  const warnings = findings.filter((f) => f.introduced && !isBlocking(f));
  const lines: string[] = [];
  let chars = 0;
  const fits = (entry: string[]) => {
    const size = entry.reduce((n, l) => n + l.length + 1, 0);
    if (chars + size > MAX_FINDINGS_CHARS) return false;
    chars += size;
    lines.push(...entry);
    return true;
  };
  // A cascade (one dropped brace, eight parser errors) is one problem: its first error, told
  // with how many follow from it, so the model fixes the cause instead of chasing echoes.
  const problems = groupCascades(blocking);
  let shown = 0;
  for (const { first: f, follows } of problems.slice(0, MAX_FINDINGS)) {
    const note = followersNote({ first: f, follows });
    const entry = [
      `- ${f.file || '(edit)'}${f.file ? `:${f.line}:${f.column}` : ''} [${f.category}] ${f.tool}${f.code ? ' ' + f.code : ''}: ${clip(f.message, MAX_MESSAGE_CHARS)}${note ? ` (${note}; fix this one first)` : ''}`,
    ];
    if (f.excerpt && !f.message.includes(f.excerpt)) entry.push(`    ${f.line} | ${clip(f.excerpt, MAX_EXCERPT_CHARS)}`);
    if (!fits(entry)) break;
    shown++;
  }
  if (problems.length > shown) lines.push(`- ... and ${problems.length - shown} more`);
  if (warnings.length > 0) {
    lines.push('', 'Warnings (do not block, fix if cheap):');
    let told = 0;
    for (const f of warnings.slice(0, MAX_WARNINGS)) {
      if (!fits([`- ${f.file}:${f.line}:${f.column} [${f.category}] ${clip(f.message, MAX_MESSAGE_CHARS)}`])) break;
      told++;
    }
    if (warnings.length > told) lines.push(`- ... and ${warnings.length - told} more`);
  }
  return lines.join('\n');
}

/** At most `max` characters of `text`, saying how many were cut; never half a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = /[\ud800-\udbff]/.test(text[max - 1]!) ? max - 1 : max;
  return `${text.slice(0, cut)}… (${text.length - cut} more characters)`;
}

/**
 * The candidate as the model's edits left it: small files whole, large ones as numbered windows
 * around each finding, so the prompt stays short but every finding's line is quoted.
 */
export function formatCandidateForRepair(files: ReadonlyMap<string, string>, findings: readonly Finding[]): string {
  const out: string[] = [];
  for (const [path, text] of files) {
    const lines = text.split(/\r?\n/);
    const fileFindings = findings.filter((f) => f.file === path && isBlocking(f));
    out.push(`--- ${path}`);
    if (lines.length <= WHOLE_FILE_LINES) {
      out.push(numbered(lines, 1, lines.length));
      continue;
    }
    const ranges = mergeRanges(
      fileFindings.map((f) => [Math.max(1, f.line - WINDOW), Math.min(lines.length, f.line + WINDOW)] as [number, number]),
    );
    if (ranges.length === 0) out.push(`(${lines.length} lines; no findings in this file)`);
    for (const [from, to] of ranges) {
      out.push(numbered(lines, from, to));
      out.push('...');
    }
  }
  return out.join('\n');
}

function numbered(lines: string[], from: number, to: number): string {
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(`${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
  return out.join('\n');
}

function mergeRanges(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}
