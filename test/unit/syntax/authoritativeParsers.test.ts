import { strict as assert } from 'node:assert';
import { syntaxErrors } from '../../../src/core/validate/syntax';

/**
 * Where tree-sitter's grammars are wrong (FACTS.md), the language's own parser decides. Each case
 * here is one the grammars get wrong in one direction or the other.
 */
describe('syntax gate: the authoritative parser decides', () => {
  it('accepts TypeScript variance annotations `in` / `out`', async () => {
    const text =
      'interface Producer<out T> { get(): T }\ninterface Consumer<in T> { put(v: T): void }\nclass Box<in out T> { constructor(public v: T) {} }\n';
    assert.deepEqual(await syntaxErrors('typescript', text), []);
    assert.deepEqual(await syntaxErrors('tsx', text), []);
  });

  it('accepts `export type * from` and `export type * as ns from`', async () => {
    assert.deepEqual(await syntaxErrors('typescript', 'export type * from "./a";\nexport type * as ns from "./b";\n'), []);
  });

  it('accepts PEP 696 type-parameter defaults and PEP 695 aliases', async () => {
    const text = 'def f[T = int](): ...\nclass C[T, *Ts = *tuple[int], **P = [str]]: ...\ntype Alias[T = str] = list[T]\n';
    assert.deepEqual(await syntaxErrors('python', text), []);
  });

  it('rejects a Python file that ends right after a block header', async () => {
    for (const text of ['def f():\n', 'def f():', 'try:\n', 'class C:\n    def m(self):\n']) {
      const errors = await syntaxErrors('python', text);
      assert.ok(errors.length > 0, `expected an error for ${JSON.stringify(text)}`);
      assert.equal(errors[0]!.tool, 'ruff');
    }
  });

  it('rejects what CPython rejects at compile time although the grammar allows it', async () => {
    const cases: [string, string][] = [
      ['break\n', 'F701'],
      ['def f():\n    pass\nreturn 1\n', 'F706'],
      ['x = 1\nfrom __future__ import annotations\n', 'F404'],
      ['def f(a, a):\n    pass\n', 'invalid-syntax'],
    ];
    for (const [text, code] of cases) {
      const errors = await syntaxErrors('python', text);
      assert.deepEqual(
        errors.map((e) => e.code),
        [code],
        text,
      );
    }
  });

  it('rejects TypeScript-only syntax in a .js or .jsx file', async () => {
    const errors = await syntaxErrors('javascript', 'let n: number = 1;\n');
    assert.deepEqual(
      errors.map((e) => [e.code, e.line, e.column]),
      [['TS8010', 1, 8]],
    );
    assert.equal((await syntaxErrors('jsx', 'enum E { A }\n')).length, 1);
    assert.deepEqual(await syntaxErrors('typescript', 'let n: number = 1;\nenum E { A }\n'), []);
  });

  it('parses JSX in a .js file as the compiler does', async () => {
    assert.deepEqual(await syntaxErrors('javascript', 'export const a = <div>{1}</div>;\n', { path: 'src/a.js' }), []);
  });

  it('tells .d.ts, .mts and .cjs files apart by their path', async () => {
    assert.deepEqual(await syntaxErrors('typescript', 'export declare function f(): void;\n', { path: 'types/x.d.ts' }), []);
    assert.deepEqual(await syntaxErrors('typescript', 'export const x = 1;\n', { path: 'a.mts' }), []);
    assert.deepEqual(await syntaxErrors('javascript', 'module.exports = 1;\n', { path: 'a.cjs' }), []);
  });

  it('finds an unbalanced group in a regular expression literal, which the parser alone accepts', async () => {
    const errors = await syntaxErrors('javascript', 'const r = /^(?:Ui|Int(8|16)Array$/;\n');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.line, 1);
    // Annex B patterns that engines accept stay valid, and so does modern syntax.
    assert.deepEqual(await syntaxErrors('javascript', 'const a = /\\p{L}/;\nconst b = /[\\p{L}--\\p{N}]/v;\nconst c = /a{,/;\n'), []);
  });

  it('gives columns in UTF-16 code units after non-ASCII text, for every parser', async () => {
    const prefix = 'x = "é😀"; ';
    const col = prefix.length + 1;
    const ts = await syntaxErrors('typescript', `${prefix}const = 1;\n`);
    assert.equal(ts[0]!.column, col + 'const '.length);
    const py = await syntaxErrors('python', `${prefix}y = )\n`);
    assert.equal(py[0]!.column, col + 'y = '.length);
    const line = 'func f() { s := "é😀"; g(s';
    const go = await syntaxErrors('go', `package main\n${line}\n}\n`);
    assert.deepEqual([go[0]!.message, go[0]!.column], ['Missing `)`', line.length + 1]);
  });
});

describe('syntax gate: JSON', () => {
  it('accepts every number JSON.parse accepts, though tree-sitter-json rejects `1e+30`', async () => {
    assert.deepEqual(await syntaxErrors('json', '{"n": [1e+30, 4.5E+10, -0.5e-3]}\n'), []);
  });

  it('accepts the comments of JSONC files and still places a real mistake', async () => {
    assert.deepEqual(await syntaxErrors('json', '{\n  // why\n  "a": 1 /* note */\n}\n'), []);
    const errors = await syntaxErrors('json', '{\n  "a": 1\n  "b": 2\n}\n');
    assert.ok(errors.length > 0);
    assert.equal(errors[0]!.tool, 'tree-sitter');
  });
});
