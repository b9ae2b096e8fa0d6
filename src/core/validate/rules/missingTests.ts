import type { Finding } from '../../findings';
import { NO_SETTINGS } from '../gateSettings';
import type { CandidateFile, GateContext } from '../gate';
import type { CoverageResult, FileCoverage } from '../coverage/lineCoverage';
import { codeFacts, type SymbolFact } from './codeFacts';
import { FileRule, isTestPath, ruleFinding } from './ruleSupport';
import { referencePattern, WorkspaceTexts } from './workspaceText';

/**
 * Missing tests: a public function the patch adds that no test-like file (`*test*`, `*spec*`,
 * files under tests/ or spec/ folders) mentions, the candidate's own new tests included. A
 * warning: it raises the patch's risk, it does not block it. Where the test gate measured
 * coverage of the file, that decides instead (`withCoverage`): a function a test runs is tested
 * whatever its name, and one no test runs is not, however often a test file names it.
 */
export class MissingTestsRule extends FileRule {
  readonly id = 'missing-tests';
  readonly settings = NO_SETTINGS;

  protected async checkFile(file: CandidateFile, ctx: GateContext, all: readonly CandidateFile[]): Promise<Finding[]> {
    const added = await addedFunctions(file);
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

/** New public functions of a (non-test) file, with their body lines. */
async function addedFunctions(file: CandidateFile): Promise<(SymbolFact & { body: number[] })[]> {
  if (isTestPath(file.path) || file.after === undefined) return [];
  const after = await codeFacts(file.language, file.after, file.before);
  if (!after?.publicSymbols) return [];
  const before = file.before === undefined ? undefined : await codeFacts(file.language, file.before);
  const had = new Set((before?.publicSymbols ?? []).map((s) => s.name));
  return after.publicSymbols
    .filter((s) => s.kind === 'function' && !had.has(s.name) && !/^__\w+__$/.test(s.identifier) && s.identifier !== 'constructor')
    .map((s) => {
      const fn = after.functions.find((f) => f.line === s.line && f.identifier === s.identifier);
      // The lines between the signature and the closing line: the declaration line itself runs
      // when the module loads, so it says nothing about a test.
      const body: number[] = [];
      if (fn) for (let l = fn.line + 1; l < fn.endLine; l++) body.push(l);
      return { ...s, body };
    });
}

/**
 * The rule's findings again with the test run's coverage: for each file coverage measured, a new
 * public function is tested when a line of its body ran. Files not measured, and one-line
 * functions (whose body shares the declaration's line), keep the name-based findings.
 */
export async function withCoverage(
  findings: readonly Finding[],
  files: readonly CandidateFile[],
  coverage: CoverageResult,
): Promise<Finding[]> {
  const out = [...findings];
  for (const file of files) {
    const measured: FileCoverage | undefined = coverage.files.get(file.path);
    if (!measured) continue;
    for (const fn of await addedFunctions(file)) {
      const code = fn.body.filter((l) => !measured.executable || measured.executable.has(l));
      if (code.length === 0) continue;
      const ran = code.some((l) => measured.executed.has(l));
      const i = out.findIndex((f) => f.file === file.path && f.line === fn.line && f.code === 'missing-tests');
      if (i >= 0) out.splice(i, 1);
      if (!ran)
        out.push(
          ruleFinding(
            'missing-tests',
            file.path,
            fn.line,
            `New public function ${fn.name} is run by no test (coverage of the test run). Add a test for it, or expect a higher risk score.`,
            { severity: 'warning' },
          ),
        );
    }
  }
  return out;
}

export function createMissingTestsRule(): MissingTestsRule {
  return new MissingTestsRule();
}
