import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashRecord } from '../../../src/core/provenance/hash';
import { StoreKey } from '../../../src/core/provenance/key';
import { ensureBuiltCli, runCli } from '../../support/cliProcess';
import { listFiles, propose, sha } from '../../support/multiFileRun';
import { tempDir } from '../../support/tempWorkspace';

/**
 * Stores this installation did not write, or that someone edited: a cloned repository can carry a
 * `.refactor-guard/` folder, so `apply` must never write what such a store says. Each case is one
 * line on stderr, exit 1, and no file changed or created.
 */
describe('hand-edited and foreign stores (real processes)', function () {
  this.timeout(120_000);
  const scratch = tempDir('rg-untrusted-');
  let template: string;
  let runId: string;
  before(async () => {
    ensureBuiltCli();
    template = join(scratch.dir, 'template');
    mkdirSync(join(template, 'src'), { recursive: true });
    mkdirSync(join(template, '.git', 'hooks'), { recursive: true });
    writeFileSync(join(template, 'src', 'notes.md'), '# Notes\n\nFirst line.\n');
    runId = await propose(template, 'Reword the first line', [['src/notes.md', 'First line.', 'The first line.']], scratch.dir);
  });
  after(() => scratch.cleanup());

  let n = 0;
  function copy(): { ws: string; record: string; before: Map<string, string> } {
    const ws = join(scratch.dir, `ws-${n++}`);
    cpSync(template, ws, { recursive: true });
    const records = join(ws, '.refactor-guard', 'records');
    const record = join(records, readdirSync(records).sort().pop()!);
    return { ws, record, before: snapshot(ws) };
  }
  function snapshot(ws: string): Map<string, string> {
    return new Map(listFiles(ws, ['.refactor-guard']).map((f) => [f, sha(readFileSync(join(ws, f)))]));
  }
  async function refusedApply(ws: string, pattern: RegExp, before: Map<string, string>): Promise<void> {
    const r = await runCli(['apply', runId, '--workspace', ws]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.deepEqual(snapshot(ws), before, 'no file changed or created');
  }
  const edit = (file: string, change: (r: Record<string, any>) => void, rehash: boolean, key?: StoreKey) => {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
    change(r);
    if (rehash) r.hash = hashRecord(r);
    if (key) r.mac = key.sign(r.hash);
    writeFileSync(file, JSON.stringify(r, null, 2));
  };

  it('a pending record whose afterSha256 was edited is not applied', async () => {
    const { ws, record, before } = copy();
    edit(record, (r) => (r.patches[0].afterSha256 = 'a'.repeat(64)), false);
    await refusedApply(ws, /was edited|damaged/, before);
  });

  it('a record retargeted at .git/hooks/post-checkout and re-hashed is not signed, and is not applied', async () => {
    const { ws, record, before } = copy();
    edit(record, (r) => (r.patches[0].file = '.git/hooks/post-checkout'), true);
    await refusedApply(ws, /not signed by this installation/, before);
    assert.equal(existsSync(join(ws, '.git', 'hooks', 'post-checkout')), false);
  });

  it('even signed with the user key, a patch aimed at .git/hooks is refused by the path rules', async () => {
    const { ws, record, before } = copy();
    const key = await StoreKey.loadOrCreate(join(process.env.XDG_CONFIG_HOME!, 'refactor-guard', 'store.key'));
    edit(
      record,
      (r) => {
        r.patches[0].file = '.git/hooks/post-checkout';
        r.targets = [{ path: '.git/hooks/post-checkout' }];
      },
      true,
      key,
    );
    await refusedApply(ws, /inside \.git\//, before);
  });

  it('a store another installation wrote is read with warnings and never acted on, nor appended to', async () => {
    const other = join(scratch.dir, 'other-user.key');
    const ws = join(scratch.dir, 'foreign');
    mkdirSync(join(ws, 'src'), { recursive: true });
    writeFileSync(join(ws, 'src', 'notes.md'), '# Notes\n\nFirst line.\n');
    // What a cloned repository would carry: a proposal someone else made and signed.
    const transcript = join(scratch.dir, 'foreign.json');
    writeFileSync(
      transcript,
      JSON.stringify({
        replies: [
          {
            phase: 'generate',
            toolCalls: [{ name: 'patch_file', input: { path: 'src/notes.md', old_string: 'First line.', new_string: 'Injected.' } }],
          },
        ],
      }),
    );
    const made = await runCli(
      ['refactor', 'x', '-t', 'src/notes.md', '--provider', 'replay', '--transcript', transcript, '--dry-run', '--json', '--workspace', ws],
      { REFACTOR_GUARD_KEY_FILE: other },
    );
    assert.equal(made.code, 0, made.stderr);
    const theirs = (JSON.parse(made.stdout) as { runId: string }).runId;
    const before = snapshot(ws);
    for (const args of [
      ['apply', theirs],
      ['apply', 'latest'],
      ['rollback', theirs],
    ]) {
      const r = await runCli([...args, '--workspace', ws]);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /not signed by this installation|this installation did not sign/);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    const list = await runCli(['list-runs', '--workspace', ws]);
    assert.equal(list.code, 0);
    assert.match(list.stderr, /not signed by this installation's key/);
    const verify = await runCli(['verify', '--workspace', ws]);
    assert.equal(verify.code, 1);
    assert.match(verify.stdout, /not signed by this installation's key/);
    const records = readdirSync(join(ws, '.refactor-guard', 'records'));
    const run = await runCli([
      'refactor',
      'x',
      '-t',
      'src/notes.md',
      '--provider',
      'replay',
      '--transcript',
      transcript,
      '--dry-run',
      '--workspace',
      ws,
    ]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /did not sign/);
    assert.deepEqual(readdirSync(join(ws, '.refactor-guard', 'records')), records, 'nothing appended to a foreign chain');
    assert.deepEqual(snapshot(ws), before);
  });

  it('a truncated record and a damaged blob stop an apply before any write', async () => {
    const { ws, record, before } = copy();
    const text = readFileSync(record, 'utf8');
    writeFileSync(record, text.slice(0, Math.floor(text.length / 2)));
    await refusedApply(ws, /damaged|not valid JSON/, before);

    const second = copy();
    const blobs = join(second.ws, '.refactor-guard', 'blobs');
    const doc = JSON.parse(readFileSync(second.record, 'utf8')) as { patches: { afterSha256: string }[] };
    const after = doc.patches[0]!.afterSha256;
    writeFileSync(join(blobs, after.slice(0, 2), after), 'something else entirely\n');
    await refusedApply(second.ws, /corrupt/, second.before);
  });

  it('a hand-edited journal stops every command with one line and changes nothing', async () => {
    const { ws, before } = copy();
    const journal = join(ws, '.refactor-guard', 'journal');
    mkdirSync(journal);
    writeFileSync(
      join(journal, 'lzzzzzzz-0000000000.json'),
      JSON.stringify({
        kind: 'journal',
        schemaVersion: 1,
        txId: 'lzzzzzzz-0000000000',
        runId,
        operation: 'apply',
        createdAt: new Date().toISOString(),
        actor: 'x',
        files: [{ path: 'src/notes.md', before: 'b'.repeat(64), after: 'c'.repeat(64), temp: 'src/.notes.md.x.rg-tmp' }],
        hash: 'd'.repeat(64),
        mac: 'e'.repeat(64),
      }),
    );
    for (const args of [['status'], ['apply', runId]]) {
      const r = await runCli([...args, '--workspace', ws]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /journal\/lzzzzzzz-0000000000\.json is not signed by this installation's key/);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.deepEqual(snapshot(ws), before);
  });

  it("the CLI's store ignores itself for git, so a commit never carries it to someone else", async () => {
    const ws = join(scratch.dir, 'git');
    cpSync(join(template, 'src'), join(ws, 'src'), { recursive: true });
    execFileSync('git', ['init', '-q', ws]);
    await propose(ws, 'Reword the first line', [['src/notes.md', 'First line.', 'The first line.']], scratch.dir);
    assert.equal(
      readFileSync(join(ws, '.refactor-guard', '.gitignore'), 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .join(),
      '*',
    );
    const untracked = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ws, encoding: 'utf8' });
    assert.doesNotMatch(untracked, /refactor-guard/);
    assert.match(untracked, /src\/notes\.md/);
  });
});
