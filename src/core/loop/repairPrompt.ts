import type { Finding } from '../findings';
import { isBlocking } from '../findings';

/** Files up to this many lines are shown whole in a repair prompt; longer ones as windows. */
const WHOLE_FILE_LINES = 160;
const WINDOW = 6;
const MAX_FINDINGS = 25;

/**
 * The findings part of a repair prompt: blocking findings first, each with file, line, column,
 * category, tool and code and the excerpt of the offending line, so the model can act on it.
 */
export function formatFindingsForRepair(findings: readonly Finding[]): string {
  const blocking = findings.filter(isBlocking);
  const warnings = findings.filter((f) => f.introduced && !isBlocking(f));
  const lines: string[] = [];
  for (const f of blocking.slice(0, MAX_FINDINGS)) {
    lines.push(`- ${f.file || '(edit)'}${f.file ? `:${f.line}:${f.column}` : ''} [${f.category}] ${f.tool}${f.code ? ' ' + f.code : ''}: ${f.message}`);
    if (f.excerpt && !f.message.includes(f.excerpt)) lines.push(`    ${f.line} | ${f.excerpt}`);
  }
  if (blocking.length > MAX_FINDINGS) lines.push(`- ... and ${blocking.length - MAX_FINDINGS} more`);
  if (warnings.length > 0) {
    lines.push('', 'Warnings (do not block, fix if cheap):');
    for (const f of warnings.slice(0, 10)) lines.push(`- ${f.file}:${f.line}:${f.column} [${f.category}] ${f.message}`);
  }
  return lines.join('\n');
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
    const ranges = mergeRanges(fileFindings.map((f) => [Math.max(1, f.line - WINDOW), Math.min(lines.length, f.line + WINDOW)] as [number, number]));
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
