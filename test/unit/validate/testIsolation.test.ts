import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { isBlocking } from '../../../src/core/findings';
import { NodeProcessRunner } from '../../../src/core/host/nodeProcessRunner';
import { StoreKey } from '../../../src/core/provenance/key';
import { probeBubblewrap } from '../../../src/core/validate/bubblewrap';
import { createTestGate } from '../../../src/core/validate/testGate';
import { snapshotFiles } from '../../support/tempWorkspace';
import type { GateSettingsInput } from '../../../src/core/validate/gateSettings';
import { SettingsError } from '../../../src/core/settings';
import { GateWorkspace } from './workspace';

/** Every file under `root` (links followed into linked folders) with its bytes and mtime. */
const snapshot = (root: string): Map<string, string> => snapshotFiles(root, [], { mtime: true });

/** Pids of running `sleep 988` processes, read from /proc (zombies are dead and not counted). */
function sleepers(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8') !== 'sleep\u0000988\u0000') continue;
      if (/^State:\s+Z/m.test(readFileSync(`/proc/${name}/status`, 'utf8'))) continue;
      pids.push(Number(name));
    } catch {
      // gone while we looked
    }
  }
  return pids;
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * Written into src/slugify.js by a candidate: it reads the linked dependency (the module fails to
 * load if it cannot) and tries to write into every dependency folder and, when given, into the
 * user's workspace by its absolute path.
 */
function writerCandidate(ws: GateWorkspace, absoluteTargets: string[] = []) {
  const targets = [
    "require('node:path').join(__dirname, '..', 'node_modules', 'dep', 'pwned.js')",
    "require('node:path').join(__dirname, '..', '.venv', 'lib', 'pwned.py')",
    ...absoluteTargets.map((t) => JSON.stringify(t)),
  ];
  const code = [
    "'use strict';",
    "if (require('dep') !== 42) throw new Error('the dependency cannot be read');",
    `for (const p of [${targets.join(', ')}]) { try { require('node:fs').writeFileSync(p, 'x'); } catch {} }`,
  ].join('\n');
  return ws.patch('src/slugify.js', "'use strict';", code);
}

describe('validate/test gate isolation', function () {
  this.timeout(60_000);
  let ws: GateWorkspace;
  let runner: NodeProcessRunner;
  // The probe runs once per process; running it first keeps the run counts below exact.
  before(() => probeBubblewrap(new NodeProcessRunner()));
  beforeEach(() => {
    ws = new GateWorkspace('node-tests');
    ws.write('node_modules/dep/index.js', 'module.exports = 42;\n');
    ws.write('.venv/lib/site.py', 'X = 1\n');
    runner = new NodeProcessRunner();
  });
  afterEach(() => ws.dispose());

  // Coverage is off here: these commands are probes of the sandbox, not test runs whose lines count.
  const ctx = (settings: GateSettingsInput = {}) =>
    ws.context({ testCommand: 'node --test', testTimeoutSeconds: 20, testCoverage: false, ...settings }, { processes: runner });

  async function requireBubblewrap(test: Mocha.Context): Promise<void> {
    const probe = await probeBubblewrap(runner);
    if (!probe.usable) {
      console.log(`      skipped: bubblewrap is not usable here (${probe.reason})`);
      test.skip();
    }
  }

  it('under bubblewrap, tests read the linked dependencies but cannot write to them or to the workspace', async function () {
    await requireBubblewrap(this);
    const before = snapshot(ws.root);
    const res = await createTestGate().check([writerCandidate(ws, [join(ws.root, 'src', 'evil.js')])], ctx());
    assert.deepEqual(snapshot(ws.root), before);
    assert.equal(res.skipped, undefined);
    assert.deepEqual(res.findings, [], 'the dependency was read and no isolation warning is given');
    assert.equal(runner.startedPids.length, 2);
  });

  it('without bubblewrap, dependency folders are copied: tests read them, writes stay in the copy, and the run says so', async () => {
    const before = snapshot(ws.root);
    const res = await createTestGate().check([writerCandidate(ws)], ctx({ sandboxIsolation: 'copy' }));
    assert.deepEqual(snapshot(ws.root), before);
    assert.equal(res.skipped, undefined);
    assert.equal(res.findings.filter(isBlocking).length, 0, JSON.stringify(res.findings));
    assert.deepEqual(
      res.findings.map((f) => [f.tool, f.code, f.category, f.severity]),
      [['tests', 'sandbox-copy', 'other', 'warning']],
    );
    assert.match(res.findings[0]!.message, /without an isolating sandbox.*dependency folders were copied/);
  });

  it('does not run the tests when the copied dependencies pass the size cap, and says why', async () => {
    ws.write('node_modules/big/blob.bin', 'x'.repeat(2 * 1024 * 1024));
    const before = snapshot(ws.root);
    const res = await createTestGate({ sizeCapMb: 1 }).check([writerCandidate(ws)], ctx({ sandboxIsolation: 'copy' }));
    assert.equal(res.skipped, 'workspace too large for the sandbox');
    assert.equal(res.findings.length, 1, JSON.stringify(res.findings));
    assert.equal(res.findings[0]!.severity, 'warning');
    assert.match(res.findings[0]!.message, /dependency folders.*larger than the sandbox limit of 1 MiB; the tests were not run/);
    assert.equal(runner.startedPids.length, 0);
    assert.deepEqual(snapshot(ws.root), before);
  });

  it('refuses an unknown isolation setting in one line, before any gate runs', () => {
    assert.throws(
      () => ctx({ sandboxIsolation: 'none' as 'copy' }),
      (err: Error) =>
        err instanceof SettingsError && /^Gate setting sandboxIsolation: .*"auto".*"copy"/.test(err.message) && !err.message.includes('\n'),
    );
    assert.equal(runner.startedPids.length, 0);
  });

  describe('network', () => {
    let server: Server;
    let connections = 0;
    let port = 0;
    beforeEach(async () => {
      connections = 0;
      server = createServer((s) => {
        connections++;
        s.end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
    });
    afterEach(() => new Promise<void>((r) => server.close(() => r())));

    const connect = () =>
      `node -e "const s = require('node:net').connect(${port}, '127.0.0.1'); s.on('connect', () => s.end()); s.on('error', () => {}); setTimeout(() => process.exit(0), 1000).unref();"`;

    it('is cut under bubblewrap: a server on the host loopback is out of reach', async function () {
      await requireBubblewrap(this);
      await createTestGate().check([writerCandidate(ws)], ctx({ testCommand: connect() }));
      assert.equal(runner.startedPids.length, 2);
      assert.equal(connections, 0);
    });

    it('is not cut in copy mode (the warning says so)', async () => {
      await createTestGate().check([writerCandidate(ws)], ctx({ testCommand: connect(), sandboxIsolation: 'copy' }));
      assert.ok(await waitFor(() => connections === 2, 2000), `${connections} connections`);
    });
  });

  describe('what the tests can see of the host', () => {
    const marked = (ws: GateWorkspace) => ws.patch('src/slugify.js', "'use strict';", "'use strict';\n// MARK");
    /** A command that passes on the untouched copy and, on the candidate, fails exactly when `leak` (JS) is true. */
    const failsIf = (leak: string) =>
      `node -e "const fs = require('fs'); process.exit(fs.readFileSync('src/slugify.js', 'utf8').includes('MARK') && (${leak}) ? 1 : 0)"`;

    it('under bubblewrap, a tool the command names under the host /tmp runs, read-only, and /tmp takes new files', async function () {
      await requireBubblewrap(this);
      const tool = mkdtempSync(join(tmpdir(), 'rg-host-tool-'));
      try {
        const file = join(tool, 'tool.js');
        writeFileSync(file, 'module.exports = 1;\n');
        // Fails on the candidate if the tool is hidden, if it can be changed, or if /tmp takes no new file.
        const hidden = `!fs.existsSync('${file}')`;
        const writable = `(() => { try { fs.appendFileSync('${file}', '//'); return true; } catch { return false; } })()`;
        const noTmp = `(() => { try { fs.writeFileSync('/tmp/new-' + process.pid, 'x'); return false; } catch { return true; } })()`;
        const res = await createTestGate().check([marked(ws)], ctx({ testCommand: failsIf(`${hidden} || ${writable} || ${noTmp}`) }));
        assert.deepEqual(res.findings, [], JSON.stringify(res.findings));
        const control = await createTestGate().check(
          [marked(ws)],
          ctx({ testCommand: failsIf(`!fs.existsSync('${join(tool, 'absent.js')}')`) }),
        );
        assert.equal(control.findings.filter(isBlocking).length, 1, 'the command can fail: the check is real');
        assert.equal(readFileSync(file, 'utf8'), 'module.exports = 1;\n', 'the host file is unchanged');
      } finally {
        rmSync(tool, { recursive: true, force: true });
      }
    });

    it('the store key cannot be read under bubblewrap (in copy mode it can: the control)', async function () {
      await requireBubblewrap(this);
      const dir = mkdtempSync(join(tmpdir(), 'rg-key-'));
      try {
        const keyFile = join(dir, 'store.key');
        await StoreKey.loadOrCreate(keyFile); // registers it as a secret of this process
        const command = failsIf(`(() => { try { return fs.readFileSync('${keyFile}', 'utf8').length > 0; } catch { return false; } })()`);
        const sealed = await createTestGate().check([marked(ws)], ctx({ testCommand: command }));
        assert.deepEqual(sealed.findings.filter(isBlocking), [], 'the key was not readable');
        const open = await createTestGate().check([marked(ws)], ctx({ testCommand: command, sandboxIsolation: 'copy' }));
        assert.equal(open.findings.filter(isBlocking).length, 1, 'the same command sees the key without bubblewrap');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("the command never inherits this process's model credentials", async () => {
      const saved = process.env.ANTHROPIC_API_KEY;
      process.env.ANTHROPIC_API_KEY = 'sk-ant-test-FAKEKEY';
      try {
        const res = await createTestGate().check(
          [marked(ws)],
          ctx({ testCommand: failsIf('process.env.ANTHROPIC_API_KEY !== undefined'), sandboxIsolation: 'copy' }),
        );
        assert.deepEqual(res.findings.filter(isBlocking), [], JSON.stringify(res.findings));
      } finally {
        if (saved === undefined) delete process.env.ANTHROPIC_API_KEY;
        else process.env.ANTHROPIC_API_KEY = saved;
      }
    });
  });

  describe('detached processes', () => {
    afterEach(() => {
      for (const pid of sleepers()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });

    it('under bubblewrap, a detached grandchild dies with the run, at its end and at the timeout', async function () {
      await requireBubblewrap(this);
      const detach = "require('node:child_process').spawn('sleep', ['988'], { detached: true, stdio: 'ignore' }).unref();";
      await createTestGate().check([writerCandidate(ws)], ctx({ testCommand: `node -e "${detach}"` }));
      assert.ok(await waitFor(() => sleepers().length === 0, 2000), 'left by a run that ended');
      const res = await createTestGate().check(
        [writerCandidate(ws)],
        ctx({ testCommand: `node -e "${detach} setInterval(() => {}, 1000);"`, testTimeoutSeconds: 1.5 }),
      );
      assert.equal(res.skipped, 'tests time out without the patch');
      assert.ok(await waitFor(() => sleepers().length === 0, 2000), 'left by a run that was stopped');
    });

    it('without bubblewrap, a detached grandchild is found by the mark in its environment and killed too', async function () {
      if (process.platform !== 'linux') {
        console.log('      skipped: finding processes by their environment needs /proc (Linux)');
        this.skip();
      }
      const detach = "require('node:child_process').spawn('sleep', ['988'], { detached: true, stdio: 'ignore' }).unref();";
      await createTestGate().check([writerCandidate(ws)], ctx({ testCommand: `node -e "${detach}"`, sandboxIsolation: 'copy' }));
      assert.ok(await waitFor(() => sleepers().length === 0, 2000), 'left by a run that ended');
      const res = await createTestGate().check(
        [writerCandidate(ws)],
        ctx({ testCommand: `node -e "${detach} setInterval(() => {}, 1000);"`, testTimeoutSeconds: 1.5, sandboxIsolation: 'copy' }),
      );
      assert.equal(res.skipped, 'tests time out without the patch');
      assert.ok(await waitFor(() => sleepers().length === 0, 2000), 'left by a run that was stopped');
    });
  });

  it('keys the baseline by the isolation mode', async function () {
    await requireBubblewrap(this);
    // No dependency folders: the copy is the same either way, only the mode differs.
    ws.dispose();
    ws = new GateWorkspace('node-tests');
    const gate = createTestGate();
    const candidate = ws.patch('src/slugify.js', 'Splits on dashes.', 'Splits a slug on dashes.');
    await gate.check([candidate], ctx({ sandboxIsolation: 'copy' }));
    await gate.check([candidate], ctx({ sandboxIsolation: 'copy' }));
    assert.equal(runner.startedPids.length, 3);
    await gate.check([candidate], ctx({ sandboxIsolation: 'auto' }));
    assert.equal(runner.startedPids.length, 5, 'a new baseline under bubblewrap');
  });
});
