import assert from 'node:assert/strict';
import { readSettings } from '../../../src/core/settings';
import { answeringModel, presetChoices } from '../../../src/vscode/propose/presetChoices';

describe('Propose Refactor: the preset pick', () => {
  it('puts the last preset picked in this workspace first, else the default', () => {
    const settings = readSettings({});
    assert.deepEqual(
      presetChoices(settings, undefined).map((c) => [c.name, c.description]),
      [
        ['balanced', 'default'],
        ['fast', ''],
        ['quality', ''],
      ],
    );
    assert.deepEqual(
      presetChoices(settings, 'quality').map((c) => [c.name, c.description]),
      [
        ['quality', 'last used'],
        ['fast', ''],
        ['balanced', 'default'],
      ],
    );
    // A remembered name that is no preset (an older release's) is ignored.
    assert.equal(presetChoices(settings, 'turbo')[0]!.name, 'balanced');
  });

  it('names the model that will answer: the preset’s only for anthropic, the recording for a replay', () => {
    const replay = readSettings({ provider: 'replay', 'replay.transcript': '/work/demo/transcript.json' });
    const rows = presetChoices(replay, undefined);
    assert.ok(
      rows.every((r) => !/claude/i.test(r.detail)),
      JSON.stringify(rows),
    );
    assert.equal(rows[0]!.detail, 'replay of transcript.json (recorded replies, no model called), 2 repair rounds');
    assert.match(answeringModel(readSettings({ provider: 'openai', 'openai.model': 'qwen2.5-coder:14b' }), 'fast'), /^qwen2\.5-coder:14b/);
    assert.equal(answeringModel(readSettings({}), 'fast'), 'claude-haiku-5-5');
    // Preset overrides from settings are what runs.
    const custom = readSettings({ presets: { fast: { model: 'claude-custom' } } });
    assert.match(presetChoices(custom, 'fast')[0]!.detail, /^claude-custom, 1 repair round$/);
  });
});
