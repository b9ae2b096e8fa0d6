import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { captureIO } from '../../support/captureIO';
import { startFakeAnthropic, type FakeAnthropicServer, type FakeReply } from '../../support/fakeAnthropicServer';
import { copyFixture, snapshotFiles } from '../../support/tempWorkspace';
import { closedPort, FAKE_KEY } from './helpers';

/**
 * The CLI as a user runs it with `--provider anthropic`: the key and the base URL come from the
 * environment (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, here pointing at the fake Messages API), and
 * whatever happens the key appears in nothing the CLI prints or stores.
 */

const DEMO = join(__dirname, '..', '..', 'fixtures', 'demo');
const transcript = JSON.parse(readFileSync(join(DEMO, 'transcript.json'), 'utf8')) as {
  replies: { text: string; toolCalls: { name: string; input: unknown }[] }[];
};
const demoReplies: FakeReply[] = transcript.replies.map((r) => ({
  kind: 'message',
  content: [{ type: 'text', text: r.text }, ...r.toolCalls.map((c) => ({ type: 'tool_use' as const, name: c.name, input: c.input }))],
}));

function storeText(dir: string): string {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .map((p) => (statSync(p).isDirectory() ? storeText(p) : readFileSync(p, 'utf8')))
    .join('\n');
}

describe('refactor-guard CLI with the Anthropic provider', function () {
  this.timeout(60_000);
  let server: FakeAnthropicServer | undefined;
  let ws: { dir: string; cleanup: () => void } | undefined;
  afterEach(async () => {
    await server?.close();
    ws?.cleanup();
    server = undefined;
    ws = undefined;
  });

  const args = (dir: string) => [
    'refactor',
    'Add caching to the user service',
    '-t',
    'src/userService.ts',
    '--provider',
    'anthropic',
    '--workspace',
    dir,
    '--dry-run',
    '--json',
  ];

  it('runs against ANTHROPIC_BASE_URL with ANTHROPIC_API_KEY and prints the proposal', async () => {
    server = await startFakeAnthropic(demoReplies, { acceptKeys: [FAKE_KEY] });
    ws = copyFixture(join(DEMO, 'workspace'));
    const io = captureIO({ env: { ANTHROPIC_API_KEY: FAKE_KEY, ANTHROPIC_BASE_URL: server.url } });
    assert.equal(await main(args(ws.dir), io), 0, io.stderr);
    const out = JSON.parse(io.stdout) as { status: string; attempts: number };
    assert.equal(out.status, 'proposed');
    assert.equal(out.attempts, 2);
    assert.equal(server.bodies.length, 2);
    const everything = [io.stdout, io.stderr, ...server.log, storeText(join(ws.dir, '.refactor-guard'))].join('\n');
    assert.ok(!everything.includes('FAKEKEY'), 'the key leaked');
  });

  for (const [name, makeEnv, pattern] of [
    [
      'a rejected key',
      async (url: string) => ({ ANTHROPIC_API_KEY: `${FAKE_KEY}-revoked`, ANTHROPIC_BASE_URL: url }),
      /rejected the API key/,
    ],
    ['no key at all', async (url: string) => ({ ANTHROPIC_BASE_URL: url }), /No Anthropic API key: set ANTHROPIC_API_KEY/],
    [
      'an unreachable API',
      async () => ({ ANTHROPIC_API_KEY: FAKE_KEY, ANTHROPIC_BASE_URL: `http://127.0.0.1:${await closedPort()}` }),
      /Cannot reach Anthropic/,
    ],
  ] as const) {
    it(`${name}: exit 3, one line on stderr, files untouched, the key nowhere`, async () => {
      server = await startFakeAnthropic(demoReplies, { acceptKeys: [FAKE_KEY] });
      ws = copyFixture(join(DEMO, 'workspace'));
      const before = snapshotFiles(ws.dir);
      const io = captureIO({ env: await makeEnv(server.url) });
      assert.equal(await main(args(ws.dir), io), 3, io.stderr);
      assert.match(io.stdout + io.stderr, pattern);
      assert.doesNotMatch(io.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
      assert.deepEqual(snapshotFiles(ws.dir), before);
      const everything = [io.stdout, io.stderr, ...server.log, storeText(join(ws.dir, '.refactor-guard'))].join('\n');
      assert.ok(!everything.includes('FAKEKEY'), 'the key leaked');
    });
  }
});
