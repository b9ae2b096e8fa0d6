import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Loaded before every unit test (.mocharc.json): the CLI keeps its store key and user config under
 * XDG_CONFIG_HOME, and a test must neither read the machine's nor leave one behind. Child
 * processes the tests start inherit it.
 */
const dir = mkdtempSync(join(tmpdir(), 'rg-test-config-'));
process.env.XDG_CONFIG_HOME = dir;
delete process.env.REFACTOR_GUARD_KEY_FILE;
delete process.env.REFACTOR_GUARD_CONFIG;
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
