import { strict as assert } from 'node:assert';
import { replaceOnce } from '../../../src/core/edits/match';

const FILE = ['function a() {', '  const x = 1;', '  return x;', '}', '', 'function b() {', '  const y = 2;', '  return y;', '}', ''].join(
  '\n',
);

describe('edits/match', () => {
  it('uses an exact unique match first', () => {
    const r = replaceOnce(FILE, '  const x = 1;', '  const x = 10;', 'a.ts');
    assert.ok(r.ok);
    assert.equal(r.kind, 'exact');
    assert.equal(r.line, 2);
    assert.equal(r.text, FILE.replace('const x = 1;', 'const x = 10;'));
  });

  it('tolerates trailing whitespace, keeping the file’s own unchanged lines', () => {
    const file = 'def f():   \n    x = 1  \n    return x\n';
    const r = replaceOnce(file, 'def f():\n    x = 1\n    return x\n', 'def f():\n    x = 2\n    return x\n', 'a.py');
    assert.ok(r.ok);
    assert.equal(r.kind, 'trailing_whitespace');
    // The first line kept its trailing spaces (context), the changed line is the model's.
    assert.equal(r.text, 'def f():   \n    x = 2\n    return x\n');
  });

  it('tolerates indentation shifted as a block and re-indents the replacement by the same shift', () => {
    const file = 'class A:\n    def f(self):\n        if x:\n            return 1\n        return 2\n';
    const r = replaceOnce(file, 'if x:\n    return 1\n', 'if x:\n    log()\n    return 1\n', 'a.py');
    assert.ok(r.ok);
    assert.equal(r.kind, 'indentation');
    assert.equal(r.text, 'class A:\n    def f(self):\n        if x:\n            log()\n            return 1\n        return 2\n');
    // And the other way: the model indents more than the file does.
    const out = replaceOnce('if x:\n  y()\n', '    if x:\n      y()\n', '    if x:\n      z()\n', 'a.py');
    assert.ok(out.ok);
    assert.equal(out.kind, 'indentation');
    assert.equal(out.text, 'if x:\n  z()\n');
  });

  it('tolerates CRLF vs LF, and the inserted text takes the file’s line endings', () => {
    const file = 'a\r\nb\r\nc\r\n';
    const r = replaceOnce(file, 'a\nb\n', 'a\nB\nextra\n', 'a.txt');
    assert.ok(r.ok);
    assert.equal(r.kind, 'line_endings');
    assert.equal(r.text, 'a\r\nB\r\nextra\r\nc\r\n');
    // An exact single-line match in a CRLF file still converts the inserted line breaks.
    const one = replaceOnce(file, 'b', 'b1\nb2', 'a.txt');
    assert.ok(one.ok);
    assert.equal(one.kind, 'exact');
    assert.equal(one.text, 'a\r\nb1\r\nb2\r\nc\r\n');
  });

  it('never splits a CRLF pair: an LF-led old_string in a CRLF file leaves no stray CR', () => {
    const file = 'function a() {\r\n  return 1;\r\n}\r\n';
    const r = replaceOnce(file, '\n  return 1;', '\n  return 2;', 'a.ts');
    assert.ok(r.ok);
    assert.equal(r.text, 'function a() {\r\n  return 2;\r\n}\r\n');
  });

  it('tolerates CRLF together with changed indentation in a mixed-ending file', () => {
    const file = 'x\n    if a:\r\n        b()\r\ny\n';
    const r = replaceOnce(file, 'if a:\n    b()\n', 'if a:\n    c()\n', 'a.py');
    assert.ok(r.ok);
    assert.equal(r.kind, 'line_endings');
    assert.equal(r.text, 'x\n    if a:\r\n        c()\r\ny\n');
  });

  it('never guesses between several places: says how many, where, and quotes them', () => {
    const r = replaceOnce(FILE, '  return', '  return 0 +', 'a.ts');
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.reason === 'ambiguous');
    assert.match(r.message, /matches 2 places in a\.ts \(at lines 3, 8\)/);
    assert.match(r.message, /3\|   return x;/);
    assert.match(r.message, /8\|   return y;/);
  });

  it('never guesses at a tolerant level either: two block shifts that both fit are ambiguous', () => {
    const file = 'if a:\n    go()\nif b:\n    if a:\n        go()\n';
    const r = replaceOnce(file, '  if a:\n      go()', '  if a:\n      stop()', 'a.py');
    assert.ok(!r.ok && r.reason === 'ambiguous');
    assert.match(r.message, /2 places .*lines 1, 4/);
  });

  it('lists the first five places and counts the rest when old_string is everywhere', () => {
    const file = Array.from({ length: 3000 }, (_, i) => `x${i};`).join('\n');
    const r = replaceOnce(file, ';', ',', 'many.ts');
    assert.ok(!r.ok && r.reason === 'ambiguous');
    assert.match(r.message, /matches 3000 places in many\.ts \(at lines 1, 2, 3, 4, 5 and 2995 more\)/);
  });

  it('quotes the nearest real lines with 1-based numbers when nothing matches', () => {
    const r = replaceOnce(FILE, 'function b() {\n  const y = 3;\n  return y;\n}', 'x', 'a.ts');
    assert.ok(!r.ok && r.reason === 'missing');
    assert.match(r.message, /not found in a\.ts\. The nearest lines in the file are 6-9/);
    assert.match(r.message, /6\| function b\(\) \{\n7\|   const y = 2;\n8\|   return y;\n9\| \}/);
  });

  it('refuses an edit that changes nothing', () => {
    const r = replaceOnce(FILE, 'return x;', 'return x;', 'a.ts');
    assert.ok(!r.ok && r.reason === 'noop');
  });

  it('keeps a missing final newline when old_string quotes one at the end of the file', () => {
    const file = 'a\r\nlast';
    const r = replaceOnce(file, 'last\n', 'final\n', 'a.txt');
    assert.ok(r.ok);
    assert.equal(r.text, 'a\r\nfinal');
  });
});
