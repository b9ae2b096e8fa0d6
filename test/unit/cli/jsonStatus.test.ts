import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { PatchStatusSchema } from '../../../src/core/provenance/schema';
import { captureIO } from '../../support/captureIO';
import { copyFixture } from '../../support/tempWorkspace';
import { DEMO, demoRefactorArgs } from '../../support/demoRun';

describe('patch status in --json', function () {
  this.timeout(60_000);

  it('is the status enum value (rolled_back), while the table says "rolled back"', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      const run = captureIO();
      assert.equal(await main(demoRefactorArgs(ws.dir, '--dry-run', '--json'), run), 0, run.stderr);
      const { runId } = JSON.parse(run.stdout) as { runId: string };
      const statusJson = async () => {
        const io = captureIO();
        assert.equal(await main(['status', '--run-id', runId, '--json', '--workspace', ws.dir], io), 0, io.stderr);
        return (JSON.parse(io.stdout) as { patches: { status: string; partlyApplied: boolean }[] }).patches[0]!;
      };
      assert.deepEqual(await statusJson(), { ...(await statusJson()), status: 'pending', partlyApplied: false });
      assert.equal(await main(['apply', runId, '--workspace', ws.dir], captureIO()), 0);
      assert.equal((await statusJson()).status, 'applied');
      assert.equal(await main(['rollback', runId, '--workspace', ws.dir], captureIO()), 0);
      const rolledBack = await statusJson();
      assert.equal(rolledBack.status, 'rolled_back');
      assert.equal(rolledBack.partlyApplied, false);
      assert.ok(PatchStatusSchema.safeParse(rolledBack.status).success, 'a value of the enum');

      const text = captureIO();
      assert.equal(await main(['status', '--run-id', runId, '--workspace', ws.dir], text), 0);
      assert.match(text.stdout, /p1\s+src\/userService\.ts\s+yes\s+\S+ \w+\s+\+\d+ -\d+\s+rolled back/);
    } finally {
      ws.cleanup();
    }
  });
});
