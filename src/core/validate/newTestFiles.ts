import type { Finding } from '../findings';
import type { CandidateFile } from './gate';
import { isTestPath } from './rules/ruleSupport';

/**
 * A new test file must run a test. A file the test command never picks up (named outside its
 * pattern), or one whose tests are all skipped or missing, passes a suite that was green before,
 * and a reviewer would read the green run as proof. Judged, best evidence first, by:
 * - coverage of the run: did any function body of the test file execute (a test callback ran)?
 * - node's test runner, which reports a file that registered no test as a passing "test" named by
 *   the file's path;
 * - the runner's test count: no more tests with the patch than without it.
 * Where none of these can tell, the gate says so (a warning) rather than pass it silently.
 */

export type Verdict = { ran: true } | { ran: false; why: string } | { ran: 'unknown'; why: string };

export interface RunOutput {
  output: string;
}

/** Files the candidate creates that are test files, and the changed files the run names as its tests. */
export function newTestFiles(files: readonly CandidateFile[], named: readonly string[] = []): string[] {
  return files
    .filter((f) => f.after !== undefined && (named.includes(f.path) || (f.before === undefined && isTestPath(f.path))))
    .map((f) => f.path);
}

export function judgeNewTestFiles(
  paths: readonly string[],
  baseline: RunOutput,
  after: RunOutput,
  coverage: ReadonlyMap<string, { ranFunctionBody: boolean }> | undefined,
): Map<string, Verdict> {
  const verdicts = new Map<string, Verdict>();
  const before = testCount(baseline.output);
  const now = testCount(after.output);
  for (const file of paths) {
    const measured = coverage?.get(file);
    if (measured) {
      verdicts.set(
        file,
        measured.ranFunctionBody
          ? { ran: true }
          : { ran: false, why: 'coverage shows that none of its functions ran, so no test in it ran' },
      );
      continue;
    }
    if (nodeReportsEmptyFile(after.output, file)) {
      verdicts.set(file, { ran: false, why: "node's test runner loaded it and found no test in it" });
      continue;
    }
    if (now === 0) {
      verdicts.set(file, { ran: false, why: 'the runner reports no test at all' });
      continue;
    }
    if (before !== undefined && now !== undefined) {
      if (now <= before) verdicts.set(file, { ran: false, why: `the runner reports ${now} tests with it and ${before} without it` });
      else if (paths.length === 1) verdicts.set(file, { ran: true });
      else verdicts.set(file, { ran: 'unknown', why: 'the runner counts tests, but not per file, and the patch adds several test files' });
      continue;
    }
    verdicts.set(file, { ran: 'unknown', why: 'neither coverage nor the test output tells which tests ran' });
  }
  return verdicts;
}

export function verdictFindings(verdicts: ReadonlyMap<string, Verdict>, command: string): Finding[] {
  const findings: Finding[] = [];
  for (const [file, v] of verdicts) {
    if (v.ran === true) continue;
    const base = { tool: 'tests', file, line: 1, column: 1, introduced: true } as const;
    if (v.ran === false) {
      findings.push({
        ...base,
        code: 'no-tests',
        category: 'test_failure',
        severity: 'error',
        message: `The new test file ${file} runs no test with \`${command}\`: ${v.why}. Write tests that the command finds and runs.`,
      });
    } else {
      findings.push({
        ...base,
        code: 'tests-unverified',
        category: 'other',
        severity: 'warning',
        message: `Could not tell whether the new test file ${file} runs a test: ${v.why}.`,
      });
    }
  }
  return findings;
}

/** The tests the run reports, where the output has a total: node's TAP and spec reporters, pytest, unittest, mocha, jest. */
export function testCount(output: string): number | undefined {
  const text = output.replace(/\u001b\[[0-9;]*m/g, '');
  const node = /^(?:# |ℹ )tests (\d+)$/m.exec(text);
  if (node) return Number(node[1]);
  const unittest = /^Ran (\d+) tests? in [\d.]+s$/m.exec(text);
  if (unittest) return Number(unittest[1]);
  const jest = /^Tests:\s+.*?(\d+) total/m.exec(text);
  if (jest) return Number(jest[1]);
  const mocha = /^\s+(\d+) passing \(\d+m?s\)$/m.exec(text);
  if (mocha) {
    const failing = /^\s+(\d+) failing$/m.exec(text);
    return Number(mocha[1]) + (failing ? Number(failing[1]) : 0);
  }
  if (/^=+ no tests ran\b.*=+$/m.test(text)) return 0;
  const pytest =
    /^=+ (.*\b(?:passed|failed|errors?)\b.*) in [\d.]+s.* =+$/m.exec(text) ?? /^((?:\d+ \w+)(?:, \d+ \w+)*) in [\d.]+s/m.exec(text);
  if (pytest) {
    let n = 0;
    for (const m of pytest[1]!.matchAll(/(\d+) (passed|failed|errors?|xfailed|xpassed)/g)) n += Number(m[1]);
    return n;
  }
  return undefined;
}

/** Node 20's runner, for a file that registered no test, reports `ok N - <the file's path>`. */
function nodeReportsEmptyFile(output: string, file: string): boolean {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (
    new RegExp(`^\\s*ok \\d+ - (?:\\./)?${escaped}\\s*$`, 'm').test(output) || new RegExp(`^✔ (?:\\./)?${escaped} \\(`, 'm').test(output)
  );
}
