import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

/**
 * What activation evaluates: the modules reachable from src/vscode/extension.ts through static
 * imports (dynamic imports run on first use). Built with esbuild's metafile, as the real build
 * bundles it, so a static import added anywhere below activate() shows up here.
 */
const root = path.join(__dirname, '..', '..', '..');

/** The files esbuild bundles from an entry, with the imports of each, as esbuild.mjs builds it. */
async function bundleInputs(entry: string, external: string[]): Promise<esbuild.Metafile['inputs']> {
  const result = await esbuild.build({
    entryPoints: [path.join(root, entry)],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    metafile: true,
    external,
    logLevel: 'silent',
  });
  return result.metafile.inputs;
}

async function staticGraph(entry = 'src/vscode/extension.ts'): Promise<Set<string>> {
  const inputs = await bundleInputs(entry, ['vscode', './engine.js']);
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const i of inputs[file]?.imports ?? []) if (i.kind !== 'dynamic-import' && !i.external) stack.push(i.path);
  }
  return seen;
}

describe('activation evaluates only the small half of the extension', function () {
  this.timeout(30_000);
  let graph: Set<string>;
  before(async () => {
    graph = await staticGraph();
  });

  it('finds the adapter modules activation registers', () => {
    for (const f of ['src/vscode/review/approvalTree.ts', 'src/vscode/provenance/panel.ts', 'src/vscode/graphWatcher.ts'])
      assert.ok(graph.has(f), f);
  });

  it('does not evaluate zod or the provenance schemas (they load with the first command or view that reads the store)', () => {
    const heavy = [...graph].filter(
      (f) => f.includes('node_modules/zod/') || /^src\/core\/(provenance\/(schema|stats|records|store)|findings|settings)\.ts$/.test(f),
    );
    assert.deepEqual(heavy.filter((f) => !f.includes('/locales/')).slice(0, 12), []);
  });

  it('does not evaluate the engine (TypeScript, tree-sitter, the model SDKs)', () => {
    const engine = [...graph].filter(
      (f) =>
        /node_modules\/(typescript|web-tree-sitter|@anthropic-ai|openai)\//.test(f) ||
        f === 'src/vscode/engine.ts' ||
        f === 'src/vscode/engineHost/engineWorker.ts',
    );
    assert.deepEqual(engine, []);
  });
});

describe('loading the engine bundle for the store evaluates neither TypeScript nor tree-sitter nor the model SDKs', function () {
  this.timeout(30_000);
  it('keeps them behind the runner, loaded when a run starts', async () => {
    // The Runs view reads the store as soon as it is shown (at startup when it was left open).
    const graph = await staticGraph('src/vscode/engine.ts');
    assert.ok(graph.has('src/core/provenance/store.ts'));
    const heavy = [...graph]
      .filter((f) => /node_modules\/(typescript|web-tree-sitter|@anthropic-ai|openai|@astral-sh)\//.test(f))
      .map((f) => f.split('/').slice(0, 3).join('/'));
    assert.deepEqual([...new Set(heavy)], []);
  });
});

describe('the engine worker bundle (dist/engineWorker.js)', function () {
  this.timeout(30_000);
  it('holds the engine and nothing of the editor: it runs in a worker thread, where vscode does not exist', async () => {
    const bundled = await bundleInputs('src/vscode/engineHost/engineWorker.ts', ['vscode']);
    assert.ok(Object.keys(bundled).includes('src/core/loop/runRefactor.ts'));
    const vscodeImports = Object.entries(bundled).filter(([, i]) => i.imports.some((x) => x.path === 'vscode'));
    assert.deepEqual(
      vscodeImports.map(([f]) => f),
      [],
    );
  });
});
