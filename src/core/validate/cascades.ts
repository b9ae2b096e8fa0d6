import type { Finding } from '../findings';

/** As findings.ts says it; repeated here so the editor's tree can count problems without loading zod. */
const isBlocking = (f: Finding): boolean => f.introduced && f.severity === 'error';

/**
 * One dropped brace makes a parser report eight errors, each a consequence of the first. A person
 * or a model told "8 blocking" looks for eight problems. Syntax findings of one file and one tool
 * that follow each other within a few lines are one problem: its first finding, and how many
 * follow from it. Every finding is still kept in provenance; this is how they are counted and told.
 */

/** Lines within which the next syntax error of the same file and tool counts as a consequence. */
const CASCADE_LINES = 8;

export interface FindingGroup {
  first: Finding;
  /** The findings that follow from the first (none for most). */
  follows: Finding[];
}

/** The findings as problems, in their order: syntax cascades grouped, everything else alone. */
export function groupCascades(findings: readonly Finding[]): FindingGroup[] {
  const groups: FindingGroup[] = [];
  const open = new Map<string, { group: FindingGroup; lastLine: number }>();
  for (const f of findings) {
    if (f.category !== 'syntax' || f.file === '') {
      groups.push({ first: f, follows: [] });
      continue;
    }
    const key = `${f.file}\0${f.tool}\0${isBlocking(f)}`;
    const current = open.get(key);
    if (current && f.line >= current.lastLine && f.line - current.lastLine <= CASCADE_LINES) {
      current.group.follows.push(f);
      current.lastLine = f.line;
      continue;
    }
    const group: FindingGroup = { first: f, follows: [] };
    groups.push(group);
    open.set(key, { group, lastLine: f.line });
  }
  return groups;
}

/** How many blocking problems the findings are, cascades counted once. */
export function blockingProblemCount(findings: readonly Finding[]): number {
  return groupCascades(findings.filter(isBlocking)).length;
}

/** "and 7 more on lines 25-30 that follow from it", for a group that has followers. */
export function followersNote(group: FindingGroup): string {
  if (group.follows.length === 0) return '';
  const last = group.follows[group.follows.length - 1]!.line;
  const where = last === group.first.line ? `on line ${last}` : `on lines ${group.first.line}-${last}`;
  return `and ${group.follows.length} more ${where} that follow from it`;
}
