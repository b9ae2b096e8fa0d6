import type { Finding } from '../findings';
import { throwIfAborted } from '../ports';
import type { CandidateFile, Gate, GateContext, GateResult } from './gate';
import { settingsSlice, type SettingsOf } from './gateSettings';
import { classify } from './classify';
import { markIntroducedThroughEdit } from './introduced';
import { crashFinding, excerptAt } from './gateSupport';
import { errorLine } from '../errorLine';
import { COMPILE_ERROR_RULES } from './parsers/pythonParser';
import { ruffCheck, RUFF_SYNTAX_CODE } from './ruffWasm';
import { pythonTargetVersion } from './pythonTarget';

type RawFinding = Omit<Finding, 'introduced'>;

/**
 * Codes reported as warnings: they raise risk but never block. An unused import or variable is
 * untidy, not broken, and models often leave one while repairing something else. Star imports
 * (F403) and names that "may be undefined" through one (F405), an f-string without placeholders
 * (F541) and a redefinition (F811) are legal Python that runs: the standard library itself has
 * hundreds of them, so blocking on them would reject working code.
 */
const RUFF_WARNINGS: ReadonlySet<string> = new Set(['F401', 'F841', 'F403', 'F405', 'F541', 'F811']);

const RUFF_GATE_SETTINGS = settingsSlice('ruffSelect', 'pythonVersion');
type RuffSettings = SettingsOf<typeof RUFF_GATE_SETTINGS>;

/** Codes the syntax gate already reports through the same ruff parser. */
const SYNTAX_GATE_CODES = new Set<string>([RUFF_SYNTAX_CODE, ...COMPILE_ERROR_RULES]);

export interface RuffGateOptions {
  /**
   * Also report parse errors. Off by default because the syntax gate reports them from the same
   * parser; the pipeline turns it on when the syntax gate is switched off.
   */
  reportSyntax?: boolean;
}

/**
 * The Python lint gate: ruff (wasm, in-process) on each Python file before and after the patch.
 * Settings: `ruffSelect` (rule selectors), `pythonVersion`.
 */
export class RuffGate implements Gate<RuffSettings> {
  readonly name = 'ruff';
  readonly stage = 'semantic';
  readonly settings = RUFF_GATE_SETTINGS;
  private readonly reportSyntax: boolean;

  constructor(options: RuffGateOptions = {}) {
    this.reportSyntax = options.reportSyntax ?? false;
  }

  async check(files: readonly CandidateFile[], ctx: GateContext<RuffSettings>): Promise<GateResult> {
    const started = performance.now();
    const python = files.filter((f) => f.language === 'python' && f.after !== undefined);
    if (python.length === 0) return { gate: this.name, findings: [], durationMs: performance.now() - started, skipped: 'no Python files' };
    const select = ctx.settings.ruffSelect;
    const warnings = RUFF_WARNINGS;
    const targetVersion = await pythonTargetVersion(ctx);
    const findings: Finding[] = [];
    for (const file of python) {
      throwIfAborted(ctx.signal);
      try {
        const after = await this.lint(file.path, file.after!, select, warnings, targetVersion);
        const before = file.before === undefined ? [] : await this.lint(file.path, file.before, select, warnings, targetVersion);
        findings.push(...markIntroducedThroughEdit(before, after, file.before, file.after));
      } catch (err) {
        findings.push(crashFinding(this.name, file.path, `ruff failed: ${errorLine(err)}`));
      }
    }
    return { gate: this.name, findings, durationMs: performance.now() - started };
  }

  private async lint(
    path: string,
    text: string,
    select: readonly string[],
    warnings: ReadonlySet<string>,
    targetVersion: string,
  ): Promise<RawFinding[]> {
    const diagnostics = await ruffCheck(text, { select, targetVersion });
    const out: RawFinding[] = [];
    for (const d of diagnostics) {
      if (!this.reportSyntax && SYNTAX_GATE_CODES.has(d.code)) continue;
      out.push({
        tool: 'ruff',
        code: d.code,
        category: classify('ruff', d.code, d.message),
        severity: warnings.has(d.code) ? 'warning' : 'error',
        file: path,
        line: Math.max(1, d.row),
        column: Math.max(1, d.column),
        message: d.message,
        excerpt: excerptAt(text, d.row),
      });
    }
    return out;
  }
}

export function createRuffGate(options: RuffGateOptions = {}): RuffGate {
  return new RuffGate(options);
}
