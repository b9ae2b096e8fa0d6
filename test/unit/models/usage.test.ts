import { strict as assert } from 'node:assert';
import { addUsage, cacheHitRate, repairShare, repairTokens, tokensOf, totalUsage, usageByPhase } from '../../../src/core/models/usage';
import type { ModelCall } from '../../../src/core/provenance/schema';

function call(
  phase: ModelCall['phase'],
  attempt: number,
  tokens: [number, number, number, number],
  extra: Partial<ModelCall> = {},
): ModelCall {
  const [inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens] = tokens;
  return {
    phase,
    attempt,
    provider: 'anthropic',
    model: 'claude-sonnet-5-5',
    inputTokens,
    outputTokens,
    cacheReadTokens,
    cacheWriteTokens,
    durationMs: 100,
    stopReason: 'tool_use',
    retries: 0,
    ...extra,
  };
}

describe('token accounting', () => {
  const calls: ModelCall[] = [
    call('plan', 1, [500, 100, 0, 2000]),
    call('generate', 1, [300, 800, 2000, 0], { retries: 1 }),
    call('repair', 2, [400, 300, 2800, 0]),
    call('repair', 3, [0, 0, 0, 0], { error: 'Anthropic is overloaded', stopReason: 'error', retries: 2 }),
  ];

  it('totals a run', () => {
    const t = totalUsage(calls);
    assert.deepEqual(t, {
      inputTokens: 1200,
      outputTokens: 1200,
      cacheReadTokens: 4800,
      cacheWriteTokens: 2000,
      calls: 4,
      failedCalls: 1,
      retries: 3,
      durationMs: 400,
    });
    assert.equal(tokensOf(t), 9200);
  });

  it('splits by phase, with every phase present', () => {
    const byPhase = usageByPhase(calls);
    assert.equal(tokensOf(byPhase.plan), 2600);
    assert.equal(tokensOf(byPhase.generate), 3100);
    assert.equal(byPhase.repair.calls, 2);
    assert.equal(byPhase.repair.failedCalls, 1);
    assert.deepEqual(usageByPhase([]).plan.calls, 0);
  });

  it('counts the tokens spent on repair and their share', () => {
    assert.equal(repairTokens(calls), 3500);
    assert.equal(repairShare(calls), 3500 / 9200);
    assert.equal(repairShare([]), 0);
  });

  it('adds usages and measures cache reuse', () => {
    const a = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 90, cacheWriteTokens: 0 };
    assert.deepEqual(addUsage(a, a), { inputTokens: 20, outputTokens: 10, cacheReadTokens: 180, cacheWriteTokens: 0 });
    assert.equal(cacheHitRate(a), 0.9);
    assert.equal(cacheHitRate({ inputTokens: 0, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0 }), 0);
  });
});
