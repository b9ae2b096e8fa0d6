import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeWorkspaceFiles } from '../../../src/core/host/nodeWorkspaceFiles';
import { runRefactor } from '../../../src/core/loop/runRefactor';
import { ReplayProvider } from '../../../src/core/models/replay';
import type { Patch, RunRecord } from '../../../src/core/provenance/schema';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { readSettings } from '../../../src/core/settings';
import { bytesWithHunks, hunkLinesIn, loadVersions, sha256, type PatchVersions } from '../../../src/core/review/hunkBytes';
import { changedSpan } from '../../../src/vscode/review/textSpan';
import { TEST_KEY } from '../../support/testKey';

/**
 * Per-hunk application as the editor does it, on patches the real engine produced from the
 * fixture transcripts the VS Code integration tests use.
 */
const fixtures = path.join(__dirname, '..', '..', 'fixtures', 'vscode');

async function proposeIn(
  workspace: string,
  transcript: string,
  file: string,
  instruction: string,
): Promise<{ record: RunRecord; store: ProvenanceStore }> {
  const store = await ProvenanceStore.open(path.join(path.dirname(workspace), 'store'), { key: TEST_KEY });
  const record = await runRefactor({
    instruction,
    targets: [{ path: file }],
    settings: readSettings({}),
    preset: 'fast',
    provider: new ReplayProvider(path.join(fixtures, 'transcripts', transcript)),
    files: new NodeWorkspaceFiles(workspace),
    store,
    trusted: true,
  });
  return { record, store };
}

describe('vscode review: per-hunk bytes', () => {
  let tmp: string;
  let workspace: string;

  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'rg-patchbytes-'));
    workspace = path.join(tmp, 'ws');
    cpSync(path.join(fixtures, 'workspace'), workspace, { recursive: true });
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  async function twoHunkPatch(): Promise<{ patch: Patch; versions: PatchVersions }> {
    const { record, store } = await proposeIn(workspace, 'validate-inputs.json', 'src/math.ts', 'Validate inputs in add and scale');
    assert.equal(record.status, 'proposed');
    const patch = record.patches[0]!;
    assert.equal(patch.hunks.length, 2);
    return { patch, versions: await loadVersions(store, patch) };
  }

  it('all hunks give the proposal and no hunk the original, byte for byte', async () => {
    const { patch, versions } = await twoHunkPatch();
    assert.equal(
      sha256(
        bytesWithHunks(
          patch,
          versions,
          patch.hunks.map((h) => h.id),
        )!,
      ),
      patch.afterSha256,
    );
    assert.equal(sha256(bytesWithHunks(patch, versions, [])!), patch.beforeSha256);
  });

  it('one hunk changes only its own lines', async () => {
    const { patch, versions } = await twoHunkPatch();
    const [first, second] = patch.hunks;
    const onlyFirst = Buffer.from(bytesWithHunks(patch, versions, [first!.id])!).toString('utf8');
    const onlySecond = Buffer.from(bytesWithHunks(patch, versions, [second!.id])!).toString('utf8');
    assert.ok(onlyFirst.includes('add: NaN input') && !onlyFirst.includes('scale: factor'));
    assert.ok(onlySecond.includes('scale: factor') && !onlySecond.includes('add: NaN input'));
    const original = Buffer.from(versions.before!).toString('utf8');
    assert.equal(onlyFirst.split('\n').length, original.split('\n').length + 1);
  });

  it('keeps the byte order mark and CRLF endings of the file in a partial application', async () => {
    const file = path.join(workspace, 'src/math.ts');
    const crlf = '\ufeff' + readFileSync(file, 'utf8').replace(/\n/g, '\r\n');
    writeFileSync(file, crlf);
    const { record, store } = await proposeIn(workspace, 'validate-inputs.json', 'src/math.ts', 'Validate inputs in add and scale');
    const patch = record.patches[0]!;
    assert.equal(patch.hunks.length, 2);
    const versions = await loadVersions(store, patch);
    const partial = Buffer.from(bytesWithHunks(patch, versions, [patch.hunks[1]!.id])!);
    assert.deepEqual([...partial.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = partial.toString('utf8');
    assert.equal((text.match(/\n/g) ?? []).length, (text.match(/\r\n/g) ?? []).length, 'no bare LF');
    assert.ok(text.includes('scale: factor must be finite'));
  });

  it('places each shown hunk where it lands when others are left out', async () => {
    const { patch, versions } = await twoHunkPatch();
    const [first, second] = patch.hunks;
    const both = hunkLinesIn(patch, new Set([first!.id, second!.id]));
    const withoutFirst = hunkLinesIn(patch, new Set([second!.id]));
    assert.equal(both.get(first!.id), first!.newStart - 1);
    assert.equal(both.get(second!.id), second!.newStart - 1);
    // Leaving out the first hunk (one line added) moves the second up by one line.
    assert.equal(withoutFirst.get(second!.id), second!.newStart - 2);
    const text = Buffer.from(bytesWithHunks(patch, versions, [second!.id])!)
      .toString('utf8')
      .split('\n');
    const lead = second!.lines.findIndex((l) => !l.startsWith(' '));
    assert.match(text[withoutFirst.get(second!.id)! + lead]!, /scale: factor must be finite/);
  });
});

describe('vscode review: changedSpan', () => {
  it('covers only the differing middle', () => {
    assert.deepEqual(changedSpan('abcXdef', 'abcYYdef'), { start: 3, endCurrent: 4, endTarget: 5 });
    assert.deepEqual(changedSpan('same', 'same'), { start: 4, endCurrent: 4, endTarget: 4 });
  });

  it('never splits a CRLF pair', () => {
    const a = 'one\r\ntwo\r\n';
    const b = 'one\ntwo\r\n';
    const s = changedSpan(a, b);
    assert.equal(a.slice(0, s.start) + b.slice(s.start, s.endTarget) + a.slice(s.endCurrent), b);
    assert.notEqual(a.charCodeAt(s.start - 1), 13);
  });

  it('never splits a surrogate pair', () => {
    const a = 'x\u{1F600}y';
    const b = 'x\u{1F601}y';
    const s = changedSpan(a, b);
    assert.equal(s.start, 1);
    assert.equal(a.slice(0, s.start) + b.slice(s.start, s.endTarget) + a.slice(s.endCurrent), b);
  });
});
