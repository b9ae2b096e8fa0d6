import type { Finding } from '../../findings';
import type { CandidateFile, GateContext } from '../gate';
import { settingsSlice, type SettingsOf } from '../gateSettings';
import { codeFacts, type FunctionFact } from './codeFacts';
import { FileRule, ruleFinding } from './ruleSupport';

const COMPLEXITY_SETTINGS = settingsSlice('rules.complexityBudget');

/**
 * Complexity budget: the cyclomatic complexity of each function the patch adds or changes, from
 * the syntax tree (one plus each if, loop, case, catch, ?:, && and ||), against
 * `rules.complexityBudget`. A changed function over the budget blocks when it is new, was within
 * the budget before, or grew; one already over it that did not grow is only a warning.
 */
export class ComplexityRule extends FileRule<SettingsOf<typeof COMPLEXITY_SETTINGS>> {
  readonly id = 'complexity';
  readonly settings = COMPLEXITY_SETTINGS;

  protected async checkFile(file: CandidateFile, ctx: GateContext<SettingsOf<typeof COMPLEXITY_SETTINGS>>): Promise<Finding[]> {
    const budget = ctx.settings['rules.complexityBudget'];
    const after = await codeFacts(file.language, file.after!, file.before);
    if (!after) return [];
    const before = file.before === undefined ? undefined : await codeFacts(file.language, file.before);
    const old = new Map<string, FunctionFact>();
    for (const f of before?.functions ?? []) if (!old.has(f.name)) old.set(f.name, f);

    const findings: Finding[] = [];
    for (const fn of after.functions) {
      const prior = old.get(fn.name);
      if (prior && prior.text === fn.text) continue;
      if (fn.complexity <= budget) continue;
      const where = `${fn.name} (line ${fn.line})`;
      if (!prior || prior.complexity <= budget) {
        findings.push(
          ruleFinding(
            this.id,
            file.path,
            fn.line,
            `complexity ${fn.complexity}, budget ${budget}: ${where} ${prior ? `went from ${prior.complexity} to ${fn.complexity}` : 'is new'} and has too many branches (rules.complexityBudget). Split it into smaller functions or simplify its conditions.`,
          ),
        );
      } else if (fn.complexity > prior.complexity) {
        findings.push(
          ruleFinding(
            this.id,
            file.path,
            fn.line,
            `complexity ${fn.complexity}, budget ${budget}: ${where} was already over the budget at ${prior.complexity} and the patch made it grow. Keep it at ${prior.complexity} or lower.`,
          ),
        );
      } else {
        findings.push(
          ruleFinding(
            this.id,
            file.path,
            fn.line,
            `complexity ${fn.complexity}, budget ${budget}: ${where} was already over the budget (${prior.complexity}) and did not grow.`,
            { severity: 'warning' },
          ),
        );
      }
    }
    return findings;
  }
}

export function createComplexityRule(): ComplexityRule {
  return new ComplexityRule();
}
