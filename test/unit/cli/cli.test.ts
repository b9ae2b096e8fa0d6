import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { copyFixture, snapshotFiles } from '../../support/tempWorkspace';
import { captureIO } from '../../support/captureIO';
import { DEMO, DEMO_TRANSCRIPT, demoRefactorArgs } from '../../support/demoRun';

function noStackTrace(text: string): void {
  assert.doesNotMatch(text, /\n\s+at .+\(.+:\d+:\d+\)/, 'no stack trace');
}

describe('refactor-guard CLI', function () {
  this.timeout(60000);

  it('refactor --json prints the run with patches and leaves a dry-run proposal that apply can land later', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      const before = snapshotFiles(ws.dir);
      const io = captureIO();
      assert.equal(await main(demoRefactorArgs(ws.dir, '--dry-run', '--json'), io), 0);
      const out = JSON.parse(io.stdout) as {
        runId: string;
        status: string;
        attempts: number;
        patches: { id: string; file: string; valid: boolean; risk: number; status: string; diff: string }[];
      };
      assert.equal(out.status, 'proposed');
      assert.equal(out.attempts, 2);
      assert.equal(out.patches.length, 1);
      assert.deepEqual(
        Object.keys(out.patches[0]!)
          .filter((k) => ['id', 'file', 'valid', 'risk', 'status', 'diff'].includes(k))
          .sort(),
        ['diff', 'file', 'id', 'risk', 'status', 'valid'],
      );
      assert.equal(out.patches[0]!.status, 'pending');
      assert.deepEqual(snapshotFiles(ws.dir), before);

      const apply = captureIO();
      assert.equal(await main(['apply', out.runId, '--workspace', ws.dir], apply), 0, apply.stderr);
      assert.match(readFileSync(join(ws.dir, 'src/userService.ts'), 'utf8'), /this\.cache\.set/);
      const verify = captureIO();
      assert.equal(await main(['verify', '--workspace', ws.dir], verify), 0);
      assert.match(verify.stdout, /chain intact/);
    } finally {
      ws.cleanup();
    }
  });

  it('without a terminal, refactor behaves as --dry-run and prints the patch table', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      const before = snapshotFiles(ws.dir);
      const io = captureIO({ interactive: false });
      assert.equal(await main(demoRefactorArgs(ws.dir), io), 0, io.stderr);
      assert.match(io.stdout, /patch\s+file\s+valid\s+risk/);
      assert.match(io.stdout, /p1\s+src\/userService\.ts\s+yes\s+0\.\d\d (low|medium|high)/);
      assert.match(io.stdout, /Provenance: /);
      assert.deepEqual(snapshotFiles(ws.dir), before);
    } finally {
      ws.cleanup();
    }
  });

  it('asks per patch at a terminal and applies on yes', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      const io = captureIO({ interactive: true, answers: ['y'] });
      assert.equal(await main(demoRefactorArgs(ws.dir), io), 0, io.stderr);
      assert.match(io.stderr, /Apply p1 to src\/userService\.ts\? \[y\/N\]/);
      assert.match(readFileSync(join(ws.dir, 'src/userService.ts'), 'utf8'), /this\.cache\.set/);
    } finally {
      ws.cleanup();
    }
  });

  it('exits 1 when a patch the user said yes to could not be applied (the file changed meanwhile)', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      const target = join(ws.dir, 'src/userService.ts');
      const io = captureIO({ interactive: true, answers: ['y'] });
      const ask = io.ask.bind(io);
      io.ask = async (question: string) => {
        writeFileSync(target, readFileSync(target, 'utf8') + '// edited while the patch was on screen\n');
        return ask(question);
      };
      assert.equal(await main(demoRefactorArgs(ws.dir), io), 1, io.stderr);
      assert.match(io.stderr, /changed since the proposal/);
      assert.match(readFileSync(target, 'utf8'), /edited while the patch was on screen/);
    } finally {
      ws.cleanup();
    }
  });

  it('--auto-apply applies only under --max-risk', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      const before = snapshotFiles(ws.dir);
      const low = captureIO();
      assert.equal(await main(demoRefactorArgs(ws.dir, '--auto-apply', '--max-risk', '0', '--json'), low), 0);
      assert.equal((JSON.parse(low.stdout) as { patches: { status: string }[] }).patches[0]!.status, 'pending');
      assert.deepEqual(snapshotFiles(ws.dir), before);
      const high = captureIO();
      assert.equal(await main(demoRefactorArgs(ws.dir, '--auto-apply', '--max-risk', '1', '--json'), high), 0);
      assert.equal((JSON.parse(high.stdout) as { patches: { status: string }[] }).patches[0]!.status, 'applied');
    } finally {
      ws.cleanup();
    }
  });

  it('exits 1 with JSON when no valid patch survives the budget', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      const t = JSON.parse(readFileSync(DEMO_TRANSCRIPT, 'utf8')) as { replies: unknown[] };
      const broken = join(ws.dir, 'broken.json');
      writeFileSync(
        broken,
        JSON.stringify({ replies: [t.replies[0], { ...(t.replies[0] as object), phase: 'repair', expectRequestIncludes: [] }] }),
      );
      const io = captureIO();
      const code = await main(
        [
          'refactor',
          'Add caching to the user service',
          '-t',
          'src/userService.ts',
          '--provider',
          'replay',
          '--transcript',
          broken,
          '--config',
          'fast',
          '--json',
          '--workspace',
          ws.dir,
        ],
        io,
      );
      assert.equal(code, 1);
      const out = JSON.parse(io.stdout) as { status: string; patches: { valid: boolean }[] };
      assert.equal(out.status, 'no_valid_patch');
      assert.equal(out.patches[0]!.valid, false);
    } finally {
      ws.cleanup();
    }
  });

  it('exits 2 with one line for bad usage, and never prints a stack trace', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      for (const args of [
        ['refactor', 'x', '-t', '../outside.ts', '--provider', 'replay', '--transcript', DEMO_TRANSCRIPT, '--workspace', ws.dir],
        ['refactor', 'x', '-t', 'src/missing.ts', '--provider', 'replay', '--transcript', DEMO_TRANSCRIPT, '--workspace', ws.dir],
        ['refactor', 'x', '-t', 'src', '--provider', 'replay', '--transcript', DEMO_TRANSCRIPT, '--workspace', ws.dir],
        ['validate', 'src', '--workspace', ws.dir],
        ['refactor', 'x', '-t', 'src/userService.ts', '--provider', 'replay', '--workspace', ws.dir],
        ['refactor', 'x', '-t', 'src/userService.ts', '--max-risk', '2', '--auto-apply', '--workspace', ws.dir],
        ['refactor', 'x', '-t', 'src/userService.ts', '--config', 'turbo', '--workspace', ws.dir],
        ['no-such-command'],
      ]) {
        const io = captureIO();
        assert.equal(await main(args, io), 2, `${args.join(' ')}: ${io.stderr}`);
        assert.ok(io.stderr.trim().length > 0);
        noStackTrace(io.stderr);
      }
    } finally {
      ws.cleanup();
    }
  });

  it('refuses --dry-run together with --auto-apply (exit 2) instead of writing files on a dry run', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      const before = snapshotFiles(ws.dir);
      const io = captureIO();
      assert.equal(await main(demoRefactorArgs(ws.dir, '--dry-run', '--auto-apply', '--max-risk', '1'), io), 2, io.stderr);
      assert.match(io.stderr, /--dry-run/);
      assert.deepEqual(snapshotFiles(ws.dir), before, 'a dry run writes nothing');
    } finally {
      ws.cleanup();
    }
  });

  it('exits 3 when the provider fails (no key), records the outcome, and leaves files untouched', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      const before = snapshotFiles(ws.dir);
      const io = captureIO({ env: { ANTHROPIC_API_KEY: undefined } });
      const code = await main(['refactor', 'x', '-t', 'src/userService.ts', '--provider', 'anthropic', '--workspace', ws.dir], io);
      assert.equal(code, 3, io.stderr);
      assert.match(io.stderr, /API key/i);
      assert.equal(io.stderr.trim().split('\n').length, 1);
      noStackTrace(io.stderr);
      assert.deepEqual(snapshotFiles(ws.dir), before);
    } finally {
      ws.cleanup();
    }
  });

  it('validate finds a type error however the path is spelled (./src/x.ts, src\\x.ts)', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      writeFileSync(join(ws.dir, 'src/typeerr.ts'), 'export const x: number = "s";\n');
      for (const spelled of ['./src/typeerr.ts', 'src\\typeerr.ts']) {
        const io = captureIO();
        assert.equal(await main(['validate', spelled, '--json', '--workspace', ws.dir], io), 1, `${spelled}: ${io.stdout}`);
        const out = JSON.parse(io.stdout) as { files: { path: string; valid: boolean }[] };
        assert.deepEqual(
          out.files.map((f) => [f.path, f.valid]),
          [['src/typeerr.ts', false]],
        );
      }
    } finally {
      ws.cleanup();
    }
  });

  it('validate --json reports files, languages and findings; exit 1 for a broken file', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      writeFileSync(join(ws.dir, 'src/broken.py'), 'def f(:\n    return 1\n');
      const io = captureIO();
      assert.equal(await main(['validate', 'src/userService.ts', 'src/broken.py', '--json', '--workspace', ws.dir], io), 1);
      const out = JSON.parse(io.stdout) as {
        files: { path: string; language: string; valid: boolean; findings: { line: number; category: string }[] }[];
      };
      assert.deepEqual(
        out.files.map((f) => [f.path, f.language, f.valid]),
        [
          ['src/userService.ts', 'typescript', true],
          ['src/broken.py', 'python', false],
        ],
      );
      assert.equal(out.files[1]!.findings[0]!.line, 1);
      assert.equal(out.files[1]!.findings[0]!.category, 'syntax');
    } finally {
      ws.cleanup();
    }
  });

  it('a corrupt store record gives a clear error naming the file, and list-runs still works', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      assert.equal(await main(demoRefactorArgs(ws.dir, '--dry-run', '--json'), captureIO()), 0);
      assert.equal(await main(demoRefactorArgs(ws.dir, '--dry-run', '--json'), captureIO()), 0);
      const records = join(ws.dir, '.refactor-guard', 'records');
      const first = join(records, '00000001.json');
      writeFileSync(first, readFileSync(first, 'utf8').slice(0, 40));
      const list = captureIO();
      assert.equal(await main(['list-runs', '--workspace', ws.dir], list), 0);
      assert.match(list.stderr, /00000001\.json/);
      assert.equal(list.stdout.trim().split('\n').length, 3, 'header, rule and the intact run');
      const verify = captureIO();
      assert.equal(await main(['verify', '--workspace', ws.dir], verify), 1);
      assert.match(verify.stdout, /00000001\.json/);
      noStackTrace(verify.stdout + verify.stderr);
    } finally {
      ws.cleanup();
    }
  });

  it('status, list-runs and stats read the store', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      mkdirSync(join(ws.dir, '.refactor-guard'), { recursive: true });
      assert.equal(await main(demoRefactorArgs(ws.dir, '--dry-run'), captureIO()), 0);
      const status = captureIO();
      assert.equal(await main(['status', '--latest', '--json', '--workspace', ws.dir], status), 0);
      assert.equal((JSON.parse(status.stdout) as { status: string }).status, 'proposed');
      const stats = captureIO();
      assert.equal(await main(['stats', '--json', '--workspace', ws.dir], stats), 0);
      assert.ok(JSON.parse(stats.stdout));
    } finally {
      ws.cleanup();
    }
  });
});

describe('refactor-guard apply --patch', function () {
  this.timeout(60000);

  it('takes several patch ids after one --patch and refuses an unknown one without writing', async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      const io = captureIO();
      assert.equal(await main(demoRefactorArgs(ws.dir, '--dry-run', '--json'), io), 0);
      const { runId } = JSON.parse(io.stdout) as { runId: string };
      const before = snapshotFiles(ws.dir);
      const bad = captureIO();
      assert.equal(
        await main(['apply', runId, '--patch', 'p1', 'p7', '--workspace', ws.dir], bad),
        2,
        'an unknown patch id is a usage error',
      );
      assert.match(bad.stderr, /has no patch p7/);
      assert.deepEqual(snapshotFiles(ws.dir), before);
      const good = captureIO();
      assert.equal(await main(['apply', runId.slice(0, 17), '--patch', 'p1', '--workspace', ws.dir], good), 0, good.stderr);
      assert.match(good.stdout, /applied/);
    } finally {
      ws.cleanup();
    }
  });
});

describe('refactor-guard settings files', function () {
  this.timeout(60000);

  it("ignores a workspace config's test command (a cloned repository could carry one) but takes the user's", async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      mkdirSync(join(ws.dir, '.refactor-guard'), { recursive: true });
      writeFileSync(join(ws.dir, '.refactor-guard', 'config.json'), JSON.stringify({ testCommand: 'touch pwned', preset: 'fast' }));
      const workspaceOnly = captureIO({ env: { REFACTOR_GUARD_CONFIG: join(ws.dir, 'no-user-config.json') } });
      assert.equal(await main(demoRefactorArgs(ws.dir, '--dry-run', '--json'), workspaceOnly), 0, workspaceOnly.stderr);
      assert.match(workspaceOnly.stderr, /ignored testCommand from .*config\.json/);
      const status = captureIO();
      assert.equal(await main(['status', '--latest', '--json', '--workspace', ws.dir], status), 0);
      const recorded = JSON.parse(status.stdout) as { preset: string };
      assert.equal(recorded.preset, 'fast', 'other workspace settings still apply');

      const userConfig = join(ws.dir, 'user-config.json');
      writeFileSync(userConfig, JSON.stringify({ testCommand: 'node -e "process.exit(0)"' }));
      const withUser = captureIO({ env: { REFACTOR_GUARD_CONFIG: userConfig } });
      assert.equal(await main(demoRefactorArgs(ws.dir, '--dry-run', '--json'), withUser), 0, withUser.stderr);
      const run = JSON.parse(withUser.stdout) as { runId: string };
      const record = JSON.parse(readFileSync(join(ws.dir, '.refactor-guard', 'records', '00000002.json'), 'utf8')) as {
        runId: string;
        settings: { testCommand?: string };
      };
      assert.equal(record.runId, run.runId);
      assert.equal(record.settings.testCommand, 'node -e "process.exit(0)"');
    } finally {
      ws.cleanup();
    }
  });
});
