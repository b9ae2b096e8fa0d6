import * as path from 'node:path';
import type { Finding } from '../findings';
import { throwIfAborted, type ProcessResult } from '../ports';
import { killMarked, newRunMark, SWEEP_VARIABLE } from '../host/processSweep';
import { SECRET_VARIABLES } from '../host/secretFiles';
import { bubblewrapCommand, probeBubblewrap } from './bubblewrap';
import type { CandidateFile, Gate, GateContext, GateResult } from './gate';
import { settingsSlice, type SettingsOf } from './gateSettings';
import { errorLine } from '../errorLine';
import { collapseWhitespace } from '../text';
import { Sandbox, SandboxError, scanWorkspace, type SandboxOptions, type WorkspaceScan } from './sandbox';
import { failureExcerpt, outputTail, parseTestOutput, type TestFailure, type TestReport } from './testReports';
import { judgeNewTestFiles, newTestFiles, verdictFindings } from './newTestFiles';
import { prepareCoverage, type CoverageResult } from './coverage/lineCoverage';

export const TEST_GATE_SETTINGS = settingsSlice('testCommand', 'testTimeoutSeconds', 'testMemoryMb', 'sandboxIsolation', 'testCoverage');
type TestGateContext = GateContext<SettingsOf<typeof TEST_GATE_SETTINGS>>;

export interface TestGateOptions {
  /** Largest workspace the sandbox copies (default 512 MiB); tests make it small to see the refusal. */
  sizeCapMb?: number;
  /** Folders linked into the sandbox rather than copied (default: the dependency folders). */
  linkedDirs?: readonly string[];
}

interface TestRun {
  result: ProcessResult;
  report: TestReport;
  /** stdout then stderr, with the sandbox's path made relative. */
  output: string;
  /** Lines of the candidate's files the run executed, when it was measured (the candidate's run only). */
  coverage?: CoverageResult;
}

/**
 * How a test run is kept from the user's files: under bubblewrap (linked dependency folders stay
 * read-only, no network), or, where bubblewrap cannot run, with the dependency folders copied
 * rather than linked (`why` says which).
 */
type Isolation = { kind: 'bubblewrap' } | { kind: 'copy'; why: string };

/**
 * The test gate: the project's own test command, run in a sandbox copy of the workspace, first on
 * the untouched copy (the baseline, cached per workspace state) and then with the candidate
 * written in. Only tests that passed before and fail after block; a suite that was already red
 * does not hold a patch hostage.
 *
 * Settings: `testCommand`, `testTimeoutSeconds`, `testMemoryMb` (memory per test run: the data
 * segment of each process, and node's heap), `sandboxIsolation` ('auto': bubblewrap where it
 * works, else copies; 'copy': never bubblewrap).
 */
export class TestGate implements Gate<TestGateContext['settings']> {
  readonly name = 'tests';
  readonly stage = 'tests';
  readonly settings = TEST_GATE_SETTINGS;
  private readonly baselines = new Map<string, TestRun>();

  constructor(private readonly options: TestGateOptions = {}) {}

  async check(files: readonly CandidateFile[], ctx: TestGateContext): Promise<GateResult> {
    const started = performance.now();
    const done = (findings: Finding[], skipped?: string, coverage?: CoverageResult): GateResult => ({
      gate: this.name,
      findings,
      durationMs: performance.now() - started,
      ...(skipped ? { skipped } : {}),
      ...(coverage ? { coverage } : {}),
    });
    const command = ctx.settings.testCommand.trim();
    if (!command) return done([], 'no test command');
    if (!ctx.trusted) return done([], 'workspace is not trusted');
    if (!ctx.processes) return done([], 'no process runner');
    const isolation = await chooseIsolation(ctx.settings.sandboxIsolation, ctx);

    const sandboxOptions: SandboxOptions = {
      ...(this.options.sizeCapMb !== undefined ? { sizeCapBytes: this.options.sizeCapMb * 1024 * 1024 } : {}),
      ...(this.options.linkedDirs ? { linkedDirs: this.options.linkedDirs } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      copyLinkedDirs: isolation.kind === 'copy',
    };
    let scan: WorkspaceScan;
    try {
      scan = await scanWorkspace(ctx.files.root, sandboxOptions);
    } catch (err) {
      if (!(err instanceof SandboxError)) throw err;
      const message = isolation.kind === 'copy' ? `${err.message} Dependency folders are copied because ${isolation.why}.` : err.message;
      return done([gateFinding('sandbox', message, 'warning', files)], 'workspace too large for the sandbox');
    }
    // From here the tests run: a run without bubblewrap says so, once, whatever its outcome.
    // Not introduced: the patch did not cause it, so it neither raises the risk nor goes to the model.
    const ran = (findings: Finding[], skipped?: string, coverage?: CoverageResult): GateResult =>
      done(
        isolation.kind === 'copy'
          ? [...findings, { ...gateFinding('sandbox-copy', copyNote(isolation.why), 'warning', files), introduced: false }]
          : findings,
        skipped,
        coverage,
      );

    const key = `${scan.fingerprint}\0${isolation.kind}\0${command}`;
    let baseline = this.baselines.get(key);
    if (!baseline) {
      baseline = await this.runIn(scan, undefined, command, isolation, ctx);
      throwIfAborted(ctx.signal);
      this.baselines.set(key, baseline);
      while (this.baselines.size > 8) this.baselines.delete(this.baselines.keys().next().value!);
    }
    const timeoutS = Math.round(ctx.settings.testTimeoutSeconds);
    if (baseline.result.timedOut) {
      const message = `The tests did not finish within ${timeoutS} s even without the patch, so they cannot judge it.`;
      return ran([gateFinding('baseline-timeout', message, 'warning', files)], 'tests time out without the patch');
    }

    let after: TestRun;
    try {
      after = await this.runIn(scan, files, command, isolation, ctx);
    } catch (err) {
      if (!(err instanceof SandboxError)) throw err;
      return ran([gateFinding('sandbox', err.message, 'error', files)]);
    }
    throwIfAborted(ctx.signal);
    const fresh = newTestFiles(files, ctx.testFiles);
    const broken = compareRuns(baseline, after, files, timeoutS, new Set(fresh));
    // A run that timed out or broke as a whole says nothing about which tests ran.
    const judged =
      after.result.timedOut || fresh.length === 0
        ? []
        : verdictFindings(judgeNewTestFiles(fresh, baseline, after, after.coverage?.files), command);
    return ran([...broken, ...judged, ...unmeasuredNote(after.coverage, files)], undefined, after.coverage);
  }

  /** Copies the workspace, writes the candidate (if any), runs the command, removes the copy. */
  private async runIn(
    scan: WorkspaceScan,
    files: readonly CandidateFile[] | undefined,
    command: string,
    isolation: Isolation,
    ctx: TestGateContext,
  ): Promise<TestRun> {
    const sandbox = await Sandbox.create(scan, ctx.signal);
    try {
      if (files) await sandbox.writeCandidate(files);
      const memoryMb = ctx.settings.testMemoryMb;
      const nodeOptions = [process.env.NODE_OPTIONS ?? '', `--max-old-space-size=${memoryMb}`].join(' ').trim();
      // Both runs measure, so both run alike (coverage slows a suite; a suite near its time limit
      // must not time out only with the patch); only the candidate's lines are read.
      const coverage = ctx.settings.testCoverage
        ? await prepareCoverage({
            sandboxRoot: sandbox.realRoot,
            aliases: [sandbox.root],
            files: (files ?? []).flatMap((f) => (f.after === undefined ? [] : [{ path: f.path, text: f.after }])),
          })
        : undefined;
      const env: Record<string, string> = {
        CI: 'true',
        NO_COLOR: '1',
        FORCE_COLOR: '0',
        PYTHONDONTWRITEBYTECODE: '1',
        NODE_OPTIONS: nodeOptions,
        ...coverage?.env,
      };
      // Only the first sitecustomize on the path runs: ours goes first, the user's path after it.
      if (coverage?.env.PYTHONPATH && process.env.PYTHONPATH)
        env.PYTHONPATH = `${coverage.env.PYTHONPATH}${path.delimiter}${process.env.PYTHONPATH}`;
      // Model-written code runs here, and what it prints is quoted to the model and the record: none of our credentials.
      const common = {
        cwd: sandbox.root,
        timeoutMs: ctx.settings.testTimeoutSeconds * 1000,
        unsetEnv: SECRET_VARIABLES,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      };
      let result: ProcessResult;
      if (isolation.kind === 'bubblewrap') {
        // No shell outside: the user's command meets its shell only inside the sandbox.
        const bwrap = await bubblewrapCommand(sandbox.realRoot, scan.root, limitMemory(command, memoryMb));
        result = await ctx.processes!.run(bwrap.command, { ...common, shell: false, args: bwrap.args, env: { ...env, ...bwrap.env } });
      } else {
        // Without a PID namespace, what a test detached from the process group is found by the
        // marker in its environment and killed once the command is over (processSweep.ts).
        const mark = newRunMark();
        try {
          result = await ctx.processes!.run(limitMemory(command, memoryMb), {
            ...common,
            shell: true,
            env: { ...env, [SWEEP_VARIABLE]: mark },
          });
        } finally {
          await killMarked(mark);
        }
      }
      const output = relativise(relativise(`${result.stdout}\n${result.stderr}`, sandbox.realRoot), sandbox.root);
      const measured = coverage ? await coverage.collect() : undefined;
      if (!files) return { result, report: parseTestOutput(output), output };
      return { result, report: parseTestOutput(output), output, ...(measured ? { coverage: measured } : {}) };
    } finally {
      await sandbox
        .dispose()
        .catch((err: unknown) => ctx.logger.warn(`Could not remove the test sandbox ${sandbox.root}: ${errorLine(err)}`));
    }
  }

  dispose(): void {
    this.baselines.clear();
  }
}

export function createTestGate(options: TestGateOptions = {}): TestGate {
  return new TestGate(options);
}

async function chooseIsolation(setting: 'auto' | 'copy', ctx: TestGateContext): Promise<Isolation> {
  if (setting === 'copy') return { kind: 'copy', why: 'sandboxIsolation is "copy"' };
  const probe = await probeBubblewrap(ctx.processes!);
  return probe.usable ? { kind: 'bubblewrap' } : { kind: 'copy', why: `bubblewrap is not usable: ${probe.reason}` };
}

/**
 * Coverage that could not be measured is said once, with why, and changes nothing else: not
 * introduced, so it neither raises the risk nor goes to the model.
 */
function unmeasuredNote(coverage: CoverageResult | undefined, files: readonly CandidateFile[]): Finding[] {
  if (!coverage || coverage.unmeasured.size === 0) return [];
  const each = [...coverage.unmeasured].map(([file, why]) => `${file} (${why})`);
  const shown = each.length > 5 ? [...each.slice(0, 5), `${each.length - 5} more`] : each;
  return [
    {
      ...gateFinding('coverage-unmeasured', `Coverage of the changed lines was not measured for ${shown.join('; ')}.`, 'warning', files),
      introduced: false,
    },
  ];
}

function copyNote(why: string): string {
  return `The tests ran without an isolating sandbox (${why}): dependency folders were copied, but the tests could still write outside the copy by absolute paths and reach the network.`;
}

/**
 * Caps the data segment of every process the command starts (a runaway test must not take the
 * machine with it). RLIMIT_DATA rather than the address space: V8 and wasm reserve far more
 * address space than they use, and `ulimit -v` makes node fail to start.
 */
export function limitMemory(command: string, memoryMb: number): string {
  if (process.platform === 'win32') return command;
  return `ulimit -d ${Math.round(memoryMb * 1024)} 2>/dev/null; ${command}`;
}

/** Makes the sandbox's absolute paths relative, so names and paths compare across copies. */
function relativise(output: string, root: string): string {
  return output.split(`${root}/`).join('').split(root).join('.');
}

/** Findings for what the candidate broke: tests that passed in the baseline and fail now. */
export function compareRuns(
  baseline: TestRun,
  after: TestRun,
  files: readonly CandidateFile[],
  timeoutS: number,
  newFiles: ReadonlySet<string> = new Set(),
): Finding[] {
  if (after.result.timedOut) {
    const took = Math.max(1, Math.round(baseline.result.durationMs / 1000));
    return [
      gateFinding(
        'timeout',
        `The tests did not finish within ${timeoutS} s with the patch (about ${took} s without it); they were stopped. Last output: ${collapseWhitespace(outputTail(after.output, 5))}`,
        'error',
        files,
      ),
    ];
  }
  const findings: Finding[] = [];
  for (const [name, failure] of after.report.failures) {
    if (baseline.report.failures.has(name)) continue;
    findings.push(testFinding(failure, newFiles));
  }
  const wentRed = baseline.result.exitCode === 0 && after.result.exitCode !== 0;
  // A suite that was already red but reported its tests, and now fails without reporting any
  // (a module every test imports no longer loads), broke as a whole.
  const stoppedReporting = baseline.report.recognized && !after.report.recognized && after.result.exitCode !== 0;
  if (findings.length === 0 && (wentRed || stoppedReporting)) {
    const why = after.report.recognized
      ? 'no newly failing test could be read from its output'
      : baseline.report.recognized
        ? 'it no longer reports its tests as it did without the patch'
        : 'its output is in no format the gate reads';
    findings.push({
      ...gateFinding(
        'exit-code',
        `The test command exited with code ${after.result.exitCode ?? after.result.signal} with the patch (${baseline.result.exitCode ?? baseline.result.signal} without it); ${why}. Its last lines are quoted.`,
        'error',
        files,
      ),
      category: 'test_failure',
      excerpt: failureExcerpt(after.output),
    });
  }
  return findings;
}

function testFinding(f: TestFailure, newFiles: ReadonlySet<string>): Finding {
  const file = f.file ? f.file.replace(/^\.\//, '') : '';
  return {
    tool: 'tests',
    code: f.framework,
    category: 'test_failure',
    severity: 'error',
    file,
    line: f.line && f.line > 0 ? f.line : 1,
    column: 1,
    // A test the patch wrote never passed before; say what is true of it.
    message: newFiles.has(file)
      ? `New test "${f.name}" fails: ${f.message}`
      : `Test "${f.name}" fails after the patch (it passed before): ${f.message}`,
    introduced: true,
  };
}

/** A finding about the test run as a whole, placed on the first changed file. */
function gateFinding(code: string, message: string, severity: Finding['severity'], files: readonly CandidateFile[]): Finding {
  return { tool: 'tests', code, category: 'other', severity, file: files[0]?.path ?? '', line: 1, column: 1, message, introduced: true };
}
