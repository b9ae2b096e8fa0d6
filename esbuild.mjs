// Bundles the extension and the CLI to CommonJS in dist/, and copies the wasm files they load
// beside the bundles: web-tree-sitter's runtime, every grammar, ruff's wasm. Run through tsx
// (`node --import tsx esbuild.mjs`) so the grammar list comes from the code that loads them.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const dist = join(root, 'dist');

const { grammarFiles } = await import('./src/core/validate/treeSitter.ts');
const { ruffWasmFile } = await import('./src/core/validate/ruffWasm.ts');

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'grammars'), { recursive: true });

const files = grammarFiles();
copyFileSync(files.runtime, join(dist, 'web-tree-sitter.wasm'));
for (const file of new Set(Object.values(files.grammars))) copyFileSync(file, join(dist, 'grammars', basename(file)));
copyFileSync(ruffWasmFile(), join(dist, 'ruff_wasm_bg.wasm'));

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // The ESM build of web-tree-sitter breaks silently in a CJS bundle (import.meta becomes {}).
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter/web-tree-sitter.cjs') },
  external: ['vscode'],
  define: { 'process.env.REFACTOR_GUARD_VERSION': JSON.stringify(require('./package.json').version) },
};

const builds = [
  { ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir: dist },
];
if (existsSync(join(root, 'src/vscode/extension.ts'))) builds.push({ ...common, entryPoints: { extension: 'src/vscode/extension.ts' }, outdir: dist });
const page = join(root, 'src/vscode/provenance/page/main.ts');
if (existsSync(page)) {
  builds.push({ bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: !production, minify: production, logLevel: 'warning', entryPoints: { page }, outdir: join(root, 'media/provenance') });
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
