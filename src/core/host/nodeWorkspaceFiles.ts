import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceFiles } from '../ports';
import { removeFileDurably, writeFileDurably } from './durableWrite';
import { PathError, resolveInside } from '../workspacePath';
import { NotRegularFileError, readRegularFile } from './regularFile';

const SKIP_DIRS = new Set([
  '.git',
  'node_modules',
  '.refactor-guard',
  '.venv',
  'venv',
  '__pycache__',
  'dist',
  'out',
  'build',
  'target',
  '.next',
]);

/**
 * WorkspaceFiles on node:fs, for the CLI and for tests. Symbolic links that lead out of the
 * workspace are refused too, since writing through one would change a file the user never named.
 */
export class NodeWorkspaceFiles implements WorkspaceFiles {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private async inside(relative: string): Promise<string> {
    return (await this.resolve(relative)).abs;
  }

  /**
   * Where a workspace path really leads, workspace-relative, once links are followed: rules about
   * folders (never write under .git) must hold for the file a write reaches, not for its spelling.
   */
  async realPath(relative: string): Promise<string> {
    return (await this.resolve(relative)).real;
  }

  private async resolve(relative: string): Promise<{ abs: string; real: string }> {
    const abs = resolveInside(this.root, relative);
    const realRoot = await fs.realpath(this.root);
    // Walk up to the nearest existing ancestor and check where it really is.
    let probe = abs;
    for (;;) {
      try {
        const real = await fs.realpath(probe);
        const rest = path.relative(probe, abs);
        const resolved = path.join(real, rest);
        const back = path.relative(realRoot, resolved);
        if (back.startsWith('..') || path.isAbsolute(back))
          throw new PathError(`Path "${relative}" leads outside the workspace through a link.`);
        return { abs, real: back.split(path.sep).join('/') };
      } catch (err) {
        if (err instanceof PathError) throw err;
        // A link whose target is missing: writing would replace the link with a plain file (and a
        // rollback would then delete it), and its target may lie outside the workspace anyway.
        if (await isSymlink(probe)) throw new PathError(`Path "${relative}" leads through a link that points to nothing.`);
        const parent = path.dirname(probe);
        if (parent === probe) return { abs, real: relative };
        probe = parent;
      }
    }
  }

  async read(relative: string): Promise<Uint8Array | undefined> {
    const abs = await this.inside(relative);
    try {
      return new Uint8Array(await readRegularFile(abs));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      if ((err as NodeJS.ErrnoException).code === 'EISDIR') throw new PathError(`Path "${relative}" is a folder, not a file.`);
      // A FIFO would block the read until some process wrote to it; refused before a byte is read.
      if (err instanceof NotRegularFileError) throw new PathError(`Path "${relative}" is ${err.phrase}, not a file.`);
      throw err;
    }
  }

  async writeAtomic(relative: string, bytes: Uint8Array, options: { tempPath?: string } = {}): Promise<void> {
    const abs = await this.inside(relative);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    const tempPath = options.tempPath === undefined ? undefined : await this.inside(options.tempPath);
    await writeFileDurably(abs, bytes, tempPath === undefined ? {} : { tempPath });
  }

  async remove(relative: string): Promise<void> {
    const abs = await this.inside(relative);
    await removeFileDurably(abs);
  }

  async stat(relative: string): Promise<{ size: number; mtimeMs: number } | undefined> {
    const abs = await this.inside(relative);
    try {
      const s = await fs.stat(abs);
      return { size: s.size, mtimeMs: s.mtimeMs };
    } catch {
      return undefined;
    }
  }

  async list(dir: string): Promise<string[]> {
    const start = dir === '' || dir === '.' ? this.root : await this.inside(dir);
    const out: string[] = [];
    const walk = async (abs: string): Promise<void> => {
      for (const entry of await fs.readdir(abs, { withFileTypes: true })) {
        if (entry.isDirectory()) {
          if (!SKIP_DIRS.has(entry.name)) await walk(path.join(abs, entry.name));
        } else if (entry.isFile()) {
          out.push(path.relative(this.root, path.join(abs, entry.name)).split(path.sep).join('/'));
        }
      }
    };
    await walk(start);
    return out.sort();
  }
}

async function isSymlink(abs: string): Promise<boolean> {
  try {
    return (await fs.lstat(abs)).isSymbolicLink();
  } catch {
    return false;
  }
}
