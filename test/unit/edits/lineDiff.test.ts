import { strict as assert } from 'node:assert';
import { diffTokens, uniqueCommonAnchors } from '../../../src/core/edits/lineDiff';

describe('edits/lineDiff', () => {
  it('always yields ops that rebuild both sides, whatever the bound (patience and fallback paths)', () => {
    let seed = 5;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let approximate = 0;
    let exactUnderTightBound = 0;
    for (let i = 0; i < 3000; i++) {
      const alphabet = 2 + Math.floor(next() * 30);
      const a = Array.from({ length: Math.floor(next() * 40) }, () => `l${Math.floor(next() * alphabet)}`);
      const b = a.flatMap((l) => (next() < 0.2 ? [] : next() < 0.2 ? [l, `n${Math.floor(next() * alphabet)}`] : [l]));
      const bound = Math.floor(next() * 6);
      const { ops, approximate: approx } = diffTokens(a, b, bound);
      assert.deepEqual(
        ops.filter((o) => o.kind !== '+').map((o) => o.token),
        a,
        `case ${i}`,
      );
      assert.deepEqual(
        ops.filter((o) => o.kind !== '-').map((o) => o.token),
        b,
        `case ${i}`,
      );
      if (approx) approximate++;
      else if (bound < 3 && ops.filter((o) => o.kind !== ' ').length > bound) exactUnderTightBound++;
    }
    // Both the replacement fallback and the patience split (exact although past the bound) were exercised.
    assert.ok(approximate > 50, `fallback taken ${approximate} times`);
    assert.ok(exactUnderTightBound > 50, `patience split taken ${exactUnderTightBound} times`);
  });

  it('anchors on lines unique to both sides, in order on both', () => {
    const a = ['x', 'u1', 'y', 'u2', 'u3', 'x'];
    const b = ['u3', 'u1', 'z', 'u2', 'x'];
    assert.deepEqual(uniqueCommonAnchors(a, b), [
      [1, 1],
      [3, 3],
    ]);
  });
});
