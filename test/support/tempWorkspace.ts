import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { NodeWorkspaceFiles } from '../../src/core/host/nodeWorkspaceFiles';

/**
 * The one temporary-workspace helper for tests: real folders on disk, fixtures copied in,
 * everything removed afterwards. Suites that need more (gate candidates, context caches) build on
 * TempWorkspace rather than making their own.
 */

/** A real folder on disk for a test, removed afterwards. */
export function tempDir(prefix = 'rg-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copies a fixture folder into a fresh temporary folder. */
export function copyFixture(fixture: string): { dir: string; cleanup: () => void } {
  const t = tempDir();
  cpSync(fixture, t.dir, { recursive: true });
  return t;
}

/**
 * Every file's bytes under dir (except the store), for "nothing was written" assertions; with
 * `mtime`, each file's modification time too (a rewrite of the same bytes also counts).
 */
export function snapshotFiles(dir: string, skip = ['.refactor-guard'], opts: { mtime?: boolean } = {}): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (skip.includes(name)) continue;
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else out.set(relative(dir, p), `${opts.mtime ? `${s.mtimeMs}:` : ''}${readFileSync(p).toString('base64')}`);
    }
  };
  walk(dir);
  return out;
}

/** A workspace folder (a fixture's copy, or empty) with its files port, removed by `dispose`. */
export class TempWorkspace {
  /** The temporary folder; the workspace is `root`, which may be a subfolder of it. */
  readonly base: string;
  readonly root: string;
  readonly files: NodeWorkspaceFiles;

  constructor(opts: { fixture?: string; prefix?: string; subfolder?: string } = {}) {
    this.base = mkdtempSync(join(tmpdir(), opts.prefix ?? 'rg-test-'));
    this.root = opts.subfolder ? join(this.base, opts.subfolder) : this.base;
    if (opts.fixture) cpSync(opts.fixture, this.root, { recursive: true });
    else mkdirSync(this.root, { recursive: true });
    this.files = new NodeWorkspaceFiles(this.root);
  }

  read(rel: string): string {
    return readFileSync(join(this.root, rel), 'utf8');
  }

  write(rel: string, text: string): void {
    mkdirSync(dirname(join(this.root, rel)), { recursive: true });
    writeFileSync(join(this.root, rel), text);
  }

  dispose(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}
