import { formatFinding, isBlocking } from '../../core/findings';
import { languageOf } from '../../core/languages';
import { decode } from '../../core/edits/textFormat';
import { NodeProcessRunner } from '../../core/host/nodeProcessRunner';
import { createGates, runGates } from '../../core/validate/pipeline';
import type { CandidateFile } from '../../core/validate/gate';
import { gateSettingsOf } from '../../core/validate/gateSettings';
import { silentLogger } from '../../core/ports';
import { EXIT, usage } from '../errors';
import type { CliIO } from '../io';
import { table } from '../table';
import { cliSettings, openWorkspace, targetPath } from '../workspace';

/**
 * `validate FILE...`: the gates on files as they are. Each file is checked as if it were new, so
 * every error counts; guard rules and the test gate judge changes, so they do not run here.
 */
export async function validateCommand(paths: string[], flags: { workspace?: string; json?: boolean }, io: CliIO): Promise<number> {
  if (paths.length === 0) throw usage('Name at least one file to validate.');
  const ws = openWorkspace(flags.workspace);
  const settings = cliSettings(ws, {}, { env: io.env, warn: io.err });
  const results: {
    path: string;
    language: string | null;
    valid: boolean;
    findings: ReturnType<typeof formatFinding>[] | unknown[];
    error?: string;
  }[] = [];
  const candidates: CandidateFile[] = [];
  const order: string[] = [];
  for (const p of paths) {
    const rel = targetPath(ws, p);
    order.push(rel);
    const bytes = await ws.files.read(rel);
    if (bytes === undefined) throw usage(`${p} does not exist in ${ws.root}.`);
    try {
      const { text } = decode(bytes);
      candidates.push({ path: rel, language: languageOf(rel), before: undefined, after: text });
    } catch (err) {
      results.push({ path: rel, language: languageOf(rel) ?? null, valid: false, findings: [], error: (err as Error).message });
    }
  }
  const gates = createGates(settings, { trusted: false, only: ['syntax', 'typescript', 'ruff', 'pyright'] });
  const gateRuns = await runGates(gates, candidates, {
    files: ws.files,
    processes: new NodeProcessRunner(),
    logger: silentLogger,
    instruction: '',
    trusted: false,
    settings: gateSettingsOf(settings),
  });
  for (const g of gates) g.dispose?.();
  const findings = gateRuns.flatMap((g) => g.findings);
  for (const c of candidates) {
    const own = findings.filter((f) => f.file === c.path);
    results.push({ path: c.path, language: c.language ?? null, valid: !own.some(isBlocking), findings: own });
  }
  results.sort((a, b) => order.indexOf(a.path) - order.indexOf(b.path));
  const allValid = results.every((r) => r.valid);
  if (flags.json) {
    io.out(
      JSON.stringify(
        {
          valid: allValid,
          files: results,
          gates: gateRuns.map((g) => ({ gate: g.gate, durationMs: g.durationMs, skipped: g.skipped, checker: g.checker })),
        },
        null,
        2,
      ),
    );
  } else {
    io.out(
      table(
        ['file', 'language', 'valid', 'findings'],
        results.map((r) => [r.path, r.language ?? '-', r.valid ? 'yes' : 'no', String(r.error ? 1 : r.findings.length)]),
      ),
    );
    for (const r of results) {
      if (r.error) io.out(`  ${r.path}: ${r.error}`);
      for (const f of r.findings as Parameters<typeof formatFinding>[0][]) io.out(`  ${formatFinding(f)}`);
    }
  }
  return allValid ? EXIT.ok : EXIT.failed;
}
