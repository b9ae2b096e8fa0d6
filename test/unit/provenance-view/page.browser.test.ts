import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DecisionRecordSchema, RunRecordSchema } from '../../../src/core/provenance/schema';
import { computeStats } from '../../../src/core/provenance/stats';
import { buildViews } from '../../../src/core/provenance/views';
import type { PageState, PageToHost, PanelVM } from '../../../src/vscode/provenance/protocol';
import { buildRunVM } from '../../../src/vscode/provenance/runViewModel';
import { buildStatsVM } from '../../../src/vscode/provenance/statsViewModel';
import { finding, sampleDecisions, sampleRun, sealed } from './sampleRun';

/**
 * The Provenance page in a real browser (Debian's Chromium through playwright-core), with the
 * webview API replaced by a recorder: what a person sees and does, clicks and keys, without
 * VS Code around it. Skipped where no Chromium is installed (`apt-get install chromium`).
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function model(): PanelVM {
  const draft = sampleRun({ runId: 'run-a', extraFindings: 300 });
  draft.attempts[0]!.gates[1]!.findings.push(finding({ category: 'type_mismatch', file: 'src/user.ts', line: 40, message: HOSTILE }));
  const records = sealed([draft, ...sampleDecisions('run-a')]).map((r) =>
    r.kind === 'run' ? RunRecordSchema.parse(r) : DecisionRecordSchema.parse(r),
  );
  const views = buildViews(records, []);
  return {
    stats: buildStatsVM(computeStats(views)),
    run: buildRunVM({ run: views[0]!.run, decisions: views[0]!.decisions, states: views[0]!.patches }, { pinned: true, timeZone: 'UTC' }),
  };
}

describe('provenance view: the page in a browser', function () {
  this.timeout(60_000);
  let browser: Browser;
  let page: Page;
  let dir: string;
  let script: string;
  let css: string;
  const vm = model();

  before(async function () {
    if (!existsSync(CHROMIUM)) this.skip();
    const { provenanceBuildOptions } = await import('../../../scripts/build-provenance.mjs');
    const esbuild = await import('esbuild');
    dir = await fs.mkdtemp(join(tmpdir(), 'rg-page-browser-'));
    await esbuild.build({ ...provenanceBuildOptions, outfile: join(dir, 'page.js'), logLevel: 'silent' });
    script = await fs.readFile(join(dir, 'page.js'), 'utf8');
    css = await fs.readFile(join(__dirname, '../../../media/provenance/page.css'), 'utf8');
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  });

  after(async () => {
    await browser?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  beforeEach(async function () {
    if (!browser) this.skip();
    page = await browser.newPage({ viewport: { width: 320, height: 800 } });
  });

  afterEach(async () => {
    await page?.close();
  });

  /** Loads the page with a stand-in webview API that records messages and state, then renders `vm`. */
  async function open(state?: PageState): Promise<void> {
    await page.setContent(`<!DOCTYPE html><html><head><style>${css}</style></head><body><main id="root"></main></body></html>`);
    // A string, not a function: tsx rewrites functions with helpers the browser does not have.
    await page.addScriptTag({
      content: `window.__posted = []; window.__state = ${JSON.stringify(state ?? null)};
        window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state, setState: (s) => { window.__state = s; } });`,
    });
    await page.addScriptTag({ content: script });
    await page.evaluate((m) => window.postMessage({ type: 'render', model: m }, '*'), vm);
    await page.waitForSelector('.run-header');
  }

  const posted = () => page.evaluate(() => (window as unknown as { __posted: PageToHost[] }).__posted);
  const saved = () => page.evaluate(() => (window as unknown as { __state: PageState }).__state);

  it('asks for the model when it starts and shows the run', async () => {
    await open();
    assert.deepEqual((await posted())[0], { type: 'ready' });
    assert.equal(await page.textContent('.instruction'), 'Add caching to the user service');
    assert.equal(await page.locator('details.section').count(), 6);
  });

  it('builds a collapsed finding group only when it is opened', async () => {
    await open();
    const group = page.locator('details[data-key="a1:after:rule"]');
    assert.equal(await group.evaluate((d) => (d as HTMLDetailsElement).open), false);
    assert.equal(await group.locator('li.finding').count(), 0, 'nothing rendered while closed');
    await group.locator('summary').click();
    await group.locator('li.finding').first().waitFor();
    assert.equal(await group.locator('li.finding').count(), 150);
    await page.waitForFunction(`window.__state.open.includes('a1:after:rule')`);
  });

  it('shows hostile text as text', async () => {
    await open();
    await page.locator('details[data-key="a1:after:type_mismatch"] summary').click();
    await page.locator('details[data-key="a1:after:type_mismatch"] li.finding').first().waitFor();
    const text = await page.locator('details[data-key="a1:after:type_mismatch"]').textContent();
    assert.ok(text!.includes(HOSTILE));
    assert.equal(await page.locator('#root img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  });

  it('sends a patch click and a finding click to the host', async () => {
    await open();
    await page.getByRole('button', { name: 'src/cache.ts' }).click();
    await page.locator('details[data-key="a1:after:syntax"] summary').click();
    await page.getByRole('button', { name: 'src/cache.ts:7:3' }).click();
    assert.deepEqual((await posted()).slice(1), [
      { type: 'openPatch', runId: 'run-a', patchId: 'p2' },
      // The attempt's line: the host opens the file as attempt 1 left it.
      { type: 'openFinding', file: 'src/cache.ts', line: 7, column: 3, runId: 'run-a', attempt: 1 },
    ]);
  });

  it("badges the run with what its patches' decisions made of it, and keeps the recorded status in the title", async () => {
    await open();
    const status = page.locator('.run-title .badge').first();
    assert.equal(await status.textContent(), 'Partly applied');
    assert.equal(await status.getAttribute('title'), 'Run recorded as proposed');
  });

  it('keeps each count pill on one line, whole, in a narrow side bar', async () => {
    await page.setViewportSize({ width: 220, height: 800 });
    await open();
    const pills = page.locator('summary .count');
    assert.ok((await pills.count()) >= 5);
    for (const pill of await pills.all()) {
      const text = (await pill.textContent()) ?? '';
      const { lines, height, lineHeight } = await pill.evaluate((el) => ({
        lines: el.getClientRects().length,
        height: el.getBoundingClientRect().height,
        lineHeight: parseFloat(getComputedStyle(el).lineHeight) || 20,
      }));
      assert.equal(lines, 1, `"${text}" breaks into ${lines} boxes`);
      assert.ok(height < lineHeight * 1.6, `"${text}" is ${height}px tall`);
    }
  });

  it('reopens what was open after being hidden, from its saved state', async () => {
    await open();
    await page.locator('details[data-key="a2:before:syntax"] summary').click();
    await page.locator('details[data-key="run:timeline"] summary').click();
    // `toggle` fires after the click, in a task of its own.
    await page.waitForFunction(`window.__state.closed.includes('run:timeline') && window.__state.open.includes('a2:before:syntax')`);
    const state = await saved();
    // The view is hidden (page destroyed) and shown again: a new page with the saved state.
    await open(state);
    assert.equal(await page.locator('details[data-key="a2:before:syntax"]').evaluate((d) => (d as HTMLDetailsElement).open), true);
    assert.equal(await page.locator('details[data-key="a2:before:syntax"] li.finding').count(), 1);
    assert.equal(
      await page.locator('details[data-key="run:timeline"]').evaluate((d) => (d as HTMLDetailsElement).open),
      false,
      'a section closed by the reader stays closed',
    );
  });

  it('can be used from the keyboard', async () => {
    await open();
    await page.keyboard.press('Tab');
    assert.equal((await page.evaluate(() => document.activeElement?.textContent))?.trim(), 'Statistics1 run');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('details[data-key="stats"]').evaluate((d) => (d as HTMLDetailsElement).open), false);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'BUTTON', 'then the "Other run…" button');
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted()).at(-1), { type: 'command', command: 'listRuns' });
  });

  it('uses the width of an editor-area panel: the statistics side by side', async () => {
    await page.setViewportSize({ width: 1200, height: 800 });
    await open();
    const tops = await page
      .locator('details[data-key="stats"] > .body > *')
      .evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
    assert.ok(Math.max(...tops) - Math.min(...tops) <= 8, `one row: ${tops.join(', ')}`);
  });

  it('fits a narrow side bar without scrolling sideways', async () => {
    await page.setViewportSize({ width: 220, height: 800 });
    await open();
    for (const key of ['run:calls', 'a1:after:syntax', 'patch:p1:risk']) await page.locator(`details[data-key="${key}"] summary`).click();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    const culprits =
      overflow <= 0
        ? ''
        : await page.evaluate(
            `[...document.querySelectorAll('#root *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).slice(-5).map((e) => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40)).join(' | ')`,
          );
    assert.ok(overflow <= 0, `${overflow}px wider than the view: ${culprits}`);
  });
});
