import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPageToHost } from '../../../src/vscode/provenance/protocol';

const PAGE_DIR = join(__dirname, '../../../src/vscode/provenance/page');

describe('provenance view: the page script', () => {
  it('bundles for the browser with nothing from Node or vscode in it', async function () {
    this.timeout(20_000);
    const { provenanceBuildOptions } = await import('../../../scripts/build-provenance.mjs');
    const esbuild = await import('esbuild');
    const dir = await fs.mkdtemp(join(tmpdir(), 'rg-page-'));
    try {
      const outfile = join(dir, 'page.js');
      const result = await esbuild.build({ ...provenanceBuildOptions, outfile, metafile: true, logLevel: 'silent' });
      const inputs = Object.keys(result.metafile!.inputs);
      assert.ok(inputs.some((i) => i.endsWith('page/main.ts')));
      assert.deepEqual(
        inputs.filter((i) => !i.includes('src/vscode/provenance/')),
        [],
        'only the page and its protocol are bundled',
      );
      const text = await fs.readFile(outfile, 'utf8');
      assert.doesNotMatch(text, /\brequire\(/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('never writes markup from strings: no innerHTML, outerHTML, insertAdjacentHTML or document.write', async () => {
    for (const name of await fs.readdir(PAGE_DIR)) {
      const text = await fs.readFile(join(PAGE_DIR, name), 'utf8');
      assert.doesNotMatch(text, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/, name);
    }
  });
});

describe('provenance view: messages from the page', () => {
  it('accepts the messages the page sends and nothing else', () => {
    assert.ok(isPageToHost({ type: 'ready' }));
    assert.ok(isPageToHost({ type: 'openPatch', runId: 'r', patchId: 'p1' }));
    assert.ok(isPageToHost({ type: 'openFinding', file: 'src/a.ts', line: 3, column: 1 }));
    assert.ok(isPageToHost({ type: 'openFinding', file: 'src/a.ts', line: 3, column: 1, runId: 'r', attempt: 2 }));
    assert.ok(!isPageToHost({ type: 'openFinding', file: 'src/a.ts', line: 3, column: 1, runId: 'r' }), 'a run needs its attempt');
    assert.ok(!isPageToHost({ type: 'openFinding', file: 'src/a.ts', line: 3, column: 1, runId: 'r', attempt: 0 }));
    assert.ok(isPageToHost({ type: 'command', command: 'verifyProvenance' }));
    assert.ok(!isPageToHost({ type: 'command', command: 'workbench.action.terminal.new' }), 'only the page’s own commands');
    assert.ok(!isPageToHost({ type: 'openFinding', file: 'src/a.ts', line: '3', column: 1 }));
    assert.ok(!isPageToHost({ type: 'openPatch', runId: 'r' }));
    assert.ok(!isPageToHost(null));
    assert.ok(!isPageToHost('ready'));
  });
});
