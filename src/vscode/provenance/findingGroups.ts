import { FINDING_CATEGORIES, isBlocking, type Finding } from '../../core/findings';
import type { Attempt } from '../../core/provenance/schema';
import { categoryLabel } from './format';
import type { FindingGroupVM, FindingSetVM, FindingVM } from './protocol';

/**
 * Findings grouped by category for the Provenance view. A large run can carry hundreds of
 * findings; grouping here (and collapsing every group on the page) keeps the page's first paint
 * to one line per category.
 */

const ORDER = new Map<string, number>(FINDING_CATEGORIES.map((c, i) => [c, i]));

export function groupFindings(findings: readonly Finding[], keyPrefix: string, attempt?: number): FindingSetVM {
  const byCategory = new Map<string, { finding: Finding; n: number }[]>();
  findings.forEach((finding, n) => {
    const list = byCategory.get(finding.category) ?? [];
    list.push({ finding, n });
    byCategory.set(finding.category, list);
  });
  const groups: FindingGroupVM[] = [...byCategory.entries()]
    .sort(([a], [b]) => (ORDER.get(a) ?? 99) - (ORDER.get(b) ?? 99) || a.localeCompare(b))
    .map(([category, list]) => {
      // Blocking findings first: they are what made the attempt fail.
      const sorted = [...list].sort(
        (x, y) =>
          Number(isBlocking(y.finding)) - Number(isBlocking(x.finding)) ||
          x.finding.file.localeCompare(y.finding.file) ||
          x.finding.line - y.finding.line ||
          x.finding.column - y.finding.column,
      );
      const vms = sorted.map(({ finding, n }) => findingVM(finding, `${keyPrefix}:${n}`, attempt));
      return { category, label: categoryLabel(category), count: vms.length, blocking: vms.filter((f) => f.blocking).length, findings: vms };
    });
  return { total: findings.length, blocking: findings.filter(isBlocking).length, groups };
}

export function findingVM(f: Finding, key: string, attempt?: number): FindingVM {
  return {
    ...(attempt !== undefined ? { attempt } : {}),
    key,
    location: `${f.file}:${f.line}:${f.column}`,
    file: f.file,
    line: f.line,
    column: f.column,
    severity: f.severity,
    tool: f.tool,
    code: f.code,
    message: f.message,
    introduced: f.introduced,
    blocking: isBlocking(f),
  };
}

/** Every finding that an attempt's gates reported, in gate order. */
export function attemptFindings(attempt: Attempt): Finding[] {
  return attempt.gates.flatMap((g) => g.findings);
}
