// `npm run demo`: a full guarded run on a copy of the bundled sample workspace, through the replay
// provider (no API key): the first attempt breaks the syntax, the gate catches it, the repair fixes
// it; then the patch is applied, the provenance chain verified, and the run rolled back to the
// exact original bytes. Every step is the real CLI (dist/cli.js), as a user would type it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'refactor-guard.js');
if (!existsSync(join(root, 'dist', 'cli.js'))) {
  const build = spawnSync(process.execPath, ['--import', 'tsx', 'esbuild.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const workspace = mkdtempSync(join(tmpdir(), 'refactor-guard-demo-'));
cpSync(join(root, 'test', 'fixtures', 'demo', 'workspace'), workspace, { recursive: true });
const transcript = join(root, 'test', 'fixtures', 'demo', 'transcript.json');
const target = join(workspace, 'src', 'userService.ts');
const sha = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const original = sha(target);

function step(title, args, { expect = [0], cwd = workspace } = {}) {
  console.log(`\n\x1b[1m$ refactor-guard ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}\x1b[0m   # ${title}`);
  const r = spawnSync(process.execPath, [cli, ...args, '--workspace', cwd], {
    stdio: 'inherit',
    env: { ...process.env, ANTHROPIC_API_KEY: '' },
  });
  if (!expect.includes(r.status)) {
    console.error(`demo: "${title}" exited ${r.status}, expected ${expect.join(' or ')}`);
    process.exit(1);
  }
}

console.log(`Sample workspace copied to ${workspace}`);
console.log('Provider: replay of test/fixtures/demo/transcript.json (recorded replies; no model is called, no key needed).');
step('propose, validate, repair, score; nothing is written yet', [
  'refactor',
  'Add caching to the user service',
  '-t',
  'src/userService.ts',
  '-f',
  'getUser',
  '--provider',
  'replay',
  '--transcript',
  transcript,
  '--config',
  'balanced',
  '--dry-run',
]);
if (sha(target) !== original) {
  console.error('demo: the dry run changed the file; that must never happen');
  process.exit(1);
}
step('apply the proposal (refused if the file changed since)', ['apply', 'latest']);
step('the type and syntax gates on the result', ['validate', 'src/userService.ts', 'src/app.ts']);
step('check the hash chain, the signatures and every blob', ['verify']);
step('undo: restore the exact bytes', ['rollback', 'latest']);
console.log(`\nFile after rollback is byte-identical to the original: ${sha(target) === original ? 'yes' : 'NO'}`);
step('statistics over the runs', ['stats']);
console.log(`\nProvenance records and original bytes: ${join(workspace, '.refactor-guard')}`);

// Generate: new code with its tests, through the same gates; the new tests run in the sandbox.
const generated = mkdtempSync(join(tmpdir(), 'refactor-guard-generate-'));
cpSync(join(root, 'test', 'fixtures', 'generate', 'workspace'), generated, { recursive: true });
console.log(`\nSecond sample workspace (node's test runner) copied to ${generated}`);
step(
  'new code and its tests: the first attempt fails its own new test in the sandbox, the repair fixes it',
  [
    'generate',
    "formatDuration(ms): a duration in milliseconds as '1h 2m 3s', zero units left out, '0s' under a second; a negative duration is a RangeError",
    '--file',
    'src/duration.js',
    '--provider',
    'replay',
    '--transcript',
    join(root, 'test', 'fixtures', 'generate', 'transcript.json'),
    '--config',
    'balanced',
    '--dry-run',
  ],
  { cwd: generated },
);
step('apply the module and its tests', ['apply', 'latest'], { cwd: generated });
step('undo: the new files are removed again', ['rollback', 'latest'], { cwd: generated });
const left = ['src/duration.js', 'test/duration.test.js'].filter((f) => existsSync(join(generated, f)));
console.log(`\nNew files left after rollback: ${left.length === 0 ? 'none' : left.join(', ')}`);
if (left.length > 0) process.exit(1);
