import { strict as assert } from 'node:assert';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { captureIO } from '../../support/captureIO';
import { sha } from '../../support/multiFileRun';
import { tempDir } from '../../support/tempWorkspace';

/**
 * A store written by the release before records were signed (test/fixtures/legacy-store, made
 * with that release's CLI): read and verified as it is; acted on once the user adopts it.
 */
const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'legacy-store');
const DEMO_ORIGINAL = join(__dirname, '..', '..', 'fixtures', 'demo', 'workspace', 'src', 'userService.ts');
const APPLIED = '20261202-203442-7bfeeb';
const PENDING = '20261202-203440-11eb17';

describe('a store written before records were signed', function () {
  this.timeout(60_000);
  let ws: { dir: string; cleanup: () => void };
  beforeEach(() => {
    ws = tempDir('rg-legacy-');
    cpSync(join(FIXTURE, 'workspace'), ws.dir, { recursive: true });
    cpSync(join(FIXTURE, 'store'), join(ws.dir, '.refactor-guard'), { recursive: true });
  });
  afterEach(() => ws.cleanup());
  const cli = async (...args: string[]) => {
    const io = captureIO();
    const code = await main([...args, '--workspace', ws.dir], io);
    return { code, ...io };
  };
  const target = () => join(ws.dir, 'src', 'userService.ts');

  it('is read and verified as it is', async () => {
    const verify = await cli('verify');
    assert.equal(verify.code, 0, verify.stdout);
    assert.match(verify.stdout, /3 records, chain intact/);
    assert.match(verify.stdout, /3 records were written before records were signed/);
    const list = await cli('list-runs', '--json');
    assert.equal(list.code, 0);
    const runs = (JSON.parse(list.stdout) as { runs: { runId: string; patchCounts: Record<string, number> }[] }).runs;
    assert.deepEqual(
      runs.map((r) => r.runId),
      [APPLIED, PENDING],
    );
    assert.equal(runs[0]!.patchCounts.applied, 1);
    const status = await cli('status', '--run-id', APPLIED, '--json');
    assert.equal(status.code, 0);
    assert.equal((JSON.parse(status.stdout) as { patches: { status: string }[] }).patches[0]!.status, 'applied');
  });

  it('is not acted on until adopted: then it rolls back to the exact original and applies its other run', async () => {
    const applied = readFileSync(target());
    const refused = await cli('rollback', APPLIED);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /recorded before records were signed.*refactor-guard adopt/);
    assert.deepEqual(readFileSync(target()), applied, 'nothing written before adoption');
    const reject = await cli('reject', PENDING);
    assert.equal(reject.code, 1, 'not even a rejection is recorded on an unadopted run');

    const adopt = await cli('adopt');
    assert.equal(adopt.code, 0, adopt.stderr);
    assert.match(adopt.stdout, /Adopted 3 unsigned records \(through record 3\)/);
    assert.equal((await cli('adopt')).stdout.trim(), 'Nothing to adopt: every record in this store is signed by you.');

    const rollback = await cli('rollback', APPLIED);
    assert.equal(rollback.code, 0, rollback.stderr);
    assert.equal(sha(readFileSync(target())), sha(readFileSync(DEMO_ORIGINAL)), 'the exact original bytes');
    const apply = await cli('apply', PENDING);
    assert.equal(apply.code, 0, apply.stderr);
    assert.match(readFileSync(target(), 'utf8'), /this\.cache\.set/);
    const verify = await cli('verify');
    assert.equal(verify.code, 0, verify.stdout);
    assert.doesNotMatch(verify.stdout, /written before records were signed/);
  });

  it('refuses to adopt a chain someone edited', async () => {
    const records = join(ws.dir, '.refactor-guard', 'records');
    const first = join(records, readdirSync(records).sort()[0]!);
    writeFileSync(first, readFileSync(first, 'utf8').replace('Add caching to the user service', 'Add caching to the user servicE'));
    const adopt = await cli('adopt');
    assert.equal(adopt.code, 1);
    assert.match(adopt.stderr, /Not adopted: the store's chain is broken/);
  });
});
