import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { captureIO } from '../../support/captureIO';
import { tempDir } from '../../support/tempWorkspace';

/** Per-hunk decisions from the CLI, through the same review core the editor uses. */
describe('refactor-guard apply --hunk / reject --hunk', function () {
  this.timeout(60_000);
  let ws: { dir: string; cleanup: () => void };
  let runId: string;
  let hunks: string[];
  const file = () => join(ws.dir, 'notes', 'list.txt');
  const original = Array.from({ length: 200 }, (_, i) => `item ${i}`).join('\n') + '\n';
  const cli = async (...args: string[]) => {
    const io = captureIO();
    const code = await main([...args, '--workspace', ws.dir], io);
    return { code, ...io };
  };

  beforeEach(async () => {
    ws = tempDir('rg-hunks-');
    mkdirSync(join(ws.dir, 'notes'));
    writeFileSync(file(), original);
    const transcript = join(ws.dir, 'transcript.json');
    writeFileSync(
      transcript,
      JSON.stringify({
        replies: [
          {
            phase: 'generate',
            toolCalls: [
              { name: 'patch_file', input: { path: 'notes/list.txt', old_string: 'item 10\n', new_string: 'item ten\n' } },
              { name: 'patch_file', input: { path: 'notes/list.txt', old_string: 'item 150\n', new_string: 'item one hundred fifty\n' } },
            ],
          },
        ],
      }),
    );
    const r = await cli(
      'refactor',
      'Spell two items',
      '-t',
      'notes/list.txt',
      '--provider',
      'replay',
      '--transcript',
      transcript,
      '--dry-run',
      '--json',
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { runId: string; patches: { hunks: { id: string }[] }[] };
    runId = doc.runId;
    hunks = doc.patches[0]!.hunks.map((h) => h.id);
    assert.equal(hunks.length, 2);
  });
  afterEach(() => ws.cleanup());

  const status = async () => {
    const r = await cli('status', '--run-id', runId, '--json');
    return JSON.parse(r.stdout) as { patches: { status: string }[] };
  };

  it('applies one hunk, then the rest, and rolls both back to the exact original', async () => {
    const one = await cli('apply', runId, '--hunk', hunks[1]!);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, new RegExp(`applied \\(hunk ${hunks[1]}\\)`));
    const text = readFileSync(file(), 'utf8');
    assert.match(text, /item one hundred fifty/);
    assert.doesNotMatch(text, /item ten/);
    assert.equal((await status()).patches[0]!.status, 'pending', 'partly applied, still open');
    const again = await cli('apply', runId, '--hunk', hunks[1]!);
    assert.match(again.stdout, /already applied/);
    const rest = await cli('apply', runId);
    assert.equal(rest.code, 0, rest.stderr);
    assert.match(readFileSync(file(), 'utf8'), /item ten[\s\S]*item one hundred fifty/);
    assert.equal((await status()).patches[0]!.status, 'applied');
    assert.equal((await cli('rollback', runId)).code, 0);
    assert.equal(readFileSync(file(), 'utf8'), original);
  });

  it('rejects one hunk and applies the other; an unknown hunk is a usage error', async () => {
    assert.equal((await cli('reject', runId, '--hunk', hunks[0]!)).code, 0);
    assert.equal((await cli('apply', runId)).code, 0);
    const text = readFileSync(file(), 'utf8');
    assert.doesNotMatch(text, /item ten/);
    assert.match(text, /item one hundred fifty/);
    assert.equal((await status()).patches[0]!.status, 'applied');
    const bad = await cli('apply', runId, '--hunk', 'h-nope');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /has no hunk h-nope/);
    assert.equal((await cli('rollback', runId, '--hunk', hunks[0]!)).code, 2, 'rollback takes no hunks');
  });

  it('reject refuses a patch whose proposal is already on disk without a record', async () => {
    // The bytes of the whole proposal, as an apply killed by an earlier release left them.
    writeFileSync(file(), original.replace('item 10\n', 'item ten\n').replace('item 150\n', 'item one hundred fifty\n'));
    const r = await cli('reject', runId);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /already holds this patch's proposal/);
    assert.equal((await status()).patches[0]!.status, 'pending');
    assert.equal((await cli('apply', runId)).code, 0, 'applying records it');
    assert.equal((await cli('rollback', runId)).code, 0);
    assert.equal(readFileSync(file(), 'utf8'), original);
  });
});
