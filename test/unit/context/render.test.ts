import { strict as assert } from 'node:assert';
import { fitToBudget, renderBlock, type Candidate } from '../../../src/core/context/render';
import { countTokens } from '../../../src/core/context/tokens';

const piece = (over: Partial<Candidate> & Pick<Candidate, 'startLine' | 'endLine' | 'code'>): Candidate => ({
  path: 'src/a.ts',
  language: 'typescript',
  kind: 'signature',
  reason: 'called by target',
  claimsLines: true,
  ...over,
});

describe('context: fitting pieces to the budget', () => {
  it('renders a header with path, lines and reason over a fenced block', () => {
    const block = renderBlock(piece({ startLine: 3, endLine: 5, code: 'function f() {\n  return 1;\n}\n', detail: 'function' }));
    assert.equal(block, '### src/a.ts:3-5 · called by target (function)\n```typescript\nfunction f() {\n  return 1;\n}\n```');
    assert.ok(renderBlock(piece({ startLine: 1, endLine: 1, code: 'const s = "```";' })).includes('````typescript'));
  });

  it('a body replaces its own signature, and a class body the method signatures inside it', () => {
    const r = fitToBudget(
      [
        piece({ kind: 'function', reason: 'target', startLine: 40, endLine: 42, code: 'function t() {\n  a.m();\n}', required: true }),
        piece({ startLine: 12, endLine: 12, code: 'm(): void { … }', defKey: 'm' }),
        piece({ startLine: 20, endLine: 20, code: 'function g(): void { … }', defKey: 'g' }),
        piece({
          kind: 'type',
          reason: 'type used by target',
          startLine: 10,
          endLine: 14,
          code: 'class A {\n  x = 1;\n  m(): void {}\n  n(): void {}\n}',
          defKey: 'A',
        }),
        piece({ kind: 'body', startLine: 20, endLine: 22, code: 'function g(): void {\n  return;\n}', defKey: 'g', upgrade: true }),
        // Overlaps the target: never sent, and the target is never replaced.
        piece({ kind: 'type', startLine: 39, endLine: 43, code: 'class T {\n}', defKey: 'T' }),
      ],
      1000,
    );
    assert.deepEqual(
      r.pieces.map((p) => `${p.kind} ${p.startLine}-${p.endLine}`),
      ['function 40-42', 'type 10-14', 'body 20-22'],
    );
    assert.equal(r.tokens, countTokens(r.text));
  });

  it('skips what does not fit, keeps trying smaller pieces, and reports what was left', () => {
    const big = piece({ startLine: 1, endLine: 200, code: 'x = 1;\n'.repeat(200), defKey: 'big' });
    const small = piece({ startLine: 300, endLine: 300, code: 'function s(): void { … }', defKey: 's' });
    const r = fitToBudget([big, small], 60);
    assert.deepEqual(
      r.pieces.map((p) => p.startLine),
      [300],
    );
    assert.deepEqual(r.left, [big]);
    assert.ok(r.tokens <= 60);
  });
});
