/**
 * The syntax gate on a ~1k-line TypeScript file and a ~1k-line Python file, each beside a raw
 * tree-sitter parse of the same text (the reference). Files are real: the source file nearest
 * 1,000 lines among the SDK sources in node_modules and the top-level modules of this machine's
 * Python standard library.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { LanguageId } from '../../src/core/languages';
import { silentLogger } from '../../src/core/ports';
import type { CandidateFile, GateContext } from '../../src/core/validate/gate';
import { collectErrors } from '../../src/core/validate/parsers/treeSitterParser';
import { syntaxGate } from '../../src/core/validate/syntax';
import { parserFor } from '../../src/core/validate/treeSitter';
import { median, type BenchRow } from '../bench';
import { parseGateSettings } from '../../src/core/validate/gateSettings';

const ROOT = path.resolve(__dirname, '../..');

const ctx: GateContext = {
  files: { root: ROOT, read: async () => undefined, writeAtomic: async () => {}, remove: async () => {}, stat: async () => undefined },
  logger: silentLogger,
  instruction: 'bench',
  trusted: true,
  settings: parseGateSettings({ safeMode: false }),
};

/** The file under `dirs` (not recursive unless `deep`) whose line count is nearest 1,000. */
function nearestThousandLines(dirs: string[], ext: string, deep: boolean): { file: string; text: string } {
  let best: { file: string; text: string; d: number } | undefined;
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const abs = path.join(dir, name);
      const st = statSync(abs);
      if (st.isDirectory()) {
        if (deep) visit(abs);
      } else if (name.endsWith(ext) && !name.endsWith('.d.ts') && st.size < 200_000) {
        const text = readFileSync(abs, 'utf8');
        const d = Math.abs(text.split('\n').length - 1000);
        if (!best || d < best.d) best = { file: abs, text, d };
      }
    }
  };
  dirs.forEach(visit);
  if (!best) throw new Error(`no ${ext} file found under ${dirs.join(', ')}`);
  return best;
}

/** A small edit in the middle of the file that the patch introduces as a syntax error. */
function breakMiddle(text: string, language: LanguageId): string {
  const lines = text.split('\n');
  const mid = Math.floor(lines.length / 2);
  lines.splice(mid, 0, language === 'python' ? 'x = (1 +' : 'const broken = (1 + ;');
  return lines.join('\n');
}

async function rowsFor(language: 'typescript' | 'python', sample: { file: string; text: string }): Promise<BenchRow[]> {
  const lines = sample.text.split('\n').length;
  const label = `${lines}-line ${language === 'python' ? 'Python' : 'TS'} (${path.basename(sample.file)})`;
  const parser = await parserFor(language);
  const raw = await median(() => parser.parse(sample.text)!.delete(), 15, 3);
  const reference = { name: `tree-sitter parse, ${label}`, ms: raw };

  const first = performance.now();
  await syntaxGate.check([{ path: 'a', language, before: sample.text, after: sample.text }], ctx);
  const cold = performance.now() - first;

  // A different edit at each call, as each attempt brings: the gate keeps the last tree per path.
  let n = 0;
  const comment = language === 'python' ? '#' : '//';
  const clean = (): CandidateFile[] => [
    { path: 'a', language, before: sample.text, after: sample.text.replace(/\n/, `\n${comment} edit ${n++}\n`) },
  ];
  const broken = (): CandidateFile[] => [
    { path: 'a', language, before: sample.text, after: breakMiddle(sample.text, language).replace(/\n/, `\n${comment} edit ${n++}\n`) },
  ];
  const brokenText = breakMiddle(sample.text, language);
  const treeWalk = await median(
    () => {
      const tree = parser.parse(brokenText)!;
      collectErrors(tree);
      tree.delete();
    },
    15,
    3,
  );
  return [
    {
      name: `syntax gate, ${label}, first call`,
      ms: cold,
      reference,
      note: `one sample; includes loading ${language === 'python' ? 'ruff wasm' : 'typescript'} unless an earlier bench did`,
    },
    {
      name: `syntax gate, ${label}, valid edit`,
      ms: await median(() => syntaxGate.check(clean(), ctx), 15, 3),
      reference,
      note: `decided by ${language === 'python' ? 'ruff' : 'the TypeScript parser, incremental from the last tree'}; the before text is not parsed when after is clean`,
    },
    {
      name: `syntax gate, ${label}, edit introducing an error`,
      ms: await median(() => syntaxGate.check(broken(), ctx), 15, 3),
      reference,
      note: 'parses after and before (afresh: errors never come from an incremental parse) to tell introduced errors from old ones',
    },
    {
      name: `tree-sitter parse + ERROR/MISSING walk, same broken text`,
      ms: treeWalk,
      reference,
      note: 'what a tree-sitter-only language costs',
    },
  ];
}

export default async function (): Promise<BenchRow[]> {
  const ts = nearestThousandLines(
    [path.join(ROOT, 'node_modules/@anthropic-ai/sdk/src'), path.join(ROOT, 'node_modules/openai/src')],
    '.ts',
    true,
  );
  const stdlib = execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
  const py = nearestThousandLines([stdlib], '.py', false);
  return [...(await rowsFor('typescript', ts)), ...(await rowsFor('python', py))];
}
