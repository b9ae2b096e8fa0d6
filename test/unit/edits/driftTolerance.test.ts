import { strict as assert } from 'node:assert';
import { replaceOnce } from '../../../src/core/edits/match';

/**
 * The drift real models put into old_string, on real-shaped text: indentation in another unit,
 * blank lines at the edges, our own line-number quotes, and CRLF with each. Every case checks the
 * exact bytes that result; every tolerance has a twin made ambiguous, which must be refused.
 */
const ok = (text: string, oldString: string, newString: string) => {
  const r = replaceOnce(text, oldString, newString, 'f');
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r;
};
const refused = (text: string, oldString: string, newString: string, reason: 'missing' | 'ambiguous') => {
  const r = replaceOnce(text, oldString, newString, 'f');
  assert.equal(r.ok, false, r.ok ? `applied as ${r.kind}:\n${r.text}` : '');
  if (!r.ok) assert.equal(r.reason, reason, r.message);
};

const GO_TABS =
  'package cache\n\nfunc Get(k string) (string, bool) {\n\tif v, ok := store[k]; ok {\n\t\treturn v, true\n\t}\n\treturn "", false\n}\n';
const PY_TWO = 'class Cache:\n  def get(self, key):\n    if key in self.items:\n      return self.items[key]\n    return None\n';

describe('edits/match: drift as models write it', () => {
  it('tabs file, edit in four spaces: found, and the replacement is written in tabs', () => {
    const r = ok(
      GO_TABS,
      '    if v, ok := store[k]; ok {\n        return v, true\n    }',
      '    if v, ok := store[k]; ok {\n        hits++\n        return v, true\n    }',
    );
    assert.equal(r.kind, 'indent_style');
    assert.equal(r.text, GO_TABS.replace('\t\treturn v, true\n', '\t\thits++\n\t\treturn v, true\n'));
  });

  it('spaces file, edit in tabs: found, and Python keeps its two-space blocks', () => {
    const r = ok(
      PY_TWO,
      '\tdef get(self, key):\n\t\tif key in self.items:\n\t\t\treturn self.items[key]',
      '\tdef get(self, key):\n\t\tif key in self.items:\n\t\t\tself.hits += 1\n\t\t\treturn self.items[key]',
    );
    assert.equal(r.kind, 'indent_style');
    assert.equal(r.text, PY_TWO.replace('      return self.items[key]\n', '      self.hits += 1\n      return self.items[key]\n'));
  });

  it('two-space file, edit in four spaces, shifted as a block too', () => {
    const r = ok(
      PY_TWO,
      'if key in self.items:\n    return self.items[key]\nreturn None',
      'if key in self.items:\n    return self.items[key]\nraise KeyError(key)',
    );
    assert.equal(r.kind, 'indent_style');
    assert.equal(r.text, PY_TWO.replace('    return None\n', '    raise KeyError(key)\n'));
  });

  it('a file that mixes tabs and spaces: the edit maps onto the region it fits', () => {
    const text = 'function a() {\n    if (x) {\n        y();\n    }\n}\nfunction b() {\n\tif (z) {\n\t\tw();\n\t}\n}\n';
    const r = ok(text, '  if (z) {\n    w();\n  }', '  if (z) {\n    w();\n    v();\n  }');
    assert.equal(r.kind, 'indent_style');
    assert.equal(r.text, text.replace('\t\tw();\n', '\t\tw();\n\t\tv();\n'));
  });

  it('CRLF with a unit change: both tolerated together, the file keeps CRLF and tabs', () => {
    const text = GO_TABS.replace(/\n/g, '\r\n');
    const r = ok(
      text,
      '    if v, ok := store[k]; ok {\n        return v, true\n    }',
      '    if v, ok := store[k]; ok {\n        return v, true\n    }\n    misses++',
    );
    assert.equal(r.kind, 'line_endings');
    assert.equal(r.text, text.replace('\t}\r\n\treturn "", false', '\t}\r\n\tmisses++\r\n\treturn "", false'));
  });

  it('a trailing blank line the file lacks there is tolerated, and not written', () => {
    const r = ok(PY_TWO, '    return None\n\n', '    return default\n\n');
    assert.equal(r.kind, 'blank_lines');
    assert.equal(r.text, PY_TWO.replace('    return None\n', '    return default\n'));
  });

  it('a leading blank line plus a re-indent: both tolerated together', () => {
    const text = 'def f():\n    a = 1\n    b = 2\n';
    const r = ok(text, '\n\na = 1\nb = 2\n', '\n\na = 1\nb = 3\n');
    assert.equal(r.kind, 'blank_lines');
    assert.equal(r.text, 'def f():\n    a = 1\n    b = 3\n');
  });

  it('CRLF with a trailing blank line', () => {
    const text = 'one\r\ntwo\r\nthree\r\n';
    const r = ok(text, 'two\n\n', 'TWO\n\n');
    assert.equal(r.text, 'one\r\nTWO\r\nthree\r\n');
  });

  it('line numbers copied from our own "not found" quote are stripped when every line has them, in order', () => {
    const text = 'a\nb\nc\nd\n';
    const r = ok(text, ' 9| b\n10| c', ' 9| b\n10| C');
    assert.equal(r.kind, 'line_numbers');
    assert.equal(r.text, 'a\nb\nC\nd\n');
    // new_string written without them is taken as it is.
    assert.equal(ok(text, '2| b\n3| c\n', 'b\nC\n').text, 'a\nb\nC\nd\n');
  });

  it('text that really has "12| " at line starts is matched as written first', () => {
    const table = 'rows:\n1| one\n2| two\n';
    const r = ok(table, '1| one\n2| two', '1| uno\n2| two');
    assert.equal(r.kind, 'exact');
    assert.equal(r.text, 'rows:\n1| uno\n2| two\n');
  });

  describe('the same shapes made ambiguous are refused', () => {
    it('a unit change that fits two places', () => {
      const twice = GO_TABS + GO_TABS.replace('package cache\n\n', '');
      refused(twice, '    if v, ok := store[k]; ok {\n        return v, true\n    }', 'x', 'ambiguous');
    });
    it('a unit change that fits two places under two units of a mixed file', () => {
      const text = 'a() {\n    if (z) {\n        w();\n    }\n}\nb() {\n\tif (z) {\n\t\tw();\n\t}\n}\n';
      refused(text, '  if (z) {\n    w();\n  }', 'x', 'ambiguous');
    });
    it('a trimmed blank line that then fits two places', () => {
      refused('x = 1\ny = 2\nx = 1\n', 'x = 1\n\n', 'x = 9\n\n', 'ambiguous');
    });
    it('line numbers that then fit two places', () => {
      refused('b\nc\nb\nc\n', '4| b\n5| c', '4| B\n5| c', 'ambiguous');
    });
    it('line numbers out of order are content, not a quote', () => {
      refused('a\nb\nc\n', '3| b\n2| c', '3| B\n2| c', 'missing');
    });
    it('an absent identifier is never matched at any tolerance', () => {
      refused(GO_TABS, '    if v, ok := cache[k]; ok {\n        return v, true\n    }\n\n', 'x', 'missing');
    });
    it('an old_string of blank lines only is never trimmed to nothing', () => {
      refused('a\n\nb\n', '\n\n\n', 'x', 'missing');
    });
  });
});
