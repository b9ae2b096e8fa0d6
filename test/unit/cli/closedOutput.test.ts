import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { captureIO } from '../../support/captureIO';
import { runSourceCli } from '../../support/sourceCli';
import { copyFixture } from '../../support/tempWorkspace';
import { DEMO, demoRefactorArgs } from '../../support/demoRun';

/**
 * `refactor-guard ... | head -c 1`: the reader goes away and the next write fails with EPIPE.
 * The process must end quietly, as Unix tools do, with the command's own exit code: real child
 * processes whose stdout pipe is closed before they write.
 */

describe('refactor-guard with its output closed early', function () {
  this.timeout(120_000);

  it('ends quietly with the exit code the command had: --help, list-runs, validate --json, a failing validate', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      for (let i = 0; i < 3; i++) {
        const io = captureIO();
        assert.equal(await main(demoRefactorArgs(ws.dir, '--dry-run'), io), 0, io.stderr);
      }
      for (const [args, code] of [
        [['--help'], 0],
        [['list-runs', '--workspace', ws.dir], 0],
        [['status', '--json', '--workspace', ws.dir], 0],
        [['validate', '--json', 'src/userService.ts', '--workspace', ws.dir], 0],
        [['validate', 'src/missing.ts', '--workspace', ws.dir], 2],
      ] as const) {
        const r = await runSourceCli(args, { closeStdout: true });
        assert.equal(r.timedOut, false, `${args.join(' ')} hung`);
        if (code === 0) assert.equal(r.stderr, '', `${args.join(' ')}: nothing on stderr`);
        else assert.match(r.stderr, /^refactor-guard: src\/missing\.ts does not exist in .*\n$/, 'only the error of the command itself');
        assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      }
    } finally {
      ws.cleanup();
    }
  });

  it('still prints everything when the reader stays (the guard drops nothing)', async () => {
    const r = await runSourceCli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: refactor-guard/);
    assert.match(r.stdout, /list-runs/);
    assert.equal(r.stderr, '');
  });
});
