import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { captureIO } from '../../support/captureIO';
import { startFakeAnthropic, type FakeAnthropicServer, type FakeReply } from '../../support/fakeAnthropicServer';
import { copyFixture, snapshotFiles } from '../../support/tempWorkspace';
import { FAKE_KEY } from '../models/helpers';

/**
 * `refactor-guard generate` as a user runs it, against the fake Messages API through the real
 * SDK: the model writes a module and its tests, the tests run in the sandbox, a failing new test
 * is repaired, and a test file that runs no test never passes for one.
 */

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'generate');
const SPEC =
  "formatDuration(ms): a duration in milliseconds as '1h 2m 3s', zero units left out, '0s' under a second; a negative duration is a RangeError";

interface RecordedReply {
  text: string;
  toolCalls: { name: string; input: { path: string; content?: string; old_string?: string; new_string?: string } }[];
}
const recorded = (JSON.parse(readFileSync(join(FIXTURE, 'transcript.json'), 'utf8')) as { replies: RecordedReply[] }).replies;
const firstModule = recorded[0]!.toolCalls[0]!.input.content!;
const goodTests = recorded[0]!.toolCalls[1]!.input.content!;

function reply(text: string, calls: RecordedReply['toolCalls']): FakeReply {
  return {
    kind: 'message',
    content: [{ type: 'text', text }, ...calls.map((c) => ({ type: 'tool_use' as const, name: c.name, input: c.input }))],
  };
}
const write = (path: string, content: string) => ({ name: 'write_file', input: { path, content } });
const repaired = recorded[1]!.toolCalls[0]!.input;
const fixedModule = firstModule.replace(repaired.old_string!, repaired.new_string!);

interface JsonRun {
  mode: string;
  testFile?: string;
  status: string;
  attempts: number;
  attemptDetails: {
    gates: { gate: string; skipped?: string; findings: { code: string; message: string; file: string; severity: string }[] }[];
  }[];
  patches: { id: string; file: string; valid: boolean }[];
}

describe('generate: new code and its tests', function () {
  this.timeout(90_000);
  let server: FakeAnthropicServer | undefined;
  let ws: { dir: string; cleanup: () => void } | undefined;
  afterEach(async () => {
    await server?.close();
    ws?.cleanup();
    server = undefined;
    ws = undefined;
  });

  async function generate(script: FakeReply[], ...extra: string[]): Promise<{ code: number; run: JsonRun; stderr: string }> {
    server = await startFakeAnthropic(script, { acceptKeys: [FAKE_KEY] });
    ws ??= copyFixture(join(FIXTURE, 'workspace'));
    const io = captureIO({ env: { ANTHROPIC_API_KEY: FAKE_KEY, ANTHROPIC_BASE_URL: server.url } });
    const args = ['generate', SPEC, '--file', 'src/duration.js', '--provider', 'anthropic', '--config', 'balanced', '--workspace', ws.dir];
    const code = await main([...args, '--dry-run', '--json', ...extra], io);
    return { code, run: io.stdout ? (JSON.parse(io.stdout) as JsonRun) : (undefined as unknown as JsonRun), stderr: io.stderr };
  }
  const testFindings = (run: JsonRun, attempt: number) =>
    run.attemptDetails[attempt - 1]!.gates.filter((g) => g.gate === 'tests' || g.gate === 'generated-tests')
      .flatMap((g) => g.findings)
      .filter((f) => f.severity === 'error');

  it('writes a module and its test file, runs the new tests, and repairs the one that fails', async () => {
    const { code, run, stderr } = await generate([
      reply(recorded[0]!.text, recorded[0]!.toolCalls),
      reply(recorded[1]!.text, recorded[1]!.toolCalls),
    ]);
    assert.equal(code, 0, stderr);
    assert.equal(run.mode, 'generate');
    assert.equal(run.status, 'proposed');
    assert.equal(run.attempts, 2);
    // Attempt 1: the module counts whole hours as minutes; the new test, run in the sandbox, says so.
    const first = testFindings(run, 1);
    assert.deepEqual(
      first.map((f) => f.file),
      ['test/duration.test.js', 'test/duration.test.js'],
    );
    assert.match(first[0]!.message, /^New test "formatDuration gives each unit" fails: .*'1h 62m 3723s'/);
    assert.deepEqual(testFindings(run, 2), []);
    assert.deepEqual(
      run.patches.map((p) => [p.file, p.valid]),
      [
        ['src/duration.js', true],
        ['test/duration.test.js', true],
      ],
    );
    // The first request named the test file the project's convention gives, and the test command.
    const firstRequest = JSON.stringify(server!.bodies[0]);
    assert.match(
      firstRequest,
      /one new test file: a new file under test\/ named like \*\.test\.js \(the project's convention\), for example test\/duration\.test\.js/,
    );
    assert.match(firstRequest, /npm test/);
    // The existing test is shown as an example of the project's style.
    assert.match(firstRequest, /slugify joins words with dashes/);

    // A dry run wrote nothing; applying writes the module and the tests, which then pass for real.
    assert.ok(!existsSync(join(ws!.dir, 'src', 'duration.js')));
    const io = captureIO();
    assert.equal(await main(['apply', 'latest', '--workspace', ws!.dir], io), 0, io.stderr);
    assert.equal(readFileSync(join(ws!.dir, 'src', 'duration.js'), 'utf8'), fixedModule);
    assert.equal(readFileSync(join(ws!.dir, 'test', 'duration.test.js'), 'utf8'), goodTests);
    const npm = spawnSync('npm', ['test'], { cwd: ws!.dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(npm.status, 0, npm.stdout + npm.stderr);
    assert.match(npm.stdout, /# pass 6/);
  });

  it('flags a test file that runs no test, and passes once it does', async () => {
    const { code, run, stderr } = await generate([
      reply('Module and a test file.', [
        write('src/duration.js', fixedModule),
        write('test/duration.test.js', "'use strict';\n// Tests to come.\n"),
      ]),
      reply('Now with tests.', [write('test/duration.test.js', goodTests)]),
    ]);
    assert.equal(code, 0, stderr);
    const first = testFindings(run, 1);
    assert.equal(first.length, 1);
    assert.equal(first[0]!.code, 'no-tests');
    assert.match(first[0]!.message, /^The new test file test\/duration\.test\.js runs no test with `npm test`: /);
    assert.deepEqual(testFindings(run, 2), []);
    assert.equal(run.status, 'proposed');
  });

  it('keeps a test file with no test from becoming a proposal when the repair budget runs out', async () => {
    const empty = write('test/duration.test.js', "'use strict';\nrequire('node:test');\n");
    const { code, run } = await generate([
      reply('Module and a test file.', [write('src/duration.js', fixedModule), empty]),
      reply('Again.', [empty]),
      reply('Again.', [empty]),
    ]);
    assert.equal(code, 1);
    assert.equal(run.status, 'no_valid_patch');
    assert.ok(run.patches.every((p) => !p.valid));
  });

  it('never passes a candidate that writes no tests of its own, however green the old ones are', async () => {
    const onlyModule = reply('Just the module.', [write('src/duration.js', fixedModule)]);
    const { code, run } = await generate([onlyModule, onlyModule, onlyModule]);
    assert.equal(code, 1);
    assert.equal(run.status, 'no_valid_patch');
    const first = testFindings(run, 1);
    assert.deepEqual(
      first.map((f) => f.code),
      ['no-test-file'],
    );
    assert.match(
      first[0]!.message,
      /^No test file was written: write the tests in a new file under test\/ named like \*\.test\.js, such as test\/duration\.test\.js\.$/,
    );
  });

  it('judges a named test file that runs no test, whatever its name', async () => {
    const { code, run } = await generate(
      [
        reply('An empty check file.', [write('src/duration.js', fixedModule), write('checks/duration.check.js', "'use strict';\n")]),
        reply('Now with tests.', [write('checks/duration.check.js', goodTests)]),
      ],
      '--tests',
      'checks/duration.check.js',
      '--test-command',
      'node --test checks/duration.check.js',
    );
    assert.equal(code, 0);
    assert.deepEqual(
      testFindings(run, 1).map((f) => [f.code, f.file]),
      [['no-tests', 'checks/duration.check.js']],
    );
    assert.equal(run.status, 'proposed');
  });

  it('lets the model name its test file only within the convention, and only one', async () => {
    const { run } = await generate([
      reply('Tests elsewhere.', [
        write('src/duration.js', fixedModule),
        write('spec/duration.js', goodTests),
        write('test/duration.test.js', goodTests),
        write('test/more.test.js', goodTests),
      ]),
      reply('Nothing more.', []),
      reply('Nothing more.', []),
    ]);
    const edits = JSON.stringify(run.attemptDetails[0]);
    assert.match(
      edits,
      /spec\/duration\.js is not one of the files this run may change \(src\/duration\.js\); its tests go in a new file under test\/ named like \*\.test\.js, such as test\/duration\.test\.js/,
    );
    assert.match(edits, /this run may create one test file, and it already created test\/duration\.test\.js/);
    assert.deepEqual(run.patches.map((p) => p.file).sort(), ['src/duration.js', 'test/duration.test.js']);
  });

  it('writes the tests where --tests says, with --test-command', async () => {
    const { code, run, stderr } = await generate(
      [reply('As asked.', [write('src/duration.js', fixedModule), write('checks/duration.check.js', goodTests)])],
      '--tests',
      'checks/duration.check.js',
      '--test-command',
      'node --test checks/duration.check.js',
    );
    assert.equal(code, 0, stderr);
    assert.equal(run.attempts, 1);
    assert.ok(JSON.stringify(server!.bodies[0]).includes('Write the tests in checks/duration.check.js.'));
    assert.equal(run.testFile, 'checks/duration.check.js');
    assert.deepEqual(
      run.patches.map((p) => p.file),
      ['checks/duration.check.js', 'src/duration.js'],
    );
  });

  it('refuses, in one line and changing nothing, a run without a test command or with a path it may not write', async () => {
    ws = copyFixture(join(FIXTURE, 'workspace'));
    rmSync(join(ws.dir, 'package.json'));
    writeFileSync(
      join(ws.dir, 'package.json'),
      JSON.stringify({ name: 'x', scripts: { test: 'echo "Error: no test specified" && exit 1' } }),
    );
    const before = snapshotFiles(ws.dir);
    const cases: [string[], RegExp][] = [
      [[], /needs a test command .* Use --test-command CMD\.$/],
      [
        ['--test-command', 'npm test', '--file', '.git/hooks/pre-commit'],
        /File \.git\/hooks\/pre-commit is inside \.git\/, where Refactor Guard does not create files\.$/,
      ],
      [
        ['--test-command', 'npm test', '--tests', 'src/duration.js'],
        /src\/duration\.js is named both as the module and as its test file\.$/,
      ],
      [['--test-command', 'npm test', '--file', '../outside.js'], /outside the workspace/],
    ];
    for (const [extra, pattern] of cases) {
      const io = captureIO({ env: { ANTHROPIC_API_KEY: FAKE_KEY } });
      const code = await main(
        ['generate', SPEC, '--file', 'src/duration.js', '--provider', 'anthropic', '--workspace', ws.dir, ...extra],
        io,
      );
      assert.equal(code, 2, `${extra.join(' ')}: ${io.stderr}`);
      const lines = io.stderr.trim().split('\n');
      assert.equal(lines.length, 1, io.stderr);
      assert.match(lines[0]!, pattern);
    }
    assert.deepEqual(snapshotFiles(ws.dir), before);
    assert.ok(!existsSync(join(ws.dir, '.refactor-guard', 'records')), 'no run was recorded');
  });
});
