import { createHash } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { throwIfAborted } from '../ports';
import { resolveInside } from '../workspacePath';
import type { CandidateFile } from './gate';

/**
 * A throw-away copy of the workspace in the system's temp folder, where the project's tests run
 * against a candidate. The user's folder is only ever read. Heavy folders (dependencies, build
 * output) are symbolic links to the originals instead of copies, which keeps a copy cheap; a run
 * that could write through those links (tests without bubblewrap) asks for them to be copied.
 */

/** Linked, not copied: installed dependencies and build caches the tests need but never change. */
export const DEFAULT_LINKED_DIRS = ['node_modules', '.venv', 'venv', 'env', 'target', 'vendor', '.tox', '.gradle'] as const;
/**
 * Neither copied nor linked: our own store, and version control (tests that write to a linked
 * .git would change the user's repository; a test that needs git is rare).
 */
export const DEFAULT_SKIPPED_DIRS = [
  '.refactor-guard',
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.ruff_cache',
] as const;
export const DEFAULT_SIZE_CAP_BYTES = 512 * 1024 * 1024;
const COPIES_IN_FLIGHT = 8;

export interface SandboxOptions {
  linkedDirs?: readonly string[];
  skippedDirs?: readonly string[];
  /** Total bytes copied (links not counted); past it the copy stops with a SandboxError. */
  sizeCapBytes?: number;
  /** Copies only the files it accepts (workspace-relative path); linked folders are kept regardless. */
  fileFilter?: (rel: string) => boolean;
  /** Copies the linked folders too, their bytes counted against the cap: nothing in the copy leads back. */
  copyLinkedDirs?: boolean;
  signal?: AbortSignal;
}

export class SandboxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxError';
  }
}

/** One entry of the workspace as scanned: what is copied, what is linked. */
interface Entry {
  rel: string;
  kind: 'file' | 'link' | 'linked-dir';
  size: number;
  mtimeMs: number;
}

/** The workspace as a sandbox would copy it, with a fingerprint of its state (paths, sizes, mtimes). */
export interface WorkspaceScan {
  root: string;
  entries: Entry[];
  bytes: number;
  fingerprint: string;
}

/** Walks the workspace without reading file contents. Fails past the size cap. */
export async function scanWorkspace(root: string, options: SandboxOptions = {}): Promise<WorkspaceScan> {
  const linked = new Set(options.linkedDirs ?? DEFAULT_LINKED_DIRS);
  const skipped = new Set(options.skippedDirs ?? DEFAULT_SKIPPED_DIRS);
  const cap = options.sizeCapBytes ?? DEFAULT_SIZE_CAP_BYTES;
  const entries: Entry[] = [];
  let bytes = 0;
  const what = options.copyLinkedDirs ? 'The workspace, dependency folders included,' : 'The workspace';
  /** `whole`: inside a copied linked folder, where the file filter does not apply. */
  const walk = async (relDir: string, whole: boolean): Promise<void> => {
    throwIfAborted(options.signal);
    const dirents = await fs.readdir(path.join(root, relDir), { withFileTypes: true });
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of dirents) {
      const rel = relDir ? `${relDir}/${d.name}` : d.name;
      const abs = path.join(root, rel);
      const isLinked = !whole && linked.has(d.name);
      if (d.isDirectory()) {
        if (skipped.has(d.name)) continue;
        if (isLinked && !options.copyLinkedDirs) {
          const s = await fs.stat(abs);
          entries.push({ rel, kind: 'linked-dir', size: 0, mtimeMs: s.mtimeMs });
        } else await walk(rel, whole || isLinked);
      } else if (d.isSymbolicLink()) {
        // A dependency folder that is itself a link (a monorepo's shared node_modules) is copied
        // through the link when copies are asked for: a copied link would lead back.
        if (
          isLinked &&
          options.copyLinkedDirs &&
          (await fs.stat(abs).then(
            (s) => s.isDirectory(),
            () => false,
          ))
        ) {
          await walk(rel, true);
          continue;
        }
        if (!whole && options.fileFilter && !options.fileFilter(rel)) continue;
        const s = await fs.lstat(abs);
        entries.push({ rel, kind: 'link', size: 0, mtimeMs: s.mtimeMs });
      } else if (d.isFile()) {
        if (!whole && options.fileFilter && !options.fileFilter(rel)) continue;
        const s = await fs.stat(abs);
        bytes += s.size;
        if (bytes > cap) {
          throw new SandboxError(`${what} is larger than the sandbox limit of ${Math.round(cap / 1048576)} MiB; the tests were not run.`);
        }
        entries.push({ rel, kind: 'file', size: s.size, mtimeMs: s.mtimeMs });
      }
    }
  };
  await walk('', false);
  const h = createHash('sha256');
  for (const e of entries) h.update(`${e.kind}\0${e.rel}\0${e.size}\0${e.mtimeMs}\n`);
  return { root, entries, bytes, fingerprint: h.digest('hex') };
}

export class Sandbox {
  private constructor(
    /** Absolute path of the copy. */
    readonly root: string,
    /** The same folder with links resolved (a temp folder may sit behind one, as on macOS). */
    readonly realRoot: string,
  ) {}

  /** Copies a scanned workspace into a new temp folder. */
  static async create(scan: WorkspaceScan, signal?: AbortSignal): Promise<Sandbox> {
    const dir = await fs.mkdtemp(path.join(tmpdir(), 'refactor-guard-sandbox-'));
    const sandbox = new Sandbox(dir, await fs.realpath(dir));
    try {
      const made = new Set<string>();
      for (const e of scan.entries) {
        const parent = path.dirname(path.join(dir, e.rel));
        if (made.has(parent)) continue;
        await fs.mkdir(parent, { recursive: true });
        made.add(parent);
      }
      // Several copies in flight: a copied dependency folder is thousands of small files, and one
      // at a time the copy waits on each in turn (about twice as slow, measured on node_modules).
      // Every worker stops at the first failure, so nothing is still writing when the copy is removed.
      let next = 0;
      let failure: { err: unknown } | undefined;
      const worker = async (): Promise<void> => {
        while (!failure && next < scan.entries.length) {
          const e = scan.entries[next++]!;
          try {
            throwIfAborted(signal);
            const from = path.join(scan.root, e.rel);
            const to = path.join(dir, e.rel);
            // A clone where the file system has them (btrfs, xfs, APFS): copied dependency folders
            // cost no space until written. Elsewhere it is a plain copy.
            if (e.kind === 'file') await fs.copyFile(from, to, fsConstants.COPYFILE_FICLONE);
            else if (e.kind === 'linked-dir') await fs.symlink(from, to, 'dir');
            else await fs.symlink(await fs.readlink(from), to);
          } catch (err) {
            failure ??= { err };
          }
        }
      };
      await Promise.all(Array.from({ length: COPIES_IN_FLIGHT }, worker));
      if (failure) throw failure.err;
    } catch (err) {
      await sandbox.dispose();
      throw err;
    }
    return sandbox;
  }

  /**
   * Writes the candidate's texts (and removes its deleted files) in the copy. A path that would
   * lead through a link back into the user's folder is refused rather than written.
   */
  async writeCandidate(files: readonly CandidateFile[]): Promise<void> {
    for (const f of files) {
      const abs = resolveInside(this.root, f.path);
      await fs.mkdir(path.dirname(abs), { recursive: true });
      const parent = await fs.realpath(path.dirname(abs));
      const back = path.relative(this.realRoot, parent);
      if (back.startsWith('..') || path.isAbsolute(back)) {
        throw new SandboxError(`Cannot test a change to ${f.path}: it lies in a linked folder that belongs to the workspace.`);
      }
      // A copied link must be replaced, not written through.
      await fs.rm(abs, { force: true });
      if (f.after !== undefined) await fs.writeFile(abs, f.after);
    }
  }

  async dispose(): Promise<void> {
    // Links are removed as links: rm never follows them into the user's folders.
    await fs.rm(this.root, { recursive: true, force: true, maxRetries: 3 });
  }
}
