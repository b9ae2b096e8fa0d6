import { strict as assert } from 'node:assert';
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeProcessRunner } from '../../../src/core/host/nodeProcessRunner';
import { Sandbox, SandboxError, scanWorkspace } from '../../../src/core/validate/sandbox';
import { runningInGroup, GateWorkspace } from './workspace';

describe('validate/sandbox', () => {
  let ws: GateWorkspace;
  beforeEach(() => {
    ws = new GateWorkspace('node-tests');
    mkdirSync(join(ws.root, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(ws.root, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
    mkdirSync(join(ws.root, '.git'));
    writeFileSync(join(ws.root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  });
  afterEach(() => ws.dispose());

  it('copies sources, links dependencies, leaves version control out, and removes only the copy', async () => {
    const scan = await scanWorkspace(ws.root);
    const box = await Sandbox.create(scan);
    assert.equal(readFileSync(join(box.root, 'src', 'slugify.js'), 'utf8'), ws.read('src/slugify.js'));
    assert.ok(lstatSync(join(box.root, 'node_modules')).isSymbolicLink());
    assert.equal(existsSync(join(box.root, '.git')), false);
    await box.dispose();
    assert.equal(existsSync(box.root), false);
    assert.equal(
      readFileSync(join(ws.root, 'node_modules', 'dep', 'index.js'), 'utf8'),
      'module.exports = 1;\n',
      'the linked original survives',
    );
  });

  it('writes a candidate into the copy, replacing a copied link rather than writing through it', async () => {
    symlinkSync(join(ws.root, 'src', 'slugify.js'), join(ws.root, 'src', 'alias.js'));
    const box = await Sandbox.create(await scanWorkspace(ws.root));
    try {
      await box.writeCandidate([
        { path: 'src/alias.js', language: 'javascript', before: '', after: 'changed\n' },
        { path: 'src/slugify.js', language: 'javascript', before: '', after: undefined },
      ]);
      assert.equal(readFileSync(join(box.root, 'src', 'alias.js'), 'utf8'), 'changed\n');
      assert.equal(existsSync(join(box.root, 'src', 'slugify.js')), false);
      assert.notEqual(ws.read('src/slugify.js'), 'changed\n');
      assert.ok(existsSync(join(ws.root, 'src', 'slugify.js')));
    } finally {
      await box.dispose();
    }
  });

  it('refuses to write into a linked folder', async () => {
    const box = await Sandbox.create(await scanWorkspace(ws.root));
    try {
      await assert.rejects(
        box.writeCandidate([{ path: 'node_modules/dep/index.js', language: 'javascript', before: '', after: 'evil' }]),
        SandboxError,
      );
      assert.equal(readFileSync(join(ws.root, 'node_modules', 'dep', 'index.js'), 'utf8'), 'module.exports = 1;\n');
    } finally {
      await box.dispose();
    }
  });

  it('copies the linked folders when asked, counting them against the cap, a linked folder that is a link included', async () => {
    ws.write('shared/python/lib/site.py', 'X = 1\n');
    symlinkSync(join(ws.root, 'shared', 'python'), join(ws.root, '.venv'));
    const scan = await scanWorkspace(ws.root, { copyLinkedDirs: true, fileFilter: (rel) => rel.startsWith('src/') });
    assert.deepEqual(
      scan.entries.map((e) => [e.rel, e.kind]),
      [
        ['.venv/lib/site.py', 'file'],
        ['node_modules/dep/index.js', 'file'],
        ['src/slugify.js', 'file'],
      ],
    );
    const box = await Sandbox.create(scan);
    try {
      for (const dir of ['node_modules', '.venv'])
        assert.ok(lstatSync(join(box.root, dir)).isDirectory(), `${dir} is a real folder in the copy`);
      assert.equal(readFileSync(join(box.root, 'node_modules', 'dep', 'index.js'), 'utf8'), 'module.exports = 1;\n');
    } finally {
      await box.dispose();
    }
    const sourcesOnly = (await scanWorkspace(ws.root)).bytes;
    await assert.rejects(
      scanWorkspace(ws.root, { copyLinkedDirs: true, sizeCapBytes: sourcesOnly + 10 }),
      /dependency folders included, is larger than the sandbox limit/,
    );
  });

  it('stops at the size cap with a clear message', async () => {
    await assert.rejects(scanWorkspace(ws.root, { sizeCapBytes: 100 }), /larger than the sandbox limit/);
  });

  it('fingerprints the workspace state: same files same print, a touched file a new one', async () => {
    const a = await scanWorkspace(ws.root);
    assert.equal((await scanWorkspace(ws.root)).fingerprint, a.fingerprint);
    ws.write('src/slugify.js', ws.read('src/slugify.js') + '// more\n');
    assert.notEqual((await scanWorkspace(ws.root)).fingerprint, a.fingerprint);
  });
});

describe('host/NodeProcessRunner', () => {
  const runner = new NodeProcessRunner({ maxOutputBytes: 64 * 1024 });

  it('runs a shell command with stdin and env, returning its exit code and output', async () => {
    const r = await runner.run('read line; echo "$line $GREETING"; echo err >&2; exit 4', {
      cwd: process.cwd(),
      timeoutMs: 10_000,
      stdin: 'hello\n',
      env: { GREETING: 'world' },
    });
    assert.equal(r.exitCode, 4);
    assert.equal(r.stdout, 'hello world\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal(r.timedOut, false);
  });

  it('runs an executable with arguments and no shell', async () => {
    const r = await runner.run(process.execPath, {
      cwd: process.cwd(),
      timeoutMs: 10_000,
      args: ['-e', 'console.log(process.argv[1])', '$HOME'],
    });
    assert.equal(r.stdout, '$HOME\n');
  });

  it('caps output in memory, keeping the head and the tail', async () => {
    const r = await runner.run(process.execPath, {
      cwd: process.cwd(),
      timeoutMs: 20_000,
      args: ['-e', "process.stdout.write('HEAD' + 'x'.repeat(1024 * 1024) + 'TAIL')"],
    });
    assert.ok(r.stdout.length < 70 * 1024, `kept ${r.stdout.length} characters`);
    assert.ok(r.stdout.startsWith('HEAD'));
    assert.ok(r.stdout.endsWith('TAIL'));
    assert.match(r.stdout, /\[\.\.\. \d+ bytes omitted \.\.\.\]/);
  });

  it('kills the process group at the timeout', async () => {
    const r = await runner.run('sleep 30 & sleep 30; echo never', { cwd: process.cwd(), timeoutMs: 300 });
    assert.equal(r.timedOut, true);
    assert.equal(r.stdout, '');
    const pgid = runner.startedPids[runner.startedPids.length - 1]!;
    assert.deepEqual(runningInGroup(pgid), []);
  });

  it('rejects with one clear line when the executable does not exist', async () => {
    await assert.rejects(
      runner.run('/nonexistent/tool', { cwd: process.cwd(), timeoutMs: 1000, args: [] }),
      /Could not start "\/nonexistent\/tool"/,
    );
  });
});
