import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { strict as assert } from 'node:assert';
import { AnthropicProvider } from '../../../src/core/models/anthropic';
import { createProvider } from '../../../src/core/models/factory';
import { OpenAICompatibleProvider } from '../../../src/core/models/openaiCompatible';
import { ProviderError, type ModelProvider } from '../../../src/core/models/provider';
import { readSettings } from '../../../src/core/settings';
import { startFakeAnthropic } from '../../support/fakeAnthropicServer';
import { startFakeOpenAI } from '../../support/fakeOpenAIServer';
import { baseRequest, FAKE_KEY, rejectsWith } from './helpers';

describe('createProvider', () => {
  it('builds the Anthropic provider from the key and base URL in the environment', async () => {
    const server = await startFakeAnthropic([{ kind: 'message', content: [{ type: 'text', text: 'hello' }] }], { acceptKeys: [FAKE_KEY] });
    try {
      const provider = createProvider(readSettings({ 'anthropic.maxRetries': 0 }), {
        presetModel: 'claude-haiku-5-5',
        env: { ANTHROPIC_API_KEY: FAKE_KEY, ANTHROPIC_BASE_URL: server.url },
      });
      assert.ok(provider instanceof AnthropicProvider);
      assert.equal(provider.label, 'Anthropic claude-haiku-5-5');
      const reply = await provider.complete(baseRequest());
      assert.equal(reply.text, 'hello');
      assert.equal(server.requests.length, 1);
    } finally {
      await server.close();
    }
  });

  it('a key from secret storage wins over the environment', async () => {
    const server = await startFakeAnthropic([{ kind: 'message', content: [{ type: 'text', text: 'ok' }] }], { acceptKeys: [FAKE_KEY] });
    try {
      const provider = createProvider(readSettings({}), {
        presetModel: 'claude-sonnet-5-5',
        apiKey: FAKE_KEY,
        env: { ANTHROPIC_API_KEY: 'sk-ant-stale-env-key', ANTHROPIC_BASE_URL: server.url },
      });
      assert.equal((await provider.complete(baseRequest())).text, 'ok');
    } finally {
      await server.close();
    }
  });

  it('without a key the provider is built, and its first call fails with key_missing', async () => {
    const provider = createProvider(readSettings({}), { presetModel: 'claude-sonnet-5-5', env: {} });
    await rejectsWith(provider.complete(baseRequest()), 'key_missing');
  });

  it('builds the OpenAI-compatible provider from settings, with its own model', async () => {
    const server = await startFakeOpenAI([{ kind: 'message', content: 'hi' }]);
    try {
      const settings = readSettings({ provider: 'openai', 'openai.baseUrl': `${server.url}/v1`, 'openai.model': 'llama3.3:70b' });
      const provider = createProvider(settings, { presetModel: 'claude-sonnet-5-5', env: {} });
      assert.ok(provider instanceof OpenAICompatibleProvider);
      assert.match(provider.label, /^llama3\.3:70b at /);
      await provider.complete(baseRequest());
      assert.equal(server.bodies[0].model, 'llama3.3:70b');
    } finally {
      await server.close();
    }
  });

  it('delegates replay to the host’s factory and refuses vscode-lm outside VS Code', () => {
    const replay: ModelProvider = { id: 'replay', label: 'Replay of t.json', complete: async () => assert.fail('not called') };
    assert.equal(createProvider(readSettings({ provider: 'replay' }), { presetModel: 'm', env: {}, replay: () => replay }), replay);
    assert.throws(
      () => createProvider(readSettings({ provider: 'replay' }), { presetModel: 'm', env: {} }),
      (e: unknown) => e instanceof ProviderError && /transcript/.test(e.message),
    );
    assert.throws(
      () => createProvider(readSettings({ provider: 'vscode-lm' }), { presetModel: 'm', env: {} }),
      (e: unknown) => e instanceof ProviderError && e.kind === 'bad_request' && /only inside VS Code/.test(e.message),
    );
  });

  it('never hands the Anthropic key from secret storage to an OpenAI-compatible server', async () => {
    const seen: (string | null)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization ?? null);
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: 'no', type: 'invalid_request_error' } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const provider = createProvider(
        readSettings({ provider: 'openai', 'openai.baseUrl': `http://127.0.0.1:${port}/v1`, 'anthropic.maxRetries': 0 }),
        { presetModel: 'claude-sonnet-5-5', apiKey: FAKE_KEY, env: {} },
      );
      await provider.complete(baseRequest()).catch(() => undefined);
      assert.ok(seen.length > 0, 'the server was called');
      assert.ok(
        seen.every((h) => !h || !h.includes(FAKE_KEY)),
        `the Anthropic key reached the server: ${seen.join(', ')}`,
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
