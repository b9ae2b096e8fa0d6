import type { Finding, FindingCategory } from '../../findings';
import { throwIfAborted } from '../../ports';
import type { CandidateFile, Gate, GateContext, GateResult } from '../gate';
import type { NoSettings, SettingsSlice } from '../gateSettings';
import { crashFinding } from '../gateSupport';
import { errorLine } from '../../errorLine';

/**
 * What every guard rule shares: one gate per rule named `rule:<id>`, findings with that tool name
 * and an explanation in the message, a crash in one file reported as a finding for that file.
 */

export interface RuleFindingOptions {
  severity?: Finding['severity'];
  category?: Extract<FindingCategory, 'rule' | 'contract_violation'>;
  column?: number;
  excerpt?: string;
}

/** A rule's finding. Rules compare before and after themselves, so what they report is introduced. */
export function ruleFinding(id: string, file: string, line: number, message: string, opts: RuleFindingOptions = {}): Finding {
  return {
    tool: `rule:${id}`,
    code: id,
    category: opts.category ?? 'rule',
    severity: opts.severity ?? 'error',
    file,
    line: Math.max(1, line),
    column: Math.max(1, opts.column ?? 1),
    message,
    introduced: true,
    ...(opts.excerpt !== undefined ? { excerpt: opts.excerpt } : {}),
  };
}

/** A rule that looks at each changed file on its own. */
export abstract class FileRule<S = NoSettings> implements Gate<S> {
  abstract readonly id: string;
  readonly stage = 'rules';
  abstract readonly settings: SettingsSlice<S>;

  get name(): string {
    return `rule:${this.id}`;
  }

  /** Findings for one file; only called for files that exist after the patch unless `includeDeleted`. */
  protected abstract checkFile(file: CandidateFile, ctx: GateContext<S>, all: readonly CandidateFile[]): Promise<Finding[]> | Finding[];

  protected readonly includeDeleted: boolean = false;

  async check(files: readonly CandidateFile[], ctx: GateContext<S>): Promise<GateResult> {
    const started = performance.now();
    const findings: Finding[] = [];
    for (const file of files) {
      throwIfAborted(ctx.signal);
      if (file.after === undefined && !this.includeDeleted) continue;
      try {
        findings.push(...(await this.checkFile(file, ctx, files)));
      } catch (err) {
        throwIfAborted(ctx.signal);
        findings.push(crashFinding(this.name, file.path, `Rule ${this.id} failed on this file: ${errorLine(err)}`));
      }
    }
    return { gate: this.name, findings, durationMs: performance.now() - started };
  }
}

/** Instructions that ask for a rewrite may change most of a file. */
const REWRITE =
  /\b(?:re-?writ(?:e|es|ing|ten)|from scratch|replace the (?:whole|entire)|convert(?:s|ed|ing)?|port(?:s|ed|ing)? (?:it |this |the )?to|migrat(?:e|es|ed|ing)|translat(?:e|es|ed|ing)|re-?implement|overhaul|restructur(?:e|ing)|reorganiz(?:e|ing)|reformat)\b/i;
/** Instructions that ask for code to go away may shrink a file. */
const REMOVAL =
  /\b(?:remov(?:e|es|ed|ing)|delet(?:e|es|ed|ing)|drop(?:s|ped|ping)?|strip|trim|shorten|simplif(?:y|ies|ied)|extract|split|mov(?:e|es|ed|ing)|clean(?:ed|ing)? up|prune|deduplicate|dedupe|cut)\b/i;

export function asksForRewrite(instruction: string): boolean {
  return REWRITE.test(instruction);
}

export function asksForRemoval(instruction: string): boolean {
  return REMOVAL.test(instruction) || REWRITE.test(instruction);
}

export function lines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export function nonBlankCount(text: string): number {
  return lines(text).filter((l) => l.trim() !== '').length;
}

/** Test-like paths: *test*, *spec*, and files under tests/, test/, __tests__/, spec/ folders. */
export function isTestPath(path: string): boolean {
  const lower = path.toLowerCase();
  if (/(?:^|\/)(?:tests?|__tests__|specs?|testing)\//.test(lower)) return true;
  const base = lower.slice(lower.lastIndexOf('/') + 1);
  return /test|spec/.test(base);
}

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
