import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import type { ProcessRunner } from '../ports';
import { collapseWhitespace } from '../text';
import { secretFiles } from '../host/secretFiles';

/**
 * Runs the project's tests inside bubblewrap (Linux): the whole file system read-only except the
 * sandbox copy, a private /tmp and HOME, no network, its own process namespace. The copy's linked
 * dependency folders point at the user's real ones, which this keeps read-only; and a test that
 * detaches a daemon cannot outlive the run, because the namespace dies with its first process.
 */

export type BubblewrapProbe = { usable: true } | { usable: false; reason: string };

/** Inside the sandbox: a fresh HOME, so tools that write caches there have somewhere to write. */
const INNER_HOME = '/tmp/.refactor-guard-home';

/** The namespaces and mounts every run gets; the probe uses the same, so it fails where runs would. */
const BASE_ARGS = [
  '--die-with-parent',
  '--unshare-net',
  '--unshare-pid',
  '--unshare-ipc',
  // Root keeps its capabilities in the sandbox otherwise, and could remount / writable.
  '--cap-drop',
  'ALL',
  '--ro-bind',
  '/',
  '/',
  '--dev',
  '/dev',
  '--proc',
  '/proc',
  '--tmpfs',
  '/tmp',
  // Daemon sockets (docker, dbus) live here; a socket on a read-only mount still connects.
  '--tmpfs',
  '/run',
];

let probe: Promise<BubblewrapProbe> | undefined;

/**
 * Whether bubblewrap works here, asked once per process: it may be missing, or present but unable
 * to create namespaces (unprivileged user namespaces switched off, a container without them).
 */
export function probeBubblewrap(processes: ProcessRunner): Promise<BubblewrapProbe> {
  probe ??= runProbe(processes);
  return probe;
}

async function runProbe(processes: ProcessRunner): Promise<BubblewrapProbe> {
  if (process.platform !== 'linux') return { usable: false, reason: 'bubblewrap runs on Linux only' };
  try {
    const r = await processes.run('bwrap', { cwd: '/', timeoutMs: 5000, shell: false, args: [...BASE_ARGS, '--', 'true'] });
    if (r.exitCode === 0) return { usable: true };
    const why = r.timedOut
      ? 'it did not answer within 5 s'
      : collapseWhitespace(r.stderr).slice(0, 200) || `exit code ${r.exitCode ?? r.signal}`;
    return { usable: false, reason: why };
  } catch {
    return { usable: false, reason: 'bwrap is not installed' };
  }
}

/**
 * The command line that runs `shellCommand` with `sh -c` inside bubblewrap, in `sandboxRoot` (a
 * real path, the only writable folder besides the private /tmp), with the environment it needs.
 */
export async function bubblewrapCommand(
  sandboxRoot: string,
  workspaceRoot: string,
  shellCommand: string,
): Promise<{ command: string; args: string[]; env: Record<string, string> }> {
  const args = [...BASE_ARGS];
  // The private /tmp hides what the host keeps there: a workspace under /tmp (and the targets of the
  // copy's linked folders), tools a test command names by path. Each host entry is bound back
  // read-only, so the tests see them and still write new files in a /tmp of their own.
  for (const name of await fs.readdir('/tmp').catch(() => [] as string[])) {
    const p = path.posix.join('/tmp', name);
    if (p !== INNER_HOME) args.push('--ro-bind-try', p, p);
  }
  for (const r of new Set([workspaceRoot, await fs.realpath(workspaceRoot)])) args.push('--ro-bind', r, r);
  // The store key and any other secret this process holds: masked by /dev/null, which the nodev
  // bind makes unreadable (EACCES) in there.
  for (const secret of secretFiles()) args.push('--ro-bind-try', '/dev/null', secret);
  // After the workspace, so a sandbox inside it stays writable.
  args.push('--bind', sandboxRoot, sandboxRoot, '--dir', INNER_HOME, '--chdir', sandboxRoot, '--', 'sh', '-c', shellCommand);
  return { command: 'bwrap', args, env: await bubblewrapEnv() };
}

/**
 * What lives in HOME and is read rather than written: installed toolchains and packages (rustup's
 * proxies find no toolchain without RUSTUP_HOME, `pip install --user` packages live under
 * PYTHONUSERBASE) and configuration (a test that makes a git repository needs the user's name).
 * Moving HOME would hide them, so each one that exists keeps pointing at the real, read-only, path.
 */
const KEPT_FROM_HOME: ReadonlyArray<[variable: string, inHome: string]> = [
  ['RUSTUP_HOME', '.rustup'],
  ['CARGO_HOME', '.cargo'],
  ['GOPATH', 'go'],
  ['PYTHONUSERBASE', '.local'],
  ['XDG_CONFIG_HOME', '.config'],
  ['GIT_CONFIG_GLOBAL', '.gitconfig'],
];

/** Environment for a run inside bubblewrap: HOME, caches and TMPDIR inside the private /tmp. */
async function bubblewrapEnv(): Promise<Record<string, string>> {
  const env: Record<string, string> = { HOME: INNER_HOME, XDG_CACHE_HOME: `${INNER_HOME}/.cache`, TMPDIR: '/tmp' };
  const home = homedir();
  for (const [variable, inHome] of KEPT_FROM_HOME) {
    if (process.env[variable] !== undefined) continue;
    const p = path.join(home, inHome);
    if (
      await fs.access(p).then(
        () => true,
        () => false,
      )
    )
      env[variable] = p;
  }
  return env;
}
