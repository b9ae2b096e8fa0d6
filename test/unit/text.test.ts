import { strict as assert } from 'node:assert';
import { errorLine } from '../../src/core/errorLine';
import { collapseWhitespace, firstLine, truncate } from '../../src/core/text';

describe('one-line text', () => {
  it('collapses every whitespace run, newlines included, and trims', () => {
    assert.equal(collapseWhitespace('  a\n\t b\r\n  c  '), 'a b c');
  });

  it('truncates to exactly max characters with an ellipsis, and leaves short text alone', () => {
    assert.equal(truncate('abcdef', 6), 'abcdef');
    assert.equal(truncate('abcdefg', 6), 'abcde…');
    assert.equal(truncate('abcdefg', 6).length, 6);
  });

  it('never cuts a surrogate pair in half', () => {
    const text = 'abcd😀efgh';
    const cut = truncate(text, 6);
    assert.ok(cut.length <= 6);
    assert.ok(!/[\ud800-\udbff]…$/.test(cut), JSON.stringify(cut));
    assert.equal(cut, 'abcd…');
  });

  it('takes the first line', () => {
    assert.equal(firstLine('  first \r\nsecond'), 'first');
  });

  it('gives the first line of an error without its "Error:" prefix or stack', () => {
    const err = new Error('Error: disk full\n    at write (fs.js:1:1)');
    assert.equal(errorLine(err), 'disk full');
    assert.equal(errorLine(''), 'Unknown error.');
    assert.equal(errorLine('x'.repeat(400), 10), `${'x'.repeat(9)}…`);
  });
});
