import { decode } from '../edits/textFormat';
import type { WorkspaceFiles } from '../ports';

/** npm's placeholder for a project without tests: `npm test` would only fail. */
const NPM_PLACEHOLDER = /no test specified/i;

/**
 * The project's own way to run its tests, when no test command is set: `npm test` where
 * package.json has a real test script, pytest where the Python project configures it. Nothing is
 * guessed beyond what the project declares: a wrong command would only make every test "fail".
 */
export async function detectTestCommand(files: WorkspaceFiles): Promise<string | undefined> {
  const pkg = await text(files, 'package.json');
  if (pkg !== undefined) {
    try {
      const script = (JSON.parse(pkg) as { scripts?: Record<string, unknown> }).scripts?.test;
      if (typeof script === 'string' && script.trim() && !NPM_PLACEHOLDER.test(script)) return 'npm test';
    } catch {
      // An unreadable package.json declares nothing.
    }
  }
  if ((await text(files, 'pytest.ini')) !== undefined) return 'python3 -m pytest -q';
  const pyproject = await text(files, 'pyproject.toml');
  if (pyproject !== undefined && /^\[tool\.pytest\.ini_options\]/m.test(pyproject)) return 'python3 -m pytest -q';
  const setupCfg = await text(files, 'setup.cfg');
  if (setupCfg !== undefined && /^\[tool:pytest\]/m.test(setupCfg)) return 'python3 -m pytest -q';
  return undefined;
}

async function text(files: WorkspaceFiles, path: string): Promise<string | undefined> {
  const bytes = await files.read(path);
  if (bytes === undefined) return undefined;
  try {
    return decode(bytes).text;
  } catch {
    return undefined;
  }
}
