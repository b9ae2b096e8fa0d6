import { strict as assert } from 'node:assert';
import { conformText, decode, encode, TextFormatError } from '../../../src/core/edits/textFormat';
import { seededRandom as rng } from '../../support/seededRandom';

const PIECES = ['a', 'x = 1;', ' ', '\t', 'é', '中', '😀', '\r\n', '\n', '\r', '\uFEFF', '"', '\\'];

function randomText(next: () => number): string {
  const n = Math.floor(next() * 40);
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(next() * PIECES.length)];
  return s;
}

describe('edits/textFormat', () => {
  it('round-trips generated files byte-exactly (BOM, mixed endings, lone CR, no final newline)', () => {
    const next = rng(42);
    for (let i = 0; i < 2000; i++) {
      const text = randomText(next);
      const bom = next() < 0.3;
      const bytes = Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, 'utf8')]);
      const decoded = decode(new Uint8Array(bytes));
      // Text that itself starts with U+FEFF is, as bytes, a file with a BOM.
      const startsWithBom = bom || text.startsWith('\uFEFF');
      assert.equal(decoded.format.bom, startsWithBom, `case ${i}`);
      assert.equal(decoded.text, bom || !startsWithBom ? text : text.slice(1), `case ${i}`);
      assert.deepEqual(Buffer.from(encode(decoded.text, decoded.format)), bytes, `case ${i}`);
    }
  });

  it('detects the line-ending style and the final newline', () => {
    const f = (s: string) => decode(new TextEncoder().encode(s)).format;
    assert.deepEqual(f('a\nb\n'), { bom: false, lineEnding: 'lf', finalNewline: true, eol: '\n' });
    assert.deepEqual(f('a\r\nb'), { bom: false, lineEnding: 'crlf', finalNewline: false, eol: '\r\n' });
    assert.deepEqual(f('a\r\nb\r\nc\n'), { bom: false, lineEnding: 'mixed', finalNewline: true, eol: '\r\n' });
    assert.deepEqual(f('just one line'), { bom: false, lineEnding: 'none', finalNewline: false, eol: '\n' });
    assert.deepEqual(f('a\rb'), { bom: false, lineEnding: 'none', finalNewline: false, eol: '\n' });
  });

  it('refuses binary and invalid UTF-8 with a one-line error instead of mangling them', () => {
    assert.throws(
      () => decode(new Uint8Array([0x61, 0x00, 0x62])),
      (e: unknown) => e instanceof TextFormatError && e.reason === 'binary' && !e.message.includes('\n'),
    );
    assert.throws(
      () => decode(new Uint8Array([0x61, 0xff, 0x62])),
      (e: unknown) => e instanceof TextFormatError && e.reason === 'invalid_utf8',
    );
    // A lone surrogate encoded as UTF-8 (CESU) is not UTF-8 either.
    assert.throws(() => decode(new Uint8Array([0xed, 0xa0, 0x80])), TextFormatError);
  });

  it('conforms model text to the file: endings always, final newline only for whole files', () => {
    const crlfNoFinal = decode(new TextEncoder().encode('a\r\nb')).format;
    assert.equal(conformText('x\ny\n', crlfNoFinal, { finalNewline: true }), 'x\r\ny');
    assert.equal(conformText('x\ny\n', crlfNoFinal, { finalNewline: false }), 'x\r\ny\r\n');
    const lfFinal = decode(new TextEncoder().encode('a\n')).format;
    assert.equal(conformText('x\r\ny', lfFinal, { finalNewline: true }), 'x\ny\n');
  });
});
