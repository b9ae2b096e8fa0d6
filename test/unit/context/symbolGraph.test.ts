import { strict as assert } from 'node:assert';
import { existsSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SymbolGraph } from '../../../src/core/context/symbolGraph';
import { CancelledError } from '../../../src/core/ports';
import { tempWorkspace, type TempWorkspace } from './workspace';

const names = (g: SymbolGraph, file: string): string[] => g.entry(file)?.tags?.defs.map((d) => d.name) ?? [];

describe('context: symbol graph', () => {
  let ws: TempWorkspace | undefined;
  afterEach(() => {
    ws?.dispose();
    ws = undefined;
  });

  it('indexes definitions, references and imports, with edges across files', async () => {
    ws = tempWorkspace('ts-shop');
    const g = new SymbolGraph({ files: ws.files });
    await g.ensureBuilt();
    assert.deepEqual(names(g, 'src/userRepo.ts'), ['UserRepo', 'find', 'save', 'normalizeName']);
    assert.deepEqual([...g.importsOf('src/userService.ts')].sort(), ['src/models.ts', 'src/userRepo.ts']);
    assert.deepEqual([...g.importersOf('src/userRepo.ts')].sort(), ['src/userService.ts']);
    const r = g.resolve('src/userService.ts', 'normalizeName');
    assert.equal(r?.how, 'import');
    assert.deepEqual(
      r?.locs.map((l) => l.path),
      ['src/userRepo.ts'],
    );
    assert.equal(g.stats.parses, 6);
  });

  it('does not index files a .gitignore excludes (a folder rule and a glob rule), and notes them', async () => {
    ws = tempWorkspace('ts-shop');
    const g = new SymbolGraph({ files: ws.files });
    await g.ensureBuilt();
    assert.equal(g.entry('generated/schema.ts'), undefined);
    assert.equal(g.entry('src/settings.local.ts'), undefined);
    assert.equal(g.definitionsNamed('generatedOnlyHelper').length, 0);
    assert.ok(
      g.notes().some((n) => n.startsWith('2 source files excluded by .gitignore')),
      g.notes().join('\n'),
    );
    // A watcher reporting an ignored file does not sneak it in.
    await g.updateFile('generated/schema.ts');
    assert.equal(g.entry('generated/schema.ts'), undefined);

    // .git/info/exclude counts as well.
    ws.write('.git/info/exclude', 'src/reports.ts\n');
    await g.refresh();
    assert.equal(g.entry('src/reports.ts'), undefined);

    const py = tempWorkspace('py-shop');
    try {
      const gp = new SymbolGraph({ files: py.files });
      await gp.ensureBuilt();
      assert.equal(gp.entry('build/generated.py'), undefined);
      assert.ok(gp.entry('shop/repo.py')?.tags);
    } finally {
      py.dispose();
    }
  });

  it('skips a file over the size limit with a note, and indexes it once it shrinks', async () => {
    ws = tempWorkspace('ts-shop');
    const big =
      'export const table = [\n' +
      '  "0123456789abcdef0123456789abcdef0123456789abcdef",\n'.repeat(11_000) +
      '];\nexport function bigHelper() {}\n';
    assert.ok(big.length > 512 * 1024);
    ws.write('src/big.ts', big);
    const g = new SymbolGraph({ files: ws.files });
    await g.ensureBuilt();
    assert.match(g.entry('src/big.ts')?.skipped ?? '', /KiB is over the 512 KiB limit/);
    assert.equal(g.definitionsNamed('bigHelper').length, 0);
    assert.ok(
      g.notes().some((n) => n.startsWith('Skipped src/big.ts:')),
      g.notes().join('\n'),
    );
    ws.write('src/big.ts', 'export function bigHelper() {}\n');
    await g.updateFile('src/big.ts');
    assert.equal(g.entry('src/big.ts')?.skipped, undefined);
    assert.equal(g.definitionsNamed('bigHelper').length, 1);
  });

  it('refresh re-parses only the file that changed and sees its new symbol', async () => {
    ws = tempWorkspace('ts-shop');
    const g = new SymbolGraph({ files: ws.files });
    await g.ensureBuilt();
    const before = g.stats.parses;
    ws.write('src/db.ts', 'export function query(sql: string): unknown[] { return [sql]; }\nexport function transaction(): void {}\n');
    await g.refresh();
    assert.equal(g.stats.parses - before, 1);
    assert.deepEqual(names(g, 'src/db.ts'), ['query', 'transaction']);
    assert.equal(g.resolve('src/userRepo.ts', 'transaction')?.locs[0]?.path, 'src/db.ts');
  });

  it('a touched but unchanged file is not parsed again (mtime differs, hash matches)', async () => {
    ws = tempWorkspace('ts-shop');
    const g = new SymbolGraph({ files: ws.files });
    await g.ensureBuilt();
    const before = g.stats.parses;
    const future = new Date(Date.now() + 60_000);
    utimesSync(path.join(ws.root, 'src/api.ts'), future, future);
    await g.refresh();
    assert.equal(g.stats.parses, before);
    assert.equal(g.entry('src/api.ts')?.mtimeMs, statSync(path.join(ws.root, 'src/api.ts')).mtimeMs);
  });

  it('updateFile picks up a new file, an edit and a deletion', async () => {
    ws = tempWorkspace('py-shop');
    const g = new SymbolGraph({ files: ws.files });
    await g.ensureBuilt();
    ws.write('shop/audit.py', 'from .service import get_user\n\n\ndef audit(uid):\n    return get_user(uid)\n');
    await g.updateFile('shop/audit.py');
    assert.deepEqual(names(g, 'shop/audit.py'), ['audit']);
    assert.ok(g.importsOf('shop/audit.py').has('shop/service.py'));
    ws.write('shop/audit.py', 'def audit_all():\n    pass\n');
    await g.updateFile('shop/audit.py');
    assert.deepEqual(names(g, 'shop/audit.py'), ['audit_all']);
    await ws.files.remove('shop/audit.py');
    await g.updateFile('shop/audit.py');
    assert.equal(g.entry('shop/audit.py'), undefined);
    assert.equal(g.definitionsNamed('audit_all').length, 0);
  });

  it('uses the disk cache on a second build: no file is parsed again', async () => {
    ws = tempWorkspace('ts-shop');
    const first = new SymbolGraph({ files: ws.files, cacheDir: ws.cacheDir });
    await first.ensureBuilt();
    assert.equal(first.stats.parses, 6);
    assert.ok(existsSync(path.join(ws.cacheDir, 'symbol-graph.json')));

    const second = new SymbolGraph({ files: ws.files, cacheDir: ws.cacheDir });
    await second.ensureBuilt();
    assert.equal(second.stats.cacheEntriesLoaded, 6);
    assert.equal(second.stats.parses, 0);
    assert.deepEqual(names(second, 'src/userRepo.ts'), names(first, 'src/userRepo.ts'));

    // A file changed while no graph was running is parsed on the next start, and only it.
    ws.write('src/api.ts', 'export function ping(): string { return "pong"; }\n');
    const third = new SymbolGraph({ files: ws.files, cacheDir: ws.cacheDir });
    await third.ensureBuilt();
    assert.equal(third.stats.parses, 1);
    assert.deepEqual(names(third, 'src/api.ts'), ['ping']);
  });

  it('a file it cannot read (a link leading out of the workspace) is noted, and the build goes on', async () => {
    ws = tempWorkspace('ts-shop');
    const outside = path.join(path.dirname(ws.root), 'outside.ts');
    writeFileSync(outside, 'export function secret(): void {}\n');
    symlinkSync(outside, path.join(ws.root, 'src/link.ts'));
    // NodeWorkspaceFiles lists only regular files; a host that lists the link must not break the build.
    const files = Object.assign(Object.create(ws.files) as typeof ws.files, {
      list: async () => [...(await ws!.files.list('')), 'src/link.ts'],
    });
    const g = new SymbolGraph({ files });
    await g.ensureBuilt();
    assert.match(g.entry('src/link.ts')?.skipped ?? '', /^could not read: .*outside the workspace/);
    assert.equal(g.definitionsNamed('secret').length, 0);
    assert.deepEqual(names(g, 'src/userRepo.ts'), ['UserRepo', 'find', 'save', 'normalizeName']);
  });

  it('a watcher update reaches the disk cache once flushed', async () => {
    ws = tempWorkspace('py-shop');
    const g = new SymbolGraph({ files: ws.files, cacheDir: ws.cacheDir });
    await g.ensureBuilt();
    ws.write('shop/audit.py', 'def audit():\n    pass\n');
    await g.updateFile('shop/audit.py');
    await g.flush();
    const next = new SymbolGraph({ files: ws.files, cacheDir: ws.cacheDir });
    await next.ensureBuilt();
    assert.equal(next.stats.parses, 0);
    assert.deepEqual(names(next, 'shop/audit.py'), ['audit']);
  });

  it('ignores a corrupt cache file and rebuilds', async () => {
    ws = tempWorkspace('ts-shop');
    ws.write('../cache/symbol-graph.json', '{ not json');
    const g = new SymbolGraph({ files: ws.files, cacheDir: ws.cacheDir });
    await g.ensureBuilt();
    assert.equal(g.stats.parses, 6);
  });

  it('yields during a build, reports progress and stops on abort', async () => {
    ws = tempWorkspace('ts-shop');
    const g = new SymbolGraph({ files: ws.files });
    const seen: number[] = [];
    await g.refresh({ onProgress: (p) => seen.push(p.done) });
    assert.equal(seen[seen.length - 1], 6);
    const ctl = new AbortController();
    ctl.abort();
    const fresh = new SymbolGraph({ files: ws.files });
    await assert.rejects(fresh.refresh({ signal: ctl.signal }), CancelledError);
  });
});
