import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { LANGUAGES } from '../../../src/core/languages';
import { CancelledError } from '../../../src/core/ports';
import { ruffWasmFile } from '../../../src/core/validate/ruffWasm';
import { grammarFiles, parseTree, withTree } from '../../../src/core/validate/treeSitter';

const REPO = path.resolve(__dirname, '../../..');

describe('treeSitter', () => {
  it("names a grammar file on disk for every language, and web-tree-sitter's own runtime", () => {
    const files = grammarFiles();
    assert.deepEqual(Object.keys(files.grammars).sort(), [...LANGUAGES].sort());
    for (const file of Object.values(files.grammars)) assert.ok(existsSync(file), file);
    assert.equal(path.basename(files.grammars.csharp), 'tree-sitter-c-sharp.wasm');
    assert.equal(path.basename(files.grammars.c), 'tree-sitter-c.wasm');
    assert.equal(path.basename(files.grammars.json), 'tree-sitter-json.wasm');
    assert.equal(files.grammars.jsx, files.grammars.javascript);
    assert.ok(files.runtime.includes(`${path.sep}web-tree-sitter${path.sep}`), files.runtime);
  });

  it('parses with each grammar and hands back a tree the caller owns', async () => {
    const tree = await parseTree('rust', 'fn main() {}\n');
    try {
      assert.equal(tree.rootNode.type, 'source_file');
      assert.equal(tree.rootNode.firstChild?.type, 'function_item');
    } finally {
      tree.delete();
    }
    assert.equal(await withTree('json', '{"a": [1, 2]}', (t) => t.rootNode.descendantsOfType('number').length), 2);
  });

  it('withTree returns what the callback returns, also from an async callback, and rethrows its error', async () => {
    assert.equal(await withTree('css', 'a { color: red; }', async (t) => t.rootNode.hasError), false);
    await assert.rejects(
      withTree('css', 'a {}', () => {
        throw new Error('boom');
      }),
      /boom/,
    );
  });

  it('stops a parse when its signal fires', async () => {
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(parseTree('go', 'package main\n', { signal: aborted.signal }), CancelledError);
    // The parser was reset: the next parse starts from the beginning.
    await withTree('go', 'package main\n', (t) => assert.equal(t.rootNode.hasError, false));
  });

  describe('in an esbuild CJS bundle with the wasm files copied beside it', function () {
    this.timeout(60_000);
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'syntax-bundle-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('loads the runtime and grammars from dist/, and ruff from beside the bundle', async () => {
      const dist = path.join(dir, 'dist');
      const entry = path.join(dir, 'entry.ts');
      writeFileSync(
        entry,
        `import { syntaxErrors } from ${JSON.stringify(path.join(REPO, 'src/core/validate/syntax'))};
(async () => {
  const out: Record<string, unknown> = {};
  out.go = (await syntaxErrors('go', 'package main\\nfunc f() { g(1\\n}\\n')).map((e) => e.message);
  out.csharp = (await syntaxErrors('csharp', 'class A {}\\n')).length;
  out.python = (await syntaxErrors('python', 'def f():\\n')).map((e) => e.code);
  out.ts = (await syntaxErrors('typescript', 'let x = ;\\n')).map((e) => e.code);
  try { await syntaxErrors('rust', 'fn main() {}'); out.rust = 'loaded'; } catch (err) { out.rust = (err as Error).message; }
  console.log(JSON.stringify(out));
})();
`,
      );
      await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        outfile: path.join(dist, 'extension.js'),
        // The ESM build of web-tree-sitter breaks silently in a CJS bundle (FACTS.md): take its .cjs.
        plugins: [
          {
            name: 'web-tree-sitter-cjs',
            setup(b) {
              b.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
            },
          },
        ],
        external: ['typescript'],
        logLevel: 'silent',
      });
      const files = grammarFiles();
      mkdirSync(path.join(dist, 'grammars'));
      copyFileSync(files.runtime, path.join(dist, 'web-tree-sitter.wasm'));
      for (const [lang, file] of Object.entries(files.grammars)) {
        // Rust is left out on purpose: it must then fail to load rather than fall back to node_modules.
        if (lang !== 'rust') copyFileSync(file, path.join(dist, 'grammars', path.basename(file)));
      }
      copyFileSync(ruffWasmFile(), path.join(dist, 'ruff_wasm_bg.wasm'));
      const run = spawnSync(process.execPath, [path.join(dist, 'extension.js')], {
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: path.join(REPO, 'node_modules') },
      });
      assert.equal(run.status, 0, run.stderr);
      const out = JSON.parse(run.stdout) as Record<string, unknown>;
      assert.deepEqual(out.go, ['Missing `)`']);
      assert.equal(out.csharp, 0);
      assert.deepEqual(out.python, ['invalid-syntax']);
      assert.deepEqual(out.ts, ['TS1109']);
      assert.match(String(out.rust), /^Could not load the rust grammar \(.*dist[\\/]grammars[\\/]tree-sitter-rust\.wasm\)/);
    });
  });
});
