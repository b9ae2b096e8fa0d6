import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { hashRecord } from '../../../src/core/provenance/hash';
import { captureIO } from '../../support/captureIO';
import { tempDir } from '../../support/tempWorkspace';

/**
 * Ways around the checks that a careful attacker (or an unlucky edit) could take, each tried on a
 * real store through the CLI: unsigned records slipped in after signed ones, a removed record,
 * links that lead a write into .git or make two targets one file.
 */
describe('a store tampered with, and paths that lead elsewhere', function () {
  this.timeout(60_000);
  let ws: { dir: string; cleanup: () => void };
  beforeEach(() => {
    ws = tempDir('rg-tamper-');
    mkdirSync(join(ws.dir, 'src'));
    mkdirSync(join(ws.dir, '.git', 'hooks'), { recursive: true });
    writeFileSync(join(ws.dir, 'src', 'notes.md'), '# Notes\n\nfirst\n');
  });
  afterEach(() => ws.cleanup());
  const cli = async (...args: string[]) => {
    const io = captureIO();
    const code = await main([...args, '--workspace', ws.dir], io);
    return { code, ...io };
  };
  const records = () => join(ws.dir, '.refactor-guard', 'records');
  const record = (seq: number) => join(records(), `${String(seq).padStart(8, '0')}.json`);
  const head = () => JSON.parse(readFileSync(record(readdirSync(records()).length), 'utf8')) as Record<string, any>;
  async function propose(calls: unknown[], targets: string[], extra: string[] = []): Promise<string> {
    const transcript = join(ws.dir, `t${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(transcript, JSON.stringify({ replies: [{ phase: 'generate', toolCalls: calls }] }));
    const r = await cli(
      'refactor',
      'x',
      ...targets.flatMap((t) => ['-t', t]),
      '--provider',
      'replay',
      '--transcript',
      transcript,
      '--dry-run',
      '--json',
      ...extra,
    );
    rmSync(transcript);
    return (JSON.parse(r.stdout) as { runId: string }).runId;
  }
  const patchNotes = { name: 'patch_file', input: { path: 'src/notes.md', old_string: 'first', new_string: 'First' } };

  it('an unsigned prune marker after signed records hides nothing: verify faults it and a rejected patch stays rejected', async () => {
    const runId = await propose([patchNotes], ['src/notes.md']);
    assert.equal((await cli('reject', runId)).code, 0);
    const rejection = JSON.parse(readFileSync(record(2), 'utf8')) as Record<string, any>;
    const h = head();
    const marker: Record<string, any> = {
      kind: 'prune',
      schemaVersion: 1,
      seq: h.seq + 1,
      createdAt: new Date().toISOString(),
      fromSeq: 2,
      toSeq: 2,
      lastPrunedHash: rejection.hash,
      prevHash: h.hash,
    };
    marker.hash = hashRecord(marker);
    writeFileSync(record(marker.seq), JSON.stringify(marker));
    const verify = await cli('verify');
    assert.equal(verify.code, 1);
    assert.match(verify.stdout, /00000003\.json is not signed by this installation's key/);
    const apply = await cli('apply', runId);
    assert.equal(apply.code, 1);
    assert.equal(readFileSync(join(ws.dir, 'src', 'notes.md'), 'utf8'), '# Notes\n\nfirst\n', 'the rejected patch was not written');
  });

  it('a removed record stops apply and reject: the chain no longer says what was decided', async () => {
    const runId = await propose([patchNotes], ['src/notes.md']);
    assert.equal((await cli('reject', runId)).code, 0);
    await propose([patchNotes], ['src/notes.md']);
    rmSync(record(2)); // the rejection
    for (const args of [
      ['apply', runId],
      ['reject', runId],
    ]) {
      const r = await cli(...args);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /The provenance store is damaged \(record 2 .* is missing/);
    }
    assert.equal(readFileSync(join(ws.dir, 'src', 'notes.md'), 'utf8'), '# Notes\n\nfirst\n');
  });

  it('an unsigned run appended after signed records is foreign: not adopted, not rejected, not applied', async () => {
    await propose([patchNotes], ['src/notes.md']);
    const forged = JSON.parse(readFileSync(record(1), 'utf8')) as Record<string, any>;
    delete forged.mac;
    const h = head();
    Object.assign(forged, { schemaVersion: 1, runId: 'forged-run', seq: h.seq + 1, prevHash: h.hash });
    forged.hash = hashRecord(forged);
    writeFileSync(record(forged.seq), JSON.stringify(forged));
    assert.match((await cli('adopt')).stdout, /Nothing to adopt/);
    for (const args of [
      ['reject', 'forged-run'],
      ['apply', 'forged-run'],
    ])
      assert.equal((await cli(...args)).code, 1, args.join(' '));
    assert.equal(readFileSync(join(ws.dir, 'src', 'notes.md'), 'utf8'), '# Notes\n\nfirst\n');
  });

  it('a new file through a link into .git/hooks is refused when the model writes it, and when it is applied', async () => {
    symlinkSync(join('..', '.git', 'hooks'), join(ws.dir, 'src', 'h'));
    const hook = { name: 'write_file', input: { path: 'src/h/post-checkout', content: '#!/bin/sh\necho owned\n' } };
    const refused = await cli(
      'refactor',
      'x',
      '-t',
      'src/notes.md',
      '--provider',
      'replay',
      '--transcript',
      await transcriptOf([hook, patchNotes]),
      '--dry-run',
      '--json',
      '--allow-new-files',
    );
    const doc = JSON.parse(refused.stdout) as { attemptDetails: { edits: { ok: boolean; error?: string }[] }[] };
    assert.match(
      doc.attemptDetails[0]!.edits[0]!.error ?? '',
      /may not be created under \.git\/ \(src\/h\/post-checkout leads there through a link\)/,
    );

    // Proposed while src/h was a plain folder, then src/h became the link: refused at apply.
    rmSync(join(ws.dir, 'src', 'h'));
    mkdirSync(join(ws.dir, 'src', 'h'));
    const runId = await propose([hook], ['src/notes.md'], ['--allow-new-files']);
    rmSync(join(ws.dir, 'src', 'h'), { recursive: true });
    symlinkSync(join('..', '.git', 'hooks'), join(ws.dir, 'src', 'h'));
    const apply = await cli('apply', runId);
    assert.equal(apply.code, 1, apply.stdout);
    assert.match(apply.stderr, /leads through a link to \.git\/hooks\/post-checkout, inside \.git\//);
    assert.equal(existsSync(join(ws.dir, '.git', 'hooks', 'post-checkout')), false);
  });

  it('two targets that are one file (a link) are refused at apply, so neither change is silently lost', async () => {
    writeFileSync(join(ws.dir, 'src', 'a.txt'), 'alpha\nbeta\n');
    symlinkSync('a.txt', join(ws.dir, 'src', 'b.txt'));
    const runId = await propose(
      [
        { name: 'patch_file', input: { path: 'src/a.txt', old_string: 'alpha', new_string: 'ALPHA' } },
        { name: 'patch_file', input: { path: 'src/b.txt', old_string: 'beta', new_string: 'BETA' } },
      ],
      ['src/a.txt', 'src/b.txt'],
    );
    const apply = await cli('apply', runId);
    assert.equal(apply.code, 1, apply.stdout);
    assert.match(apply.stderr, /both write src\/a\.txt/);
    assert.equal(readFileSync(join(ws.dir, 'src', 'a.txt'), 'utf8'), 'alpha\nbeta\n');
  });

  async function transcriptOf(calls: unknown[]): Promise<string> {
    const file = join(ws.dir, 'transcript-link.json');
    writeFileSync(
      file,
      JSON.stringify({
        replies: [
          { phase: 'generate', toolCalls: calls },
          { phase: 'repair', text: 'No change.' },
          { phase: 'repair', text: 'No change.' },
        ],
      }),
    );
    return file;
  }
});
