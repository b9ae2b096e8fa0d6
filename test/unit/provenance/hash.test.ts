import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { canonicalRecordText, hashRecord, sha256Hex } from '../../../src/core/provenance/hash';

describe('provenance hash', () => {
  it('hashes the canonical JSON of a record without its hash field', () => {
    const record = { seq: 2, kind: 'decision', prevHash: null, hash: 'ignored', nested: { b: 1, a: [3, 'x'] } };
    const text = canonicalRecordText(record);
    assert.equal(text, '{"kind":"decision","nested":{"a":[3,"x"],"b":1},"prevHash":null,"seq":2}');
    assert.equal(hashRecord(record), createHash('sha256').update(text).digest('hex'));
  });

  it('does not depend on key order or on the old hash', () => {
    const a = hashRecord({ x: 1, y: { p: true, q: 'é' }, hash: 'one' });
    const b = hashRecord({ hash: 'two', y: { q: 'é', p: true }, x: 1 });
    assert.equal(a, b);
    assert.notEqual(a, hashRecord({ x: 2, y: { p: true, q: 'é' } }));
  });

  it('writes numbers the RFC 8785 way', () => {
    assert.equal(canonicalRecordText({ n: [1e30, 4.5, 0.002, -0, 1e21, 100] }), '{"n":[1e+30,4.5,0.002,0,1e+21,100]}');
  });

  it('sha256Hex agrees with node:crypto for bytes and strings', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(sha256Hex(new TextEncoder().encode('abc')), sha256Hex('abc'));
  });
});
