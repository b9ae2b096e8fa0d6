import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

/**
 * What activation evaluates: the modules reachable from src/vscode/extension.ts through static
 * imports (dynamic imports run on first use). Built with esbuild's metafile, as the real build
 * bundles it, so a static import added anywhere below activate() shows up here.
 */
const root = path.join(__dirname, '..', '..', '..');

async function staticGraph(): Promise<Set<string>> {
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'src', 'vscode', 'extension.ts')],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    metafile: true,
    external: ['vscode', './engine.js'],
    logLevel: 'silent',
  });
  const inputs = result.metafile.inputs;
  const seen = new Set<string>();
  const stack = ['src/vscode/extension.ts'];
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
    for (const f of ['src/vscode/review/approvalTree.ts', 'src/vscode/provenance/panel.ts', 'src/vscode/graphWatcher.ts']) assert.ok(graph.has(f), f);
  });

  it('does not evaluate zod or the provenance schemas (they load with the first command or view that reads the store)', () => {
    const heavy = [...graph].filter((f) => f.includes('node_modules/zod/') || /^src\/core\/(provenance\/(schema|stats|records|store)|findings|settings)\.ts$/.test(f));
    assert.deepEqual(heavy.filter((f) => !f.includes('/locales/')).slice(0, 12), []);
  });

  it('does not evaluate the engine (TypeScript, tree-sitter, the model SDKs)', () => {
    const engine = [...graph].filter((f) => /node_modules\/(typescript|web-tree-sitter|@anthropic-ai|openai)\//.test(f) || f === 'src/vscode/engine.ts');
    assert.deepEqual(engine, []);
  });
});
