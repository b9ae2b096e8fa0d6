// Builds the Provenance webview's page script and puts its static assets where the page shell
// (src/vscode/provenance/html.ts) loads them from. The lead's esbuild.mjs can call it:
//
//   import { buildProvenancePage } from './scripts/build-provenance.mjs';
//   await buildProvenancePage({ production: true });
//
// or run it alone: `node scripts/build-provenance.mjs [--watch]`.
//
// Output under media/ (the only folder in the webview's localResourceRoots; ship it in the .vsix):
//   media/provenance/page.js     the page bundle (IIFE for the browser, built from TypeScript)
//   media/provenance/page.css    hand-written, committed
//   media/codicons/codicon.css   copied from @vscode/codicons/dist
//   media/codicons/codicon.ttf   copied from @vscode/codicons/dist (codicon.css loads it relatively)
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** esbuild options for the page: one browser bundle, no Node built-ins, nothing external. */
export const provenanceBuildOptions = {
  entryPoints: [path.join(root, 'src/vscode/provenance/page/main.ts')],
  outfile: path.join(root, 'media/provenance/page.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2022', 'chrome120'],
  sourcemap: false,
  logLevel: 'warning',
};

/** Copies codicon.css and codicon.ttf next to each other under media/codicons/. */
export function copyCodicons() {
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('@vscode/codicons/dist/codicon.css'));
  const out = path.join(root, 'media/codicons');
  mkdirSync(out, { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(path.join(dist, file), path.join(out, file));
}

export async function buildProvenancePage({ production = false, watch = false } = {}) {
  copyCodicons();
  const options = { ...provenanceBuildOptions, minify: production };
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
    return ctx;
  }
  await esbuild.build(options);
  return undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildProvenancePage({ watch: process.argv.includes('--watch'), production: process.argv.includes('--production') });
}
