import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { NodeWorkspaceFiles } from '../../../src/core/host/nodeWorkspaceFiles';
import { PathError } from '../../../src/core/workspacePath';
import { runSourceCli } from '../../support/sourceCli';
import { copyFixture } from '../../support/tempWorkspace';
import { DEMO, DEMO_TRANSCRIPT, demoRefactorArgs } from '../../support/demoRun';

/**
 * Named pipes in the workspace. Reading one blocks until a writer comes, so a FIFO given as a
 * target, or lying where the engine looks (go.mod, the graph cache, the settings file), hung the
 * CLI for ever. Real FIFOs and real processes, each with a deadline: a hang fails the test.
 */

const DEADLINE_MS = 45_000;

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** Opens and closes the FIFO's write end, which gives a reader blocked on it end-of-file. */
function endBlockedRead(fifo: string): void {
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // ENXIO: no reader is blocked on it, so nothing to end.
  }
}

function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr: ${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  return lines[0]!;
}

describe('FIFOs and other special files', function () {
  this.timeout(120_000);
  before(function () {
    if (process.platform === 'win32') this.skip();
  });

  it('a FIFO given as a target is a usage error (exit 2, one line), for validate and refactor, before anything reads it', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      mkfifo(join(ws.dir, 'src', 'pipe.ts'));
      for (const args of [
        ['validate', 'src/pipe.ts', '--workspace', ws.dir],
        ['validate', 'src/userService.ts', 'src/pipe.ts', '--json', '--workspace', ws.dir],
        [
          'refactor',
          'Add caching',
          '-t',
          'src/pipe.ts',
          '--provider',
          'replay',
          '--transcript',
          DEMO_TRANSCRIPT,
          '--dry-run',
          '--workspace',
          ws.dir,
        ],
        ['context', '-t', 'src/pipe.ts', '--workspace', ws.dir],
      ]) {
        const r = await runSourceCli(args, { timeoutMs: DEADLINE_MS });
        assert.equal(r.timedOut, false, `${args[0]} hung on the FIFO`);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(oneLine(r.stderr), /^refactor-guard: Path "src\/pipe\.ts" is a named pipe \(FIFO\), not a file\.$/);
      }
    } finally {
      ws.cleanup();
    }
  });

  it('FIFOs elsewhere in the workspace (go.mod, .gitignore, a source file, the graph cache, tsconfig.json) block no command', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      for (const p of ['go.mod', '.gitignore', 'pyproject.toml', 'src/pipe.ts', 'src/pipe.py']) mkfifo(join(ws.dir, p));
      mkdirSync(join(ws.dir, '.git', 'info'), { recursive: true });
      mkfifo(join(ws.dir, '.git', 'info', 'exclude'));
      mkdirSync(join(ws.dir, '.refactor-guard', 'cache'), { recursive: true });
      mkfifo(join(ws.dir, '.refactor-guard', 'cache', 'symbol-graph.json'));

      const validate = await runSourceCli(['validate', 'src/userService.ts', '--json', '--workspace', ws.dir], { timeoutMs: DEADLINE_MS });
      assert.equal(validate.timedOut, false, 'validate hung');
      assert.equal(validate.code, 0, validate.stderr);

      const context = await runSourceCli(['context', '-t', 'src/userService.ts', '--json', '--workspace', ws.dir], {
        timeoutMs: DEADLINE_MS,
      });
      assert.equal(context.timedOut, false, 'context hung');
      assert.equal(context.code, 0, context.stderr);

      const refactor = await runSourceCli(demoRefactorArgs(ws.dir, '--dry-run', '--json'), { timeoutMs: DEADLINE_MS });
      assert.equal(refactor.timedOut, false, 'refactor hung');
      assert.equal(refactor.code, 0, refactor.stderr);
      assert.equal((JSON.parse(refactor.stdout) as { status: string }).status, 'proposed');

      // A tsconfig.json that is a pipe is no config, not a hang.
      renameSync(join(ws.dir, 'tsconfig.json'), join(ws.dir, 'tsconfig.real.json'));
      mkfifo(join(ws.dir, 'tsconfig.json'));
      const noConfig = await runSourceCli(['validate', 'src/userService.ts', '--workspace', ws.dir], { timeoutMs: DEADLINE_MS });
      assert.equal(noConfig.timedOut, false, 'validate hung on tsconfig.json');
      assert.equal(noConfig.code, 0, noConfig.stderr);
    } finally {
      ws.cleanup();
    }
  });

  it('a FIFO as the workspace config file is a one-line usage error, not a hang', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      mkdirSync(join(ws.dir, '.refactor-guard'), { recursive: true });
      mkfifo(join(ws.dir, '.refactor-guard', 'config.json'));
      const r = await runSourceCli(['validate', 'src/userService.ts', '--workspace', ws.dir], { timeoutMs: DEADLINE_MS });
      assert.equal(r.timedOut, false, 'validate hung on config.json');
      assert.equal(r.code, 2, r.stderr);
      assert.match(oneLine(r.stderr), /config\.json is not valid settings: .*is a named pipe \(FIFO\), not a regular file\.$/);
    } finally {
      ws.cleanup();
    }
  });

  it('NodeWorkspaceFiles.read refuses a FIFO with a PathError, and still reads files and reports folders', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      const fifo = join(ws.dir, 'src', 'pipe.ts');
      mkfifo(fifo);
      const files = new NodeWorkspaceFiles(ws.dir);
      // In this process a read that blocked would hold a thread for ever and keep mocha from
      // exiting; should one block, a writer that comes and goes ends it (and the test fails).
      const unblock = setTimeout(() => endBlockedRead(fifo), 5_000);
      try {
        await assert.rejects(
          files.read('src/pipe.ts'),
          (err: unknown) => err instanceof PathError && /named pipe \(FIFO\)/.test(err.message),
        );
      } finally {
        clearTimeout(unblock);
      }
      await assert.rejects(
        files.read('src'),
        (err: unknown) => err instanceof PathError && err.message === 'Path "src" is a folder, not a file.',
      );
      assert.ok((await files.read('src/userService.ts'))!.byteLength > 0);
      assert.equal(await files.read('src/missing.ts'), undefined);
      assert.deepEqual(
        (await files.list('src')).filter((p) => p.includes('pipe')),
        [],
        'the listing keeps regular files only',
      );
    } finally {
      ws.cleanup();
    }
  });
});
