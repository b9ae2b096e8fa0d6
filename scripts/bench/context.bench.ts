/**
 * Symbol graph and context on a real codebase: the TypeScript sources that @anthropic-ai/sdk ships
 * (src/, several hundred files), copied to a temp folder so caches and edits never touch
 * node_modules. Measures the graph build cold and warm (from the disk cache) beside a bare
 * tree-sitter parse of the same files, an incremental refresh after one file changes, and for five
 * target functions the context's tokens beside sending the whole target file plus its direct imports.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildContext, disposeSymbolGraphs, getSymbolGraph } from '../../src/core/context';
import { SymbolGraph } from '../../src/core/context/symbolGraph';
import { countTokens } from '../../src/core/context/tokens';
import { NodeWorkspaceFiles } from '../../src/core/host/nodeWorkspaceFiles';
import { languageOf } from '../../src/core/languages';
import { parseTree } from '../../src/core/validate/treeSitter';
import { median, type BenchRow } from '../bench';

const TARGETS: { path: string; function: string; instruction: string }[] = [
  { path: 'src/client.ts', function: 'BaseAnthropic.makeRequest', instruction: 'Log each retry with its delay' },
  { path: 'src/internal/utils/log.ts', function: 'loggerFor', instruction: 'Cache the logger per client' },
  { path: 'src/internal/utils/backoff.ts', function: 'backoff', instruction: 'Cap the backoff at capMs including jitter' },
  { path: 'src/core/streaming.ts', function: 'Stream.fromSSEResponse', instruction: 'Handle an error event with no data' },
  { path: 'src/lib/MessageStream.ts', function: 'MessageStream.finalText', instruction: 'Join text blocks with a newline' },
];
const BUDGET = 8000;

export default async function contextBench(): Promise<BenchRow[]> {
  // The package's exports map hides package.json; its folder is found from the main entry.
  const pkg = path.join(
    require.resolve('@anthropic-ai/sdk').split(`${path.sep}@anthropic-ai${path.sep}sdk${path.sep}`)[0]!,
    '@anthropic-ai',
    'sdk',
  );
  const base = mkdtempSync(path.join(tmpdir(), 'rg-context-bench-'));
  const root = path.join(base, 'sdk');
  cpSync(path.join(pkg, 'src'), path.join(root, 'src'), { recursive: true });
  const files = new NodeWorkspaceFiles(root);
  const rows: BenchRow[] = [];
  try {
    const sources = (await files.list('')).filter((p) => languageOf(p) === 'typescript');
    const bytes = sources.reduce((n, p) => n + readFileSync(path.join(root, p)).length, 0);
    const label = `${sources.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB`;

    const parseAll = async (): Promise<void> => {
      for (const p of sources) (await parseTree('typescript', readFileSync(path.join(root, p), 'utf8'))).delete();
    };
    const rawParse = await median(parseAll, 3, 1);

    let n = 0;
    const cold = await median(
      async () => {
        const g = new SymbolGraph({ files, cacheDir: path.join(base, `cold-${n++}`) });
        await g.ensureBuilt();
      },
      3,
      1,
    );
    // How long the event loop is held at a stretch during a cold build (an editor must stay responsive).
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    await new SymbolGraph({ files, cacheDir: path.join(base, 'cold-stall') }).ensureBuilt();
    loop.disable();
    const stall = `longest event-loop stall ${(loop.max / 1e6).toFixed(0)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms`;
    rows.push({
      name: `context: graph build, cold (${label})`,
      ms: cold,
      reference: { name: 'tree-sitter parse only, same files', ms: rawParse },
      note: stall,
    });

    const cacheDir = path.join(base, 'cache');
    const seeded = new SymbolGraph({ files, cacheDir });
    await seeded.ensureBuilt();
    const skipped = seeded.notes().filter((x) => x.startsWith('Skipped')).length;
    const warm = await median(
      async () => {
        const g = new SymbolGraph({ files, cacheDir });
        await g.ensureBuilt();
        if (g.stats.parses !== 0) throw new Error('warm build parsed files');
      },
      5,
      1,
    );
    rows.push({
      name: 'context: graph build, warm from disk cache',
      ms: warm,
      reference: { name: 'graph build, cold', ms: cold },
      note: `${skipped} files over 512 KiB skipped`,
    });

    const edited = 'src/internal/utils/backoff.ts';
    const original = readFileSync(path.join(root, edited), 'utf8');
    let k = 0;
    const refresh = await median(
      async () => {
        writeFileSync(path.join(root, edited), `${original}\nexport function benchAdded${k++}(): number { return ${k}; }\n`);
        await seeded.refresh();
      },
      7,
      1,
    );
    rows.push({ name: 'context: refresh() after one file changed', ms: refresh, reference: { name: 'graph build, warm', ms: warm } });
    const update = await median(
      async () => {
        writeFileSync(path.join(root, edited), `${original}\nexport function benchAdded${k++}(): number { return ${k}; }\n`);
        await seeded.updateFile(edited);
      },
      7,
      1,
    );
    rows.push({ name: 'context: updateFile() for one changed file', ms: update, reference: { name: 'refresh()', ms: refresh } });
    writeFileSync(path.join(root, edited), original);

    // Contexts through the warm per-cache graph, as the engine would get them.
    disposeSymbolGraphs();
    const graph = getSymbolGraph({ files, cacheDir });
    await graph.ensureBuilt();
    for (const t of TARGETS) {
      const opts = { files, cacheDir, targets: [{ path: t.path, function: t.function }], instruction: t.instruction, budgetTokens: BUDGET };
      let result = await buildContext(opts);
      const ms = await median(
        async () => {
          result = await buildContext(opts);
        },
        5,
        1,
      );
      const whole = [t.path, ...graph.importsOf(t.path)]
        .map((p) => countTokens(readFileSync(path.join(root, p), 'utf8')))
        .reduce((a, b) => a + b, 0);
      const wholeMs = await median(() => buildContext({ ...opts, wholeFiles: true, budgetTokens: 10_000_000 }), 5, 1);
      const kinds = result.pieces.reduce<Record<string, number>>((acc, p) => ((acc[p.reason] = (acc[p.reason] ?? 0) + 1), acc), {});
      rows.push({
        name: `context: ${t.function} (budget ${BUDGET})`,
        ms,
        reference: { name: 'whole target file only (wholeFiles)', ms: wholeMs },
        note: `${result.tokens} tokens vs ${whole} for the whole file + ${graph.importsOf(t.path).size} direct imports (${((100 * result.tokens) / whole).toFixed(0)}%); pieces: ${Object.entries(
          kinds,
        )
          .map(([r, c]) => `${c} ${r}`)
          .join(', ')}`,
      });
    }
  } finally {
    disposeSymbolGraphs();
    rmSync(base, { recursive: true, force: true });
  }
  return rows;
}
