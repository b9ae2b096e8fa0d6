import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeWorkspaceFiles } from '../../../src/core/host/nodeWorkspaceFiles';
import type { Finding } from '../../../src/core/findings';
import { formatFindingsForRepair, MAX_FINDINGS_CHARS } from '../../../src/core/loop/repairPrompt';
import { FULL_RESULTS, MAX_CALLS_APPLIED } from '../../../src/core/loop/replyEdits';
import { runRefactor } from '../../../src/core/loop/runRefactor';
import { AnthropicProvider } from '../../../src/core/models/anthropic';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { readSettings } from '../../../src/core/settings';
import { checkMessagesRequest } from '../../support/anthropicRequestRules';
import { startFakeAnthropic, type FakeAnthropicServer, type FakeBlock } from '../../support/fakeAnthropicServer';
import { copyFixture, snapshotFiles } from '../../support/tempWorkspace';
import { TEST_KEY } from '../../support/testKey';
import { FAKE_KEY } from '../models/helpers';

/**
 * A runaway reply (5,000 tool calls were seen) through the real engine, the real Anthropic SDK and
 * the fake Messages API: the next request must stay small and be one the real API accepts.
 */

const DEMO = join(__dirname, '..', '..', 'fixtures', 'demo');
const transcript = JSON.parse(readFileSync(join(DEMO, 'transcript.json'), 'utf8')) as {
  replies: { text: string; toolCalls: { name: string; input: { old_string: string } }[] }[];
};
const CALLS = 5_000;
/** The whole repair request, system prompt, tools and context included. */
const MAX_REQUEST_BYTES = 200_000;

describe('a model reply with thousands of tool calls', function () {
  this.timeout(120_000);
  let server: FakeAnthropicServer | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    await server?.close();
    cleanup?.();
  });

  it(`applies at most ${MAX_CALLS_APPLIED}, answers each call it keeps, and sends a bounded repair request`, async () => {
    const [generate, repair] = transcript.replies;
    // The demo's real edit first (it drops a brace, so a repair follows), then thousands that miss:
    // each refusal quotes the file's nearest lines, the most a call can make the engine say.
    const runaway: FakeBlock[] = Array.from({ length: CALLS - 1 }, (_, i) => ({
      type: 'tool_use',
      name: 'patch_file',
      input: { path: 'src/userService.ts', old_string: `${generate!.toolCalls[0]!.input.old_string} // ${i}`, new_string: `x${i}` },
    }));
    server = await startFakeAnthropic(
      [
        {
          kind: 'message',
          content: [
            { type: 'text', text: generate!.text },
            { type: 'tool_use', name: 'patch_file', input: generate!.toolCalls[0]!.input },
            ...runaway,
          ],
        },
        {
          kind: 'message',
          content: [
            { type: 'text', text: repair!.text },
            ...repair!.toolCalls.map((c) => ({ type: 'tool_use' as const, name: c.name, input: c.input })),
          ],
        },
      ],
      { acceptKeys: [FAKE_KEY] },
    );
    const ws = copyFixture(join(DEMO, 'workspace'));
    cleanup = ws.cleanup;
    const before = snapshotFiles(ws.dir);
    const started = Date.now();
    const run = await runRefactor({
      instruction: 'Add caching to the user service',
      targets: [{ path: 'src/userService.ts' }],
      settings: readSettings({ provider: 'anthropic', 'anthropic.maxRetries': 1 }),
      preset: 'balanced',
      provider: new AnthropicProvider({
        apiKey: FAKE_KEY,
        baseURL: server.url,
        maxRetries: 1,
        timeoutMs: 30_000,
        model: 'claude-sonnet-5-5',
      }),
      files: new NodeWorkspaceFiles(ws.dir),
      store: await ProvenanceStore.open(join(ws.dir, '.refactor-guard'), { key: TEST_KEY }),
      trusted: true,
    });

    assert.equal(run.status, 'proposed', run.error?.message);
    assert.equal(server.bodies.length, 2);
    assert.ok(Date.now() - started < 60_000);

    const body = server.bodies[1];
    assert.equal(checkMessagesRequest(body), undefined);
    const bytes = Buffer.byteLength(JSON.stringify(body));
    assert.ok(bytes < MAX_REQUEST_BYTES, `the repair request is ${bytes} bytes`);

    const [, assistant, user] = body.messages;
    const toolUses = assistant.content.filter((b: any) => b.type === 'tool_use');
    const results = user.content.filter((b: any) => b.type === 'tool_result');
    assert.equal(toolUses.length, MAX_CALLS_APPLIED, 'the calls past the limit are left out of the turn sent back');
    assert.deepEqual(
      results.map((r: any) => r.tool_use_id),
      toolUses.map((t: any) => t.id),
      'each call kept is answered, in order',
    );
    assert.match(results[0].content, /^Applied to src\/userService\.ts/);
    assert.match(
      results[1].content,
      /nearest lines in the file are \d+-\d+; copy old_string from them exactly:\n/,
      'early results in full',
    );
    assert.ok(!results[FULL_RESULTS].content.includes('\n'), 'later results are one line');

    const text = user.content
      .filter((b: any) => b.type === 'text')
      .map((b: any) => b.text)
      .join('\n');
    assert.match(
      text,
      new RegExp(
        `made ${CALLS} tool calls; at most ${MAX_CALLS_APPLIED} are applied from one reply, so the last ${CALLS - MAX_CALLS_APPLIED} were not applied`,
      ),
    );
    assert.match(text, /\.\.\. and \d+ more/);

    assert.equal(run.attempts[0]!.edits.length, MAX_CALLS_APPLIED + 1, 'the calls applied, and one entry for the rest');
    assert.equal(run.attempts[0]!.edits.filter((e) => e.ok).length, 1);
    assert.deepEqual(snapshotFiles(ws.dir), before, 'a proposal writes nothing');
  });

  it('quotes a bounded number and size of findings in the repair prompt, counting the rest', () => {
    // A minified file's line in every message and excerpt: 1,000 findings of 200 KB each.
    const huge = 'x'.repeat(200_000);
    const findings: Finding[] = Array.from({ length: 1_000 }, (_, i) => ({
      // Type errors, not syntax: consecutive syntax errors would be one cascade (cascades.ts).
      tool: 'typescript',
      code: 'TS2322',
      category: 'type_mismatch',
      severity: 'error',
      file: 'src/a.ts',
      line: i + 1,
      column: 1,
      message: `';' expected ${huge}`,
      excerpt: huge,
      introduced: true,
    }));
    const warnings: Finding[] = findings.slice(0, 50).map((f) => ({ ...f, severity: 'warning' }));
    const text = formatFindingsForRepair([...findings, ...warnings]);
    assert.ok(text.length < MAX_FINDINGS_CHARS + 200, `${text.length} characters`);
    assert.match(text, /^- src\/a\.ts:1:1 \[type_mismatch\] typescript TS2322: ';' expected x+… \(\d+ more characters\)$/m);
    const more = /- \.\.\. and (\d+) more\n/.exec(text);
    assert.ok(more && Number(more[1]) >= 975, 'the findings left out are counted');
    assert.match(text, /Warnings \(do not block, fix if cheap\):\n(- .*\n)*- \.\.\. and \d+ more$/);
  });
});
