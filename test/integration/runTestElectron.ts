/**
 * The same integration suites in a VS Code that @vscode/test-electron downloads: for machines that
 * can reach update.code.visualstudio.com (a developer's laptop, hosted CI). It cannot run on the
 * offline build machines, where scripts/vscode-test.mjs runs them in code-server instead.
 *
 *   npx tsx test/integration/runTestElectron.ts [--version 1.95.0|stable|insiders]
 *
 * Without --version it runs against the minimum engine (package.json engines.vscode) and stable,
 * as rust-analyzer's client does, so a use of an API newer than the declared minimum fails here.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

interface Prepared {
  folder: string;
  /** The extension, then the test language model extension. */
  extensionDevelopmentPath: string[];
  extensionTestsPath: string;
  workspace: string;
}

const root = path.resolve(__dirname, '..', '..');

function prepare(): Prepared {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'vscode-test.mjs'), '--prepare-only'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error('Preparing the run folder failed (see above).');
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Prepared;
}

function minimumVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { vscode: string } };
  return pkg.engines.vscode.replace(/^[\^~>=]+/, '');
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--version');
  const versions = at >= 0 ? [process.argv[at + 1]!] : [minimumVersion(), 'stable'];
  const prepared = prepare();
  try {
    for (const version of versions) {
      process.stderr.write(`test-electron: VS Code ${version}\n`);
      await runTests({
        version,
        extensionDevelopmentPath: prepared.extensionDevelopmentPath,
        extensionTestsPath: prepared.extensionTestsPath,
        launchArgs: [prepared.workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      });
    }
  } finally {
    rmSync(prepared.folder, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`test-electron: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
