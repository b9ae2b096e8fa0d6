import { strict as assert } from 'node:assert';
import { isBlocking } from '../../../src/core/findings';
import { readSettings, SettingsError } from '../../../src/core/settings';
import type { Gate, GateSettings } from '../../../src/core/validate/gate';
import { GateSettingsSchema, gateSettingsOf, parseGateSettings, settingsSlice } from '../../../src/core/validate/gateSettings';
import { allGates, createGates, PIPELINE_SETTINGS, runGates } from '../../../src/core/validate/pipeline';
import { GateWorkspace } from './workspace';

const sliceKeys = (slice: { shape: object }): string[] => Object.keys(slice.shape).sort();

describe('gate settings', () => {
  it('take their defaults from the one settings schema', () => {
    const defaults = readSettings({});
    const parsed = parseGateSettings({});
    for (const key of Object.keys(GateSettingsSchema.shape) as (keyof GateSettings)[]) {
      assert.deepEqual(parsed[key], defaults[key], key);
    }
  });

  it('refuse a mistyped key in one line naming it, instead of falling back to the default', () => {
    assert.throws(
      () => parseGateSettings({ 'rules.maxShareChange': 0.3 } as never),
      (err: Error) =>
        err instanceof SettingsError && err.message.startsWith('Gate setting rules.maxShareChange:') && !err.message.includes('\n'),
    );
  });

  it('refuse a bad value naming the key', () => {
    assert.throws(() => parseGateSettings({ 'rules.maxShareChanged': 3 }), /^SettingsError: Gate setting rules\.maxShareChanged: /);
    assert.throws(() => parseGateSettings({ ruffSelect: [] }), /Gate setting ruffSelect: name at least one ruff rule selector/);
  });

  it('are exactly what the gates and the pipeline read: no setting declared for nobody', () => {
    const read = new Set([
      ...allGates().flatMap((g) => sliceKeys(g.settings)),
      ...sliceKeys(PIPELINE_SETTINGS),
      'safeMode',
      'disabledGates',
    ]);
    assert.deepEqual([...read].sort(), Object.keys(GateSettingsSchema.shape).sort());
  });

  it('every gate declares a stage, in pipeline order', () => {
    const order = ['syntax', 'semantic', 'rules', 'tests'];
    const stages = allGates().map((g) => order.indexOf(g.stage));
    assert.ok(stages.every((s) => s >= 0));
    assert.deepEqual(
      [...stages].sort((a, b) => a - b),
      stages,
    );
  });

  describe('in the pipeline', () => {
    let ws: GateWorkspace;
    beforeEach(() => {
      ws = new GateWorkspace('ts-project');
    });
    afterEach(() => ws.dispose());

    it('hand each gate its own slice and nothing else', async () => {
      const seen: object[] = [];
      const probe: Gate<Pick<GateSettings, 'testCommand' | 'rules.complexityBudget'>> = {
        name: 'probe',
        stage: 'semantic',
        settings: settingsSlice('testCommand', 'rules.complexityBudget'),
        check: async (_files, ctx) => {
          seen.push(ctx.settings);
          return { gate: 'probe', findings: [], durationMs: 0 };
        },
      };
      await runGates([probe], [ws.patch('src/math.ts', 'a + b', 'b + a')], ws.context({ testCommand: 'npm test', safeMode: false }));
      assert.deepEqual(seen, [{ testCommand: 'npm test', 'rules.complexityBudget': 10 }]);
    });

    it("carry a host's value to the gate that reads it", async () => {
      // A change of about half of a 24-line file: within the default share (0.6), over 0.3.
      const before = Array.from({ length: 24 }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';
      const after = before.replace(/= (\d);/g, '= $1 + 0;');
      ws.write('src/values.ts', before);
      const candidate = ws.candidate('src/values.ts', after);
      const diffSize = () => createGates({ safeMode: false }, { only: ['rule:diff-size'] });
      const judge = async (raw: Record<string, unknown>) => {
        const [result] = await runGates(diffSize(), [candidate], ws.context(gateSettingsOf(readSettings(raw))));
        return result!.findings.filter(isBlocking).length;
      };
      assert.equal(await judge({}), 0);
      assert.equal(await judge({ 'rules.maxShareChanged': 0.3 }), 1);
    });
  });
});
