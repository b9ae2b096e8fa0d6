// Bundles the extension and the CLI to CommonJS in dist/, and copies the wasm files they load
// beside the bundles: web-tree-sitter's runtime, every grammar, ruff's wasm. Run through tsx
// (`node --import tsx esbuild.mjs`) so the grammar list comes from the code that loads them.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const dist = join(root, 'dist');

const { grammarFiles } = await import('./src/core/validate/treeSitter.ts');
const { copyCodicons, provenanceBuildOptions } = await import('./scripts/build-provenance.mjs');
const { ruffWasmFile } = await import('./src/core/validate/ruffWasm.ts');

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'grammars'), { recursive: true });

const files = grammarFiles();
copyFileSync(files.runtime, join(dist, 'web-tree-sitter.wasm'));
for (const file of new Set(Object.values(files.grammars))) copyFileSync(file, join(dist, 'grammars', basename(file)));
copyFileSync(ruffWasmFile(), join(dist, 'ruff_wasm_bg.wasm'));
// TypeScript, once bundled, looks for its lib.*.d.ts beside the executing file (dist/); without
// them every program misses the standard library ("Cannot find name 'Map'").
const tsLib = dirname(require.resolve('typescript'));
for (const name of readdirSync(tsLib)) if (/^lib\..*\.d\.ts$/.test(name)) copyFileSync(join(tsLib, name), join(dist, name));

/**
 * The ESM build of web-tree-sitter breaks silently in a CJS bundle (import.meta becomes {}), so the
 * bare import resolves to its .cjs build (the package's "require" condition). An alias would also
 * rewrite subpaths such as web-tree-sitter/web-tree-sitter.wasm, hence a resolver for the bare name.
 */
const webTreeSitterCjs = {
  name: 'web-tree-sitter-cjs',
  setup(build) {
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
  },
};

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  plugins: [webTreeSitterCjs],
  // Those require.resolve calls only run from source (finding files to copy); the bundle finds
  // its wasm beside itself.
  logOverride: { 'require-resolve-not-external': 'silent' },
  external: ['vscode'],
  define: { 'process.env.REFACTOR_GUARD_VERSION': JSON.stringify(require('./package.json').version) },
};

const builds = [{ ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir: dist }];
// The extension is two files: a small extension.js that activates fast (VS Code parses all of it
// on activation) and engine.js with the engine, TypeScript and the providers, which
// src/vscode/loadEngine.ts requires on first use. Measured activation: 132-283 ms split against
// 418-568 ms as one 17 MB bundle.
builds.push({
  ...common,
  entryPoints: { extension: 'src/vscode/extension.ts' },
  outdir: dist,
  external: [...common.external, './engine.js'],
});
// engine.js is what the host loads to read the store (the Runs view, every review command); the
// runner (engine.ts's dynamic import) is a file of its own, since runs no longer need it on the
// host: in one file with it, engine.js took 370 ms to load, stalling the host's first run.
builds.push({
  ...common,
  entryPoints: { engine: 'src/vscode/engine.ts' },
  outdir: dist,
  external: [...common.external, './engineRunner.js'],
});
builds.push({ ...common, entryPoints: { engineRunner: 'src/vscode/engineRunner.ts' }, outdir: dist });
// The engine's worker thread (src/vscode/engineHost/): runs execute there, off the extension
// host's event loop. Its own file beside extension.js, which starts it by path on the first run.
builds.push({ ...common, entryPoints: { engineWorker: 'src/vscode/engineHost/engineWorker.ts' }, outdir: dist });
// The provenance webview's page script and the codicon font it uses, under media/.
copyCodicons();
builds.push({ ...provenanceBuildOptions, minify: production });

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
