import type { Finding } from '../../findings';
import { NO_SETTINGS } from '../gateSettings';
import type { CandidateFile, GateContext } from '../gate';
import { codeFacts } from './codeFacts';
import { FileRule, isTestPath, ruleFinding } from './ruleSupport';
import { referencePattern, WorkspaceTexts } from './workspaceText';

/**
 * Missing tests: a public function the patch adds that no test-like file (`*test*`, `*spec*`,
 * files under tests/ or spec/ folders) mentions, the candidate's own new tests included. A
 * warning: it raises the patch's risk, it does not block it.
 */
export class MissingTestsRule extends FileRule {
  readonly id = 'missing-tests';
  readonly settings = NO_SETTINGS;

  protected async checkFile(file: CandidateFile, ctx: GateContext, all: readonly CandidateFile[]): Promise<Finding[]> {
    if (isTestPath(file.path)) return [];
    const after = await codeFacts(file.language, file.after!);
    if (!after?.publicSymbols) return [];
    const before = file.before === undefined ? undefined : await codeFacts(file.language, file.before);
    const had = new Set((before?.publicSymbols ?? []).map((s) => s.name));
    const added = after.publicSymbols.filter(
      (s) => s.kind === 'function' && !had.has(s.name) && !/^__\w+__$/.test(s.identifier) && s.identifier !== 'constructor',
    );
    if (added.length === 0) return [];

    const texts = new WorkspaceTexts(ctx, all);
    const untested = new Map(added.map((s) => [s.name, s]));
    for await (const [, text] of texts.sources(isTestPath)) {
      for (const [name, sym] of untested) {
        if (text.includes(sym.identifier) && referencePattern(sym.identifier, false).test(text)) untested.delete(name);
      }
      if (untested.size === 0) break;
    }
    return [...untested.values()].map((s) =>
      ruleFinding(
        this.id,
        file.path,
        s.line,
        `New public function ${s.name} has no test: no test file mentions ${s.identifier}. Add a test for it, or expect a higher risk score.`,
        { severity: 'warning' },
      ),
    );
  }
}

export function createMissingTestsRule(): MissingTestsRule {
  return new MissingTestsRule();
}
