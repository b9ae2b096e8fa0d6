import { strict as assert } from 'node:assert';
import { SymbolGraph } from '../../../src/core/context/symbolGraph';
import { extractTags } from '../../../src/core/context/tags';
import { tempWorkspace, type TempWorkspace } from './workspace';

describe('context: tags and imports beyond TypeScript and Python', () => {
  let ws: TempWorkspace;
  let g: SymbolGraph;
  before(async () => {
    ws = tempWorkspace('polyglot');
    g = new SymbolGraph({ files: ws.files });
    await g.ensureBuilt();
  });
  after(() => ws.dispose());

  const defs = (file: string): string[] =>
    g.entry(file)?.tags?.defs.map((d) => `${d.kind} ${d.name}${d.exported ? ' (exported)' : ''}`) ?? [];

  it('Go: types, methods and functions; an import resolved through go.mod to the package files', () => {
    assert.deepEqual(defs('store/store.go'), ['class Store (exported)', 'method Price (exported)', 'function New (exported)']);
    assert.deepEqual([...g.importsOf('main.go')], ['store/store.go']);
    assert.equal(g.resolve('main.go', 'Price')?.locs[0]?.path, 'store/store.go');
    // The doc comment belongs to the definition.
    assert.equal(g.entry('store/store.go')?.tags?.defs[0]?.startLine, 3);
  });

  it('Rust: `mod` and `use crate::` resolve to files; pub marks exports', () => {
    assert.deepEqual(defs('rust/src/util.rs'), ['class Limits (exported)', 'function clamp (exported)']);
    assert.deepEqual([...g.importsOf('rust/src/lib.rs')], ['rust/src/util.rs']);
    assert.equal(g.resolve('rust/src/lib.rs', 'clamp')?.how, 'import');
  });

  it('Java: classes and methods; an import resolved by package path', () => {
    assert.deepEqual(defs('java/com/shop/data/Store.java'), ['class Store (exported)', 'method price (exported)']);
    assert.ok(g.importsOf('java/com/shop/App.java').has('java/com/shop/data/Store.java'));
    assert.equal(g.resolve('java/com/shop/App.java', 'price')?.locs[0]?.path, 'java/com/shop/data/Store.java');
  });

  it('JavaScript require() and TSX imports resolve; JSX elements count as uses', () => {
    assert.deepEqual([...g.importsOf('web/app.js')], ['web/lib.js']);
    assert.deepEqual([...g.importsOf('web/Price.tsx')], ['web/lib.js']);
    const refs = g.entry('web/Price.tsx')?.tags?.refs.map((r) => `${r.name}:${r.kind}`) ?? [];
    assert.ok(refs.includes('Price:call'), refs.join(' '));
    assert.ok(refs.includes('formatPrice:call'), refs.join(' '));
  });

  it('extracts Python imports, relative and absolute, with the names they bring', async () => {
    const t = await extractTags('python', 'import os, sys as system\nfrom ..db import session, Model as M\nfrom . import views\n');
    assert.deepEqual(t.imports, [
      { source: 'os', names: [], line: 1, endLine: 1 },
      { source: 'sys', names: [], line: 1, endLine: 1 },
      { source: '..db', names: ['session', 'Model'], line: 2, endLine: 2 },
      { source: '.', names: ['views'], line: 3, endLine: 3 },
    ]);
  });
});
