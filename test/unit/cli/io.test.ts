import { strict as assert } from 'node:assert';
import { PassThrough } from 'node:stream';
import { processIO } from '../../../src/cli/io';
import { CliError, EXIT } from '../../../src/cli/errors';

describe('refactor-guard CLI prompts', () => {
  it('an answer typed at the prompt comes back as the line', async () => {
    const input = new PassThrough();
    const io = processIO(input, new PassThrough());
    const answer = io.ask('Apply p1? [y/N] ');
    input.write('y\n');
    assert.equal(await answer, 'y');
  });

  it('input that ends at the prompt (Ctrl-D) is an error, not a promise that never settles and a silent exit 0', async () => {
    const input = new PassThrough();
    const io = processIO(input, new PassThrough());
    const answer = io.ask('Apply p1? [y/N] ');
    input.end();
    await assert.rejects(
      answer,
      (err: unknown) => err instanceof CliError && err.exitCode === EXIT.failed && /input ended/i.test(err.message),
    );
  });
});
