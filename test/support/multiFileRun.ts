import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runCli } from './cliProcess';
import { tempDir } from './tempWorkspace';

export const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface MultiFileRun {
  /** A workspace holding the files and a store with the proposal (dry run, pending). */
  template: string;
  runId: string;
  files: string[];
  /** sha256 of each file before and after the patch, by workspace-relative path. */
  before: Map<string, string>;
  after: Map<string, string>;
  cleanup: () => void;
}

/**
 * A workspace of `count` text files of about `bytes` each and a real proposal (through the CLI and
 * the replay provider) that changes one line in every one of them: an apply or a rollback of it
 * writes every file, which gives a kill something to interrupt.
 */
export async function multiFileRun(count: number, bytes: number, label = 'multi'): Promise<MultiFileRun> {
  const t = tempDir(`rg-${label}-`);
  const template = join(t.dir, 'ws');
  mkdirSync(join(template, 'notes'), { recursive: true });
  const files: string[] = [];
  const toolCalls: unknown[] = [];
  const lines = Math.max(1, Math.floor(bytes / 64));
  for (let i = 1; i <= count; i++) {
    const file = `notes/part${i}.txt`;
    const body =
      Array.from({ length: lines }, (_, n) => `part ${i} line ${String(n).padStart(7, '0')} ${'x'.repeat(40)}`).join('\n') + '\n';
    writeFileSync(join(template, file), body);
    files.push(file);
    const old = `part ${i} line ${String(Math.floor(lines / 2)).padStart(7, '0')} `;
    toolCalls.push({ name: 'patch_file', input: { path: file, old_string: old, new_string: `part ${i} line CHANGED ` } });
  }
  const transcript = join(t.dir, 'transcript.json');
  writeFileSync(transcript, JSON.stringify({ description: 'one line in every part', replies: [{ phase: 'generate', toolCalls }] }));
  const r = await runCli(
    [
      'refactor',
      'Mark the middle line of every part',
      ...files.flatMap((f) => ['-t', f]),
      '--provider',
      'replay',
      '--transcript',
      transcript,
      '--dry-run',
      '--json',
      '--workspace',
      template,
    ],
    {},
    120_000,
  );
  if (r.code !== 0) throw new Error(`The proposal failed (exit ${r.code}): ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { runId: string; patches: { file: string; valid: boolean }[] };
  if (doc.patches.length !== count || !doc.patches.every((p) => p.valid))
    throw new Error(`Expected ${count} valid patches: ${r.stdout.slice(0, 500)}`);
  const before = new Map(files.map((f) => [f, sha(readFileSync(join(template, f)))]));
  const after = new Map<string, string>();
  for (const f of files) {
    const text = readFileSync(join(template, f), 'utf8');
    const i = Number(/part(\d+)/.exec(f)![1]);
    after.set(
      f,
      sha(Buffer.from(text.replace(`part ${i} line ${String(Math.floor(lines / 2)).padStart(7, '0')} `, `part ${i} line CHANGED `))),
    );
  }
  return { template, runId: doc.runId, files, before, after, cleanup: t.cleanup };
}

/** A fresh copy of the template (workspace and store) to break. */
export function copyOf(run: MultiFileRun, into: string): string {
  cpSync(run.template, into, { recursive: true });
  return into;
}

/** Every file under dir, workspace-relative, the store left out. */
export function listFiles(dir: string, skip = ['.refactor-guard']): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (skip.includes(e.name)) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

export function fileSize(path: string): number {
  return statSync(path).size;
}

/** A dry-run proposal on `ws` through the real CLI: `edits` are patch_file calls [path, old, new]. */
export async function propose(ws: string, instruction: string, edits: [string, string, string][], scratch: string): Promise<string> {
  const transcript = join(scratch, `transcript-${sha(Buffer.from(instruction)).slice(0, 8)}.json`);
  writeFileSync(
    transcript,
    JSON.stringify({
      replies: [
        {
          phase: 'generate',
          toolCalls: edits.map(([path, old_string, new_string]) => ({ name: 'patch_file', input: { path, old_string, new_string } })),
        },
      ],
    }),
  );
  const targets = [...new Set(edits.map((e) => e[0]))].flatMap((f) => ['-t', f]);
  const r = await runCli(
    ['refactor', instruction, ...targets, '--provider', 'replay', '--transcript', transcript, '--dry-run', '--json', '--workspace', ws],
    {},
    120_000,
  );
  if (r.code !== 0) throw new Error(`The proposal failed (exit ${r.code}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as { runId: string }).runId;
}
