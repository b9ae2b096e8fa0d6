/**
 * The test gate's cost with and without coverage of the changed lines, on the generate sample (a
 * package tested by node's own runner) with one candidate file changed, the baseline already
 * cached as in a repair round. The reference is the project's test command run directly in the
 * same folder in the same run: the gate adds the sandbox copy, the isolation and the comparison,
 * and coverage adds NODE_V8_COVERAGE plus reading its files back.
 */
import { execSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NodeProcessRunner } from '../../src/core/host/nodeProcessRunner';
import { NodeWorkspaceFiles } from '../../src/core/host/nodeWorkspaceFiles';
import { silentLogger } from '../../src/core/ports';
import type { CandidateFile, GateContext } from '../../src/core/validate/gate';
import { parseGateSettings } from '../../src/core/validate/gateSettings';
import { createTestGate } from '../../src/core/validate/testGate';
import { median, type BenchRow } from '../bench';

const FIXTURE = path.join(__dirname, '..', '..', 'test', 'fixtures', 'generate', 'workspace');
const COMMAND = 'node --test';

export default async function testGateBench(): Promise<BenchRow[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'rg-testgate-bench-'));
  try {
    cpSync(FIXTURE, root, { recursive: true });
    const raw = await median(() => execSync(COMMAND, { cwd: root, stdio: 'ignore' }), 5, 1);
    const reference = { name: `\`${COMMAND}\` run directly`, ms: raw };

    const before = readFileSync(path.join(root, 'src', 'slugify.js'), 'utf8');
    const candidate: CandidateFile = {
      path: 'src/slugify.js',
      language: 'javascript',
      before,
      after: before.replace(".join('-');", ".join('-'); // joined"),
    };
    const rows: BenchRow[] = [];
    for (const coverage of [false, true]) {
      const gate = createTestGate();
      const ctx: GateContext = {
        files: new NodeWorkspaceFiles(root),
        processes: new NodeProcessRunner(),
        logger: silentLogger,
        instruction: 'bench',
        trusted: true,
        settings: parseGateSettings({ testCommand: COMMAND, testCoverage: coverage }),
      };
      let isolation = '';
      const ms = await median(
        async () => {
          const r = await gate.check([candidate], ctx);
          isolation = r.findings.some((f) => f.code === 'sandbox-copy') ? 'copied sandbox' : 'bubblewrap';
        },
        5,
        1,
      );
      gate.dispose();
      rows.push({
        name: `test gate, baseline cached, ${coverage ? 'with' : 'without'} coverage`,
        ms,
        reference,
        note: `${isolation}; generate sample, 2 test files`,
      });
    }
    return rows;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
