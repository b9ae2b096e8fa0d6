// Runs the integration suites (test/integration) inside a real VS Code on machines that cannot
// download one: code-server 4.139.1 (VS Code 1.139.1, Node extension host) driven by Debian's
// Chromium through playwright-core, as /work/shared/VSCODE-OFFLINE.md describes. Each run gets a
// fresh server, profile, workspace copy and browser profile, all in one temporary folder, and the
// server is stopped by its process group id at the end, whatever happened.
//
//   node scripts/vscode-test.mjs [--no-build] [--keep] [--grep PATTERN] [--shots DIR] [--trusted-only] [--no-vsix] [--vsix-only] [--prepare-only]
//
// After the passes over this folder comes a vsix pass: `npm run package` builds the .vsix (first,
// before the development build), code-server installs it (--install-extension) into a fresh
// extensions dir, and VSIX_SUITES run against the installed copy, so a file the .vscodeignore
// allowlist forgets fails a test. --no-vsix skips it (and
// so does --grep, unless the pattern names those suites); --vsix-only runs only it.
//
// Exit code: the suites' exit code (0 all passed), or 2 when the harness itself failed.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
  createWriteStream,
  readFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { CHROMIUM, ensureTools } from './vscode-test/tools.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const keep = args.includes('--keep');
// Screenshots outlive the run folder: a gitignored folder of the repository, or --shots DIR.
const shotsAt = args.indexOf('--shots');
/** Where the host's event-loop stall during a run, measured by the Engine worker suite, is kept. */
const STALL_OUT = path.join(root, '.tmp', 'vscode-test', 'host-stall.json');
const shotsOut = shotsAt >= 0 ? path.resolve(args[shotsAt + 1]) : path.join(root, '.tmp', 'vscode-test', 'screenshots');
const grepAt = args.indexOf('--grep');
const grep = grepAt >= 0 ? args[grepAt + 1] : undefined;
const started = Date.now();
const LM_EXTENSION = path.join(root, 'test', 'fixtures', 'vscode', 'lm-extension');
/** What the vsix pass runs against the installed package: a full propose, approve, rollback and the Provenance page. */
const VSIX_SUITES = '^(Packaged|Rollback)';
const say = (m) => process.stderr.write(`vscode-test: ${m}\n`);

function elapsed() {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

/** The project's own build (esbuild.mjs); the extension bundle must be dist/extension.js. */
function buildExtension() {
  say('building the extension with esbuild.mjs');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'esbuild.mjs'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(path.join(root, 'dist', 'extension.js'))) {
    throw new Error('esbuild.mjs did not produce dist/extension.js');
  }
}

/**
 * The suites, bundled into one CommonJS entry in the run's own folder (dist/ belongs to the project
 * build, which empties it). mocha stays outside the bundle, imported from the repository by path.
 */
async function buildTests(outDir, testGrep = grep, vsix = false) {
  const require = createRequire(import.meta.url);
  const esbuild = require(path.join(root, 'node_modules', 'esbuild'));
  const outfile = path.join(outDir, 'integration', 'index.js');
  const mochaEntry = pathToFileURL(require.resolve('mocha', { paths: [root] })).href;
  await esbuild.build({
    entryPoints: [path.join(root, 'test', 'integration', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode'],
    // Baked in: the extension host's environment is code-server's, not ours.
    define: {
      'process.env.RG_VSCODE_TEST_GREP': JSON.stringify(testGrep ?? ''),
      'process.env.RG_VSCODE_TEST_VSIX': JSON.stringify(vsix ? '1' : ''),
    },
    plugins: [{ name: 'mocha-from-repo', setup: (b) => b.onResolve({ filter: /^mocha$/ }, () => ({ path: mochaEntry, external: true })) }],
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * The extension as a development path of its own: package.json, media/ and prompts/ copied, dist/
 * hard-linked (a build writes new files, so the links keep this pass's). Another run's build in this
 * folder (it empties dist/ first) cannot then pull the bundle from under a pass that is running.
 */
function stageExtension(tmp) {
  const dir = path.join(tmp, 'extension');
  for (let tries = 0; ; tries++) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const f of ['package.json', 'README.md', 'LICENSE'])
      if (existsSync(path.join(root, f))) cpSync(path.join(root, f), path.join(dir, f));
    for (const d of ['media', 'prompts']) cpSync(path.join(root, d), path.join(dir, d), { recursive: true });
    try {
      linkTree(path.join(root, 'dist'), path.join(dir, 'dist'));
      if (existsSync(path.join(dir, 'dist', 'extension.js')) && existsSync(path.join(dir, 'dist', 'engine.js'))) return dir;
    } catch {
      // dist/ changed while we linked it: another build is running.
    }
    if (tries >= 10) throw new Error('dist/ has no complete build to stage (is another build running?)');
    spawnSync('sleep', ['2']);
  }
}

function linkTree(from, to) {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.isDirectory()) linkTree(src, dst);
    else {
      try {
        linkSync(src, dst);
      } catch {
        cpSync(src, dst);
      }
    }
  }
}

/** Must match TEST_API_KEY in test/integration/secrets.suite.ts. */
const TEST_API_KEY = 'sk-ant-rg-integration-not-a-real-key-7f3a';

/** Files under `dir` whose bytes contain `needle`, skipping the folders in `skip`. */
function findText(dir, needle, skip) {
  const hits = [];
  const walk = (d) => {
    if (skip.includes(d)) return;
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        try {
          if (readFileSync(p).includes(needle)) hits.push(path.relative(dir, p));
        } catch {
          // Unreadable (a socket, a vanished file): not a leak we can see.
        }
      }
    }
  };
  walk(dir);
  return hits;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealth(port, server, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`code-server exited early with code ${server.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer /healthz within ${timeoutMs / 1000} s`);
}

/** Stops the process group we started (code-server, its VS Code server, the extension host). */
async function stopGroup(child) {
  if (!child || child.exitCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }, 5000);
  await gone;
  clearTimeout(timer);
}

/** A fixture workspace copy with settings that make Propose Refactor replay a recorded transcript. */
function prepareWorkspace(tmp) {
  const workspace = path.join(tmp, 'workspace');
  cpSync(path.join(root, 'test', 'fixtures', 'vscode', 'workspace'), workspace, { recursive: true });
  mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  const settings = {
    'refactorGuard.provider': 'replay',
    'refactorGuard.replay.transcript': path.join(root, 'test', 'fixtures', 'vscode', 'transcripts', 'validate-inputs.json'),
    'refactorGuard.preset': 'fast',
    // The tests check that approved bytes land exactly; no save participant may touch them.
    'files.insertFinalNewline': false,
    'files.trimTrailingWhitespace': false,
    'editor.formatOnSave': false,
    // Per-hunk Approve/Reject are CodeLenses; VS Code hides those in diff editors by default.
    'diffEditor.codeLens': true,
  };
  writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
  return workspace;
}

/**
 * `--prepare-only`: builds and lays out a run folder without code-server, and prints its paths as
 * JSON, for test/integration/runTestElectron.ts on machines that can download VS Code.
 */
async function prepareOnly() {
  if (!args.includes('--no-build')) buildExtension();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rg-vscode-test-'));
  mkdirSync(path.join(tmp, 'screenshots'), { recursive: true });
  const extensionTestsPath = await buildTests(path.join(tmp, 'tests'));
  const workspace = prepareWorkspace(tmp);
  process.stdout.write(
    JSON.stringify({ folder: tmp, extensionDevelopmentPath: [root, LM_EXTENSION], extensionTestsPath, workspace }) + '\n',
  );
}

async function main() {
  if (args.includes('--prepare-only')) return prepareOnly();
  const tools = ensureTools();
  say(`tools ready (${elapsed()})`);
  const build = !args.includes('--no-build');
  const vsixOnly = args.includes('--vsix-only');
  const wantVsix = vsixOnly || (!args.includes('--no-vsix') && (grep === undefined || /packaged|rollback|vsix/i.test(grep)));
  // Packaged first: `npm run package` rebuilds dist/ for production, and then the development build
  // goes over it, so nothing rebuilds dist/ while a pass runs from it (and dist/ is left as F5 wants it).
  let vsix;
  let packaging;
  if (wantVsix) {
    try {
      vsix = packageVsix(build);
    } catch (err) {
      packaging = err;
    }
  }
  if (build) buildExtension();
  // Pass 1: a trusted workspace, every suite. Pass 2: workspace trust on and the folder untrusted,
  // only the suite that checks what must not run there (it skips itself in pass 1).
  let exitCode = 0;
  const results = [];
  if (!vsixOnly) {
    exitCode = await runPass(tools, { trusted: true, grep });
    results.push(`trusted ${exitCode === 0 ? 'passed' : 'failed'}`);
    if (!args.includes('--trusted-only') && (grep === undefined || /untrusted/i.test(grep))) {
      const untrusted = await runPass(tools, { trusted: false, grep: 'Untrusted workspace' });
      results.push(`untrusted ${untrusted === 0 ? 'passed' : 'failed'}`);
      exitCode = Math.max(exitCode, untrusted);
    }
  }
  // Pass 3: the extension as a user installs it, from the .vsix, not from this folder.
  if (wantVsix) {
    let vsixCode;
    try {
      if (packaging) throw packaging;
      vsixCode = await runPass(tools, { trusted: true, grep: VSIX_SUITES, vsix });
    } catch (err) {
      say(`vsix pass failed: ${err.message}`);
      vsixCode = 2;
    }
    results.push(`vsix ${vsixCode === 0 ? 'passed' : 'failed'}`);
    exitCode = Math.max(exitCode, vsixCode);
    if (vsix && !keep) rmSync(path.dirname(vsix), { recursive: true, force: true });
  }
  say(`${exitCode === 0 ? 'passed' : `failed (exit ${exitCode})`} in ${elapsed()}: ${results.join(', ')}`);
  process.exit(exitCode);
}

/**
 * The .vsix as `npm run package` makes it (production build, `vsce package --no-dependencies`),
 * written into a temporary folder; the repository's own .vsix is left alone. With --no-build,
 * dist/ as it is, packaged by the same vsce command without rebuilding it.
 */
function packageVsix(rebuild) {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'rg-vsix-')), 'refactor-guard.vsix');
  const quiet = { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] };
  let r;
  if (rebuild) {
    say('packaging the extension with npm run package');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    r = spawnSync(npm, ['run', '--silent', 'package', '--', '--out', out], quiet);
  } else {
    say('packaging dist/ as it is with vsce (--no-build)');
    const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', out], quiet);
  }
  if (r.status !== 0 || !existsSync(out)) throw new Error(`packaging failed (exit ${r.status})`);
  say(`packaged ${out} (${elapsed()})`);
  return out;
}

/** Installs the .vsix into the pass's extensions dir with code-server's own --install-extension. */
function installVsix(tools, env, dirs, vsix) {
  const r = spawnSync(
    tools.node24.bin,
    [tools.codeServerEntry, '--user-data-dir', dirs['user-data'], '--extensions-dir', dirs.extensions, '--install-extension', vsix],
    { env, encoding: 'utf8', timeout: 120_000 },
  );
  const installed = readdirSync(dirs.extensions).filter((n) => n.startsWith('refactor-guard.refactor-guard-'));
  if (r.status !== 0 || installed.length === 0) {
    throw new Error(
      `code-server --install-extension failed (exit ${r.status}): ${(r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' ')}`,
    );
  }
  say(`installed ${installed[0]} from the .vsix (${elapsed()})`);
}

/** One fresh code-server with one fresh browser, running the suites once; resolves to their exit code. */
async function runPass(tools, pass) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rg-vscode-test-'));
  const testEntry = await buildTests(path.join(tmp, 'tests'), pass.grep, Boolean(pass.vsix));
  const passName = pass.vsix ? 'vsix' : pass.trusted ? 'trusted' : 'untrusted';
  say(`${passName} pass: bundles ready (${elapsed()})`);

  const dirs = Object.fromEntries(
    ['home', 'user-data', 'extensions', 'browser', 'screenshots', 'xdg-config', 'xdg-data', 'xdg-cache'].map((d) => [d, path.join(tmp, d)]),
  );
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const workspace = prepareWorkspace(tmp);
  const extensionDir = pass.vsix ? undefined : stageExtension(tmp);
  // The test language model for the vscode-lm suite is an installed extension: the payload takes one
  // development path only. A folder in a fresh extensions dir is picked up at the first scan (not
  // in the vsix pass, whose --install-extension writes the extensions.json that hides such folders).
  if (!pass.vsix) cpSync(LM_EXTENSION, path.join(dirs.extensions, 'refactor-guard-test.rg-test-language-model-0.0.1'), { recursive: true });
  if (!pass.trusted) {
    // A test command in the user's settings (an untrusted workspace's own value of it is ignored):
    // if the test gate ever ran it, the marker file would appear.
    mkdirSync(path.join(dirs['user-data'], 'User'), { recursive: true });
    const marker = path.join(tmp, 'test-command-ran');
    const command = `node -e "require('fs').writeFileSync(${JSON.stringify(marker).replace(/"/g, "'")}, 'ran')"`;
    // The transcript too: refactorGuard.replay.transcript is also restricted in untrusted folders.
    const user = {
      'refactorGuard.testCommand': command,
      'refactorGuard.replay.transcript': path.join(root, 'test', 'fixtures', 'vscode', 'transcripts', 'validate-inputs.json'),
    };
    writeFileSync(path.join(dirs['user-data'], 'User', 'settings.json'), JSON.stringify(user, null, 2) + '\n');
  }
  const configFile = path.join(tmp, 'code-server.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const port = await freePort();
  const serverLog = path.join(tmp, 'code-server.log');
  const logStream = createWriteStream(serverLog);

  const env = {
    ...process.env,
    PATH: `${tools.node24.binDir}${path.delimiter}${process.env.PATH}`,
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs['xdg-config'],
    XDG_DATA_HOME: dirs['xdg-data'],
    XDG_CACHE_HOME: dirs['xdg-cache'],
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  if (pass.vsix) installVsix(tools, env, dirs, pass.vsix);
  const server = spawn(
    tools.node24.bin,
    [
      tools.codeServerEntry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(pass.trusted ? ['--disable-workspace-trust'] : []),
      '--disable-getting-started-override',
      '--user-data-dir',
      dirs['user-data'],
      '--extensions-dir',
      dirs.extensions,
      '--config',
      configFile,
      '--vscode-option',
      'enable-smoke-test-driver',
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout.pipe(logStream);
  server.stderr.pipe(logStream);
  say(`code-server pid ${server.pid} on port ${port}; logs in ${serverLog}`);

  let browser;
  let exitCode = 2;
  try {
    await waitForHealth(port, server, 60_000);
    say(`code-server healthy (${elapsed()})`);
    const { chromium } = createRequire(import.meta.url)(tools.playwrightDir);
    browser = await chromium.launchPersistentContext(dirs.browser, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1600, height: 1000 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    let settle;
    const exited = new Promise((r) => (settle = r));
    await page.exposeFunction('codeAutomationExit', (code) => settle(Number(code)));
    await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
      // Mocha's reporter logs printf-style ('%s) %s:'), so format the way console.log would.
      const text = Array.isArray(logArgs) ? format(...logArgs) : String(logArgs);
      if (type === 'error') process.stderr.write(`[ext host] ${text}\n`);
      else process.stdout.write(`${text}\n`);
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    // VS Code runs extensionTestsPath only beside a development path: in the vsix pass that is the
    // test language model's folder, so Refactor Guard itself is the installed copy.
    const payload = [
      ['extensionDevelopmentPath', remote(pass.vsix ? LM_EXTENSION : extensionDir)],
      ['extensionTestsPath', remote(testEntry)],
    ];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    say(`workbench loading (${elapsed()})`);

    // The suites ask for screenshots by writing screenshots/<name>.request; we answer with <name>.png.
    // They ask for a click the extension API cannot make (a notification's Cancel button) by writing
    // <name>.click holding {"within": css, "button": accessible name}; we answer <name>.done.
    const shots = setInterval(async () => {
      // <name>.type holds text to type into the focused input, then Enter (an input box's value).
      for (const f of readdirSync(dirs.screenshots).filter((n) => n.endsWith('.type'))) {
        const name = f.slice(0, -'.type'.length);
        const text = readFileSync(path.join(dirs.screenshots, f), 'utf8');
        rmSync(path.join(dirs.screenshots, f), { force: true });
        let answer = 'ok';
        try {
          await page.locator('.quick-input-widget input').first().waitFor({ state: 'visible', timeout: 10_000 });
          await page.keyboard.type(text);
          await page.keyboard.press('Enter');
        } catch (err) {
          answer = `failed: ${err.message.split('\n')[0]}`;
          say(`type ${name} ${answer}`);
        }
        writeFileSync(path.join(dirs.screenshots, `${name}.done`), answer);
      }
      for (const f of readdirSync(dirs.screenshots).filter((n) => n.endsWith('.click'))) {
        const name = f.slice(0, -'.click'.length);
        const request = JSON.parse(readFileSync(path.join(dirs.screenshots, f), 'utf8'));
        rmSync(path.join(dirs.screenshots, f), { force: true });
        let answer = 'ok';
        try {
          await page.locator(request.within).getByRole('button', { name: request.button }).first().click({ timeout: 10_000 });
          say(`clicked ${request.button} in ${request.within}`);
        } catch (err) {
          answer = `failed: ${err.message.split('\n')[0]}`;
          say(`click ${name} ${answer}`);
        }
        writeFileSync(path.join(dirs.screenshots, `${name}.done`), answer);
      }
      // <name>.frameclick holds {"selector", "text"?}: a click on that element in some webview (any frame).
      for (const f of readdirSync(dirs.screenshots).filter((n) => n.endsWith('.frameclick'))) {
        const name = f.slice(0, -'.frameclick'.length);
        const request = JSON.parse(readFileSync(path.join(dirs.screenshots, f), 'utf8'));
        rmSync(path.join(dirs.screenshots, f), { force: true });
        const answer = await probeFrames(page, request, (loc) => loc.first().click({ timeout: 5000 }));
        if (answer !== 'ok') say(`frame click ${name} ${answer}`);
        writeFileSync(path.join(dirs.screenshots, `${name}.done`), answer);
      }
      // <name>.probe holds {"selector", "text"?, "style"?}: is that drawn in some webview (any frame)?
      for (const f of readdirSync(dirs.screenshots).filter((n) => n.endsWith('.probe'))) {
        const name = f.slice(0, -'.probe'.length);
        const request = JSON.parse(readFileSync(path.join(dirs.screenshots, f), 'utf8'));
        rmSync(path.join(dirs.screenshots, f), { force: true });
        const answer = await probeFrames(page, request);
        if (answer !== 'ok') say(`probe ${name} ${answer}`);
        writeFileSync(path.join(dirs.screenshots, `${name}.done`), answer);
      }
      for (const f of readdirSync(dirs.screenshots).filter((n) => n.endsWith('.request'))) {
        const name = f.slice(0, -'.request'.length);
        rmSync(path.join(dirs.screenshots, f), { force: true });
        const out = path.join(shotsOut, `${name}.png`);
        mkdirSync(path.dirname(out), { recursive: true });
        try {
          await page.screenshot({ path: out });
          say(`screenshot ${path.relative(root, out)}`);
        } catch (err) {
          say(`screenshot ${name} failed: ${err.message}`);
        }
        writeFileSync(path.join(dirs.screenshots, `${name}.done`), out);
      }
    }, 200);
    // The vsix pass runs two short suites: waiting ten minutes would only hide a package that never starts.
    const limitMin = pass.vsix ? 3 : 10;
    const timeout = new Promise((r) => setTimeout(() => r('timeout'), limitMin * 60_000));
    const result = await Promise.race([exited, timeout]);
    clearInterval(shots);
    if (result === 'timeout') {
      say(`the suites did not finish within ${limitMin} minutes`);
      await page.screenshot({ path: path.join(shotsOut, 'timeout.png') }).catch(() => {});
      exitCode = 2;
    } else {
      exitCode = result;
    }
  } catch (err) {
    say(`harness failed: ${err.message}`);
    exitCode = 2;
  } finally {
    await browser?.close().catch(() => {});
    await stopGroup(server);
    logStream.end();
    // The API key typed by the secrets test must not be anywhere on disk but in secret storage
    // (which code-server keeps encrypted); the browser's own profile is not ours to judge, the
    // test bundle holds the key as a constant, and the staged bundle is the build's, not the run's.
    const leaks = findText(tmp, TEST_API_KEY, [dirs.browser, path.join(tmp, 'tests'), path.join(tmp, 'extension', 'dist')]);
    if (leaks.length > 0) {
      say(`the test API key was written in plain text: ${leaks.join(', ')}`);
      exitCode = Math.max(exitCode, 1);
    }
    if (exitCode !== 0) {
      const tail = existsSync(serverLog) ? readFileSync(serverLog, 'utf8').split('\n').slice(-40).join('\n') : '';
      say(`code-server log tail:\n${tail}`);
    }
    // The Engine worker suite's stall figures outlive the run folder, for npm run bench to report.
    const stall = path.join(tmp, 'host-stall.json');
    if (existsSync(stall)) {
      mkdirSync(path.dirname(STALL_OUT), { recursive: true });
      cpSync(stall, STALL_OUT);
    }
    if (!keep) rmSync(tmp, { recursive: true, force: true });
    else say(`kept ${tmp}`);
  }
  say(`${passName} pass: ${exitCode === 0 ? 'passed' : `failed (exit ${exitCode})`} (${elapsed()})`);
  return exitCode;
}

/**
 * Looks through every frame (webviews are nested iframes) for the element a probe asks for, for up
 * to 20 s; `act`, when given, is done to the element found.
 */
async function probeFrames(page, { selector, text, style }, act) {
  const until = Date.now() + 20_000;
  let last = 'not found';
  while (Date.now() < until) {
    for (const frame of page.frames()) {
      try {
        let loc = frame.locator(selector);
        if (text) loc = loc.filter({ hasText: text });
        if ((await loc.count()) === 0) continue;
        if (act) {
          await act(loc);
          return 'ok';
        }
        if (!style) return 'ok';
        const computed = await loc.first().evaluate((el, keys) => {
          const cs = getComputedStyle(el);
          return Object.fromEntries(keys.map((k) => [k, cs[k]]));
        }, Object.keys(style));
        const wrong = Object.entries(style).filter(([k, v]) => !String(computed[k]).includes(v));
        if (wrong.length === 0) return 'ok';
        last = `styled ${wrong.map(([k]) => `${k}: ${computed[k]}`).join(', ')}`;
      } catch {
        // A frame that went away while we looked.
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return `failed: ${selector}${text ? ` with "${text}"` : ''} ${last}`;
}

main().catch((err) => {
  say(`harness failed: ${err.stack ?? err.message}`);
  process.exit(2);
});
