import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { disposeTypeScriptTrees, typescriptSyntaxErrors, type TypeScriptLike } from '../../../src/core/validate/parsers/typescriptParser';
import { seededRandom } from '../../support/seededRandom';

/**
 * The syntax gate parses each text of a path from the previous one's tree (the compiler's
 * incremental parser). Its verdict must be the one a fresh parse gives: a seeded walk of random
 * edits, many of them breaking (an unclosed brace, a stray quote, half a comment, a regular
 * expression's bracket), compares the two after every step. A failure names its seed and step.
 * RG_FUZZ_STEPS raises the count for a local soak.
 */
const STEPS = Number(process.env.RG_FUZZ_STEPS ?? 60);

const ZOD_TYPES = join(__dirname, '..', '..', '..', 'node_modules', 'zod3', 'src', 'v3', 'types.ts');

const TSX = `import { useState } from 'react';

export function Counter({ start }: { start: number }) {
  const [n, setN] = useState(start);
  const label = \`count: \${n}\`;
  return (
    <div className="counter" onClick={() => setN(n + 1)}>
      {n > 10 ? <b>{label}</b> : <span>{label}</span>}
    </div>
  );
}
`;

const JS = `'use strict';
const pattern = /^(\\d+)-(\\w+)$/u;
function parse(line) {
  const m = pattern.exec(line);
  if (!m) return undefined;
  return { id: Number(m[1]), name: m[2] };
}
class Store {
  #items = new Map();
  add(line) { const p = parse(line); if (p) this.#items.set(p.id, p); return this; }
}
module.exports = { parse, Store };
`;

/** Pieces an edit inserts: the characters that open or close something, and whole constructs. */
const SNIPPETS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  "'",
  '"',
  '`',
  '/*',
  '*/',
  '//',
  '/(a/',
  '<div>',
  '</div>',
  ';',
  ',',
  '=>',
  '\n',
  'const x = 1;\n',
  'function f() {\n',
  'enum E { A }\n',
  'interface I { a: number }\n',
  ': string',
  '<T>',
  '${',
  'async ',
  'await ',
];

function edit(text: string, rnd: () => number): string {
  const at = Math.floor(rnd() * (text.length + 1));
  const r = rnd();
  if (r < 0.45) return text.slice(0, at) + SNIPPETS[Math.floor(rnd() * SNIPPETS.length)] + text.slice(at);
  if (r < 0.75) return text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 20));
  // A whole line moved elsewhere, as a model's edit moves a statement.
  const lines = text.split('\n');
  const from = Math.floor(rnd() * lines.length);
  const [line] = lines.splice(from, 1);
  lines.splice(Math.floor(rnd() * lines.length), 0, line!);
  return lines.join('\n');
}

/** How many of the walk's texts had errors, and how many were whole but not the original. */
function walk(
  name: string,
  language: TypeScriptLike,
  path: string,
  original: string,
  seed: number,
  steps: number,
): { broken: number; wholeEdits: number } {
  const rnd = seededRandom(seed);
  disposeTypeScriptTrees();
  let text = original;
  let broken = 0;
  let wholeEdits = 0;
  for (let step = 0; step < steps; step++) {
    // Now and then back to the original, as the gate goes from an attempt's text back to the file's.
    text = rnd() < 0.15 ? original : edit(text, rnd);
    const incremental = typescriptSyntaxErrors(language, text, path);
    // A path of its own each step: nothing to start from, so this one is a fresh parse.
    const fresh = typescriptSyntaxErrors(language, text, `fresh-${step}/${path}`);
    assert.deepEqual(incremental, fresh, `${name}: seed ${seed}, step ${step}`);
    if (fresh.length > 0) broken++;
    else if (text !== original) wholeEdits++;
  }
  return { broken, wholeEdits };
}

describe('syntax gate: TypeScript parses incrementally, with the verdict of a fresh parse', function () {
  this.timeout(120_000);
  afterEach(() => disposeTypeScriptTrees());

  it("zod 3's types.ts (5,100 lines) through a seeded walk of edits", () => {
    const { broken, wholeEdits } = walk('types.ts', 'typescript', 'src/types.ts', readFileSync(ZOD_TYPES, 'utf8'), 12, STEPS);
    // Errors always come from a fresh parse, so what the walk tests is that an incremental parse
    // never calls a broken text whole: it must reach broken texts and whole edited ones.
    assert.ok(broken > 0, `${broken} of ${STEPS} texts had errors`);
    assert.ok(wholeEdits > 0, `${wholeEdits} of ${STEPS} texts were edited and whole`);
  });

  it('a TSX component and a JavaScript module (its JS-only checks and regular expressions too)', () => {
    for (const seed of [1, 2, 3]) {
      walk('Counter.tsx', 'tsx', 'src/Counter.tsx', TSX, seed, STEPS);
      walk('store.js', 'javascript', 'src/store.js', JS, seed, STEPS);
    }
  });

  it('a broken text is never the base of the next: an edit elsewhere in it keeps its error', () => {
    // From the broken tree the incremental parser reuses the import that holds the error and drops
    // its diagnostic; a fresh parse of the second text still reports it.
    const a = "import { x,) type Y } from './y';\nexport const o = [{ removed: false, added: true }];\n";
    const b = a.replace('removed: false', 'removed: fe');
    const fresh = typescriptSyntaxErrors('typescript', b, 'fresh/n.ts');
    assert.equal(fresh[0]?.code, 'TS1003');
    assert.equal(typescriptSyntaxErrors('typescript', a, 'n.ts')[0]?.code, 'TS1003');
    assert.deepEqual(typescriptSyntaxErrors('typescript', b, 'n.ts'), fresh);
  });

  it('the same text twice, a broken edit of it, another path and a .js path each get their own verdict', () => {
    const text = 'const a = 1;\nexport { a };\n';
    assert.deepEqual(typescriptSyntaxErrors('typescript', text, 'a.ts'), []);
    assert.deepEqual(typescriptSyntaxErrors('typescript', text, 'a.ts'), []);
    assert.equal(typescriptSyntaxErrors('typescript', 'const a = ;\n', 'a.ts')[0]?.code, 'TS1109');
    assert.deepEqual(typescriptSyntaxErrors('typescript', text, 'b.ts'), []);
    // A .js path parses as JavaScript: a type annotation there is an error the .ts tree never had.
    assert.equal(typescriptSyntaxErrors('javascript', 'let a: number = 1;\n', 'a.js')[0]?.code, 'TS8010');
  });
});
