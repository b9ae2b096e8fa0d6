import { strict as assert } from 'node:assert';
import { LANGUAGES, type LanguageId } from '../../../src/core/languages';
import { syntaxErrors, syntaxToolFor } from '../../../src/core/validate/syntax';
import { checkOne } from './helpers';

/**
 * One valid and one broken sample per language. The broken one is checked as a new file (every
 * error introduced) and as an edit of the valid one (the error is new, so it blocks), and the
 * first error must sit where the mistake is.
 */
const SAMPLES: Record<LanguageId, { valid: string; broken: string; at: [number, number] }> = {
  python: {
    valid: 'def add(a, b):\n    return a + b\n',
    broken: 'def add(a, b):\n    return a +\n',
    at: [2, 15],
  },
  javascript: {
    valid: 'function add(a, b) {\n  return a + b;\n}\nconst x = add(1, 2);\n',
    broken: 'function add(a, b) {\n  return a + b;\n}\nconst x = add(1, 2;\n',
    at: [4, 19],
  },
  jsx: {
    valid: 'export function App() {\n  return <div className="a">\n    <span>hi</span></div>;\n}\n',
    broken: 'export function App() {\n  return <div className="a">\n    <span>hi</div>;\n}\n',
    at: [3, 6],
  },
  typescript: {
    valid: 'export function add(a: number, b: number): number {\n  return a + b;\n}\nconst s: string = "x";\n',
    broken: 'export function add(a: number, b: number): number {\n  return a + b;\n}\nconst s: string = "x\n',
    at: [4, 21],
  },
  tsx: {
    valid: 'export const App = (): JSX.Element => (\n  <ul>\n    {items.map((i) => <li key={i}>{i}</li>)}\n  </ul>\n);\n',
    broken: 'export const App = (): JSX.Element => (\n  <ul>\n    {items.map((i) => <li key={i}>{i}</li>}\n  </ul>\n);\n',
    at: [3, 43],
  },
  go: {
    valid: 'package main\n\nfunc add(a int, b int) int {\n\treturn (a + b)\n}\n',
    broken: 'package main\n\nfunc add(a int, b int) int {\n\treturn (a + b\n}\n',
    at: [4, 15],
  },
  rust: {
    valid: 'fn add(a: i32, b: i32) -> i32 {\n    let c = (a + b);\n    c\n}\n',
    broken: 'fn add(a: i32, b: i32) -> i32 {\n    let c = (a + b;\n    c\n}\n',
    at: [2, 19],
  },
  java: {
    valid: 'class Calc {\n  int add(int a, int b) {\n    int c = (a + b);\n    return c;\n  }\n}\n',
    broken: 'class Calc {\n  int add(int a, int b) {\n    int c = (a + b;\n    return c;\n  }\n}\n',
    at: [3, 19],
  },
  csharp: {
    valid: 'class Calc {\n  int Add(int a, int b) {\n    int c = (a + b);\n    return c;\n  }\n}\n',
    broken: 'class Calc {\n  int Add(int a, int b) {\n    int c = (a + b;\n    return c;\n  }\n}\n',
    at: [3, 19],
  },
  c: {
    valid: 'int add(int a, int b) {\n  int c = (a + b);\n  return c;\n}\n',
    broken: 'int add(int a, int b) {\n  int c = (a + b;\n  return c;\n}\n',
    at: [2, 17],
  },
  cpp: {
    valid: '#include <vector>\nint add(int a, int b) {\n  std::vector<int> v{a, b};\n  return v[0] + v[1];\n}\n',
    broken: '#include <vector>\nint add(int a, int b) {\n  std::vector<int> v{a, b};\n  return v[0] + v[1]\n}\n',
    at: [4, 21],
  },
  ruby: {
    valid: 'def add(a, b)\n  a + b\nend\nputs(add(1, 2))\n',
    broken: 'def add(a, b)\n  a + b\nend\nputs(add(1, 2)\n',
    at: [4, 15],
  },
  php: {
    valid: '<?php\nfunction add($a, $b) {\n  $c = ($a + $b);\n  return $c;\n}\n',
    broken: '<?php\nfunction add($a, $b) {\n  $c = ($a + $b;\n  return $c;\n}\n',
    at: [3, 16],
  },
  json: {
    valid: '{\n  "name": "x",\n  "version": "1.0.0"\n}\n',
    broken: '{\n  "name": "x",\n  "version": "1.0.0",\n}\n',
    at: [3, 21],
  },
  css: {
    valid: 'a {\n  color: red;\n}\nb {\n  color: blue;\n}\n',
    broken: 'a {\n  color: red;\n}\nb {\n  color: blue;\n',
    at: [5, 15],
  },
  bash: {
    valid: '#!/bin/bash\nif [ -f x ]; then\n  echo yes\nfi\n',
    broken: '#!/bin/bash\nif [ -f x ]; then\n  echo yes\n',
    at: [4, 1],
  },
};

describe('syntax gate: every language', () => {
  it('has a sample for every language the gates know', () => {
    assert.deepEqual(Object.keys(SAMPLES).sort(), [...LANGUAGES].sort());
  });

  for (const language of LANGUAGES) {
    const sample = SAMPLES[language];
    describe(language, () => {
      it('finds nothing in valid code', async () => {
        assert.deepEqual(await syntaxErrors(language, sample.valid), []);
        assert.deepEqual((await checkOne({ language, before: undefined, after: sample.valid })).findings, []);
      });

      it('reports the broken line and column, introduced, from the deciding parser', async () => {
        const { findings } = await checkOne({ language, before: sample.valid, after: sample.broken });
        assert.ok(findings.length > 0, 'expected a finding');
        const first = findings[0]!;
        assert.deepEqual([first.line, first.column], sample.at, first.message);
        assert.equal(first.introduced, true);
        assert.equal(first.severity, 'error');
        assert.equal(first.category, 'syntax');
        assert.equal(first.tool, syntaxToolFor(language));
        // The quoted line is the error's own, or the last non-blank one for an error at end of file.
        const lines = sample.broken
          .split('\n')
          .slice(0, sample.at[0])
          .filter((l) => l.trim() !== '');
        assert.equal(first.excerpt, lines[lines.length - 1]!.trim());
      });

      it('blocks the broken file when it is new', async () => {
        const { findings } = await checkOne({ language, before: undefined, after: sample.broken });
        assert.ok(findings.length > 0 && findings.every((f) => f.introduced));
      });
    });
  }
});
