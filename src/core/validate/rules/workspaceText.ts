import { languageOf } from '../../languages';
import type { CandidateFile, GateContext } from '../gate';

/** Past these the search stops and says so: a reference count is a hint, not worth a slow gate. */
export const MAX_FILES_SEARCHED = 3000;
export const MAX_BYTES_SEARCHED = 32 * 1024 * 1024;
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * The workspace's source texts as they would be after the patch: candidate files with their new
 * text, the rest from disk. Read lazily, once per check, within bounds.
 */
export class WorkspaceTexts {
  private listed: string[] | undefined;
  private readonly cache = new Map<string, string | undefined>();
  private bytes = 0;
  /** Set when a bound cut the search short. */
  truncated = false;

  constructor(
    private readonly ctx: GateContext,
    private readonly candidates: readonly CandidateFile[],
  ) {}

  /** Source files (by a known language) that pass `filter`, with their texts; deleted candidates left out. */
  async *sources(filter: (path: string) => boolean = () => true): AsyncGenerator<[string, string]> {
    for (const path of await this.paths()) {
      if (!filter(path)) continue;
      const text = await this.text(path);
      if (text !== undefined) yield [path, text];
    }
  }

  private async paths(): Promise<string[]> {
    if (!this.listed) {
      const onDisk = this.ctx.files.list ? await this.ctx.files.list('') : [];
      const all = new Set([...onDisk, ...this.candidates.filter((c) => c.after !== undefined).map((c) => c.path)]);
      const sources = [...all].filter((p) => languageOf(p) !== undefined).sort();
      if (sources.length > MAX_FILES_SEARCHED) this.truncated = true;
      this.listed = sources.slice(0, MAX_FILES_SEARCHED);
    }
    return this.listed;
  }

  private async text(path: string): Promise<string | undefined> {
    if (this.cache.has(path)) return this.cache.get(path);
    const candidate = this.candidates.find((c) => c.path === path);
    let text: string | undefined;
    if (candidate) text = candidate.after;
    else if (this.bytes >= MAX_BYTES_SEARCHED) this.truncated = true;
    else {
      const bytes = await this.ctx.files.read(path).catch(() => undefined);
      if (bytes && bytes.byteLength <= MAX_FILE_BYTES) {
        this.bytes += bytes.byteLength;
        text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      }
    }
    this.cache.set(path, text);
    return text;
  }
}

/** A regex for uses of a symbol: `name` as a word, or `.name` for a method. */
export function referencePattern(identifier: string, isMethod: boolean): RegExp {
  const escaped = identifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return isMethod ? new RegExp(`\\.${escaped}\\b`, 'g') : new RegExp(`(?<![\\w$])${escaped}(?![\\w$])`, 'g');
}
