import { z } from 'zod';

/** The categories a finding is classified into (DESIGN.md "Finding"). */
export const FINDING_CATEGORIES = [
  'syntax',
  'missing_import',
  'undefined_name',
  'type_mismatch',
  'contract_violation',
  'test_failure',
  'rule',
  'other',
] as const;
export type FindingCategory = (typeof FINDING_CATEGORIES)[number];

export const FindingSchema = z.object({
  /** The gate or tool that produced it: 'tree-sitter', 'typescript', 'ruff', 'edit', 'rule:lazy-elision'... */
  tool: z.string().min(1),
  /** The tool's own code (a tsc code such as 'TS2304', a ruff rule such as 'F821', or our own). */
  code: z.string(),
  category: z.enum(FINDING_CATEGORIES),
  /** Only 'error' findings that are introduced block a candidate; warnings raise risk. */
  severity: z.enum(['error', 'warning', 'info']),
  /** Workspace-relative path with forward slashes. */
  file: z.string(),
  /** 1-based. */
  line: z.number().int().min(1),
  /** 1-based, UTF-16 code units like VS Code positions. */
  column: z.number().int().min(1),
  message: z.string(),
  /** True where the finding is absent from the file before the patch. */
  introduced: z.boolean(),
  /** A short quote of the offending source line(s). */
  excerpt: z.string().optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

/** A finding blocks a candidate only when the patch introduced it and it is an error. */
export function isBlocking(f: Finding): boolean {
  return f.introduced && f.severity === 'error';
}

export function blockingCount(findings: readonly Finding[]): number {
  return findings.filter(isBlocking).length;
}

/** One line, for tables and prompts: `src/a.ts:3:7 syntax TS1005 ';' expected`. */
export function formatFinding(f: Finding): string {
  const mark = f.introduced ? '' : ' (pre-existing)';
  return `${f.file}:${f.line}:${f.column} ${f.category} ${f.tool}${f.code ? ' ' + f.code : ''}: ${f.message}${mark}`;
}

/**
 * Marks which findings after an edit were already there before it. Findings are matched as a
 * multiset on what does not move when lines shift (tool, code, message and the trimmed text of
 * their line), so an error that an edit merely moved is not counted as introduced.
 */
export function markIntroduced(
  before: readonly Omit<Finding, 'introduced'>[],
  after: readonly Omit<Finding, 'introduced'>[],
  keyOf: (f: Omit<Finding, 'introduced'>) => string = defaultFindingKey,
): Finding[] {
  const pool = new Map<string, number>();
  for (const f of before) pool.set(keyOf(f), (pool.get(keyOf(f)) ?? 0) + 1);
  return after.map((f) => {
    const k = keyOf(f);
    const left = pool.get(k) ?? 0;
    if (left > 0) {
      pool.set(k, left - 1);
      return { ...f, introduced: false };
    }
    return { ...f, introduced: true };
  });
}

export function defaultFindingKey(f: Omit<Finding, 'introduced'>): string {
  return [f.tool, f.code, f.message, (f.excerpt ?? '').trim()].join('\u0000');
}
