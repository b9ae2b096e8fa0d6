import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

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

/** Every file's bytes under dir (except the store), for "nothing was written" assertions. */
export function snapshotFiles(dir: string, skip = ['.refactor-guard']): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (skip.includes(name)) continue;
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p).toString('base64'));
    }
  };
  walk(dir);
  return out;
}
