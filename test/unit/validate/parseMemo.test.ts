import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { languageOf, type LanguageId } from '../../../src/core/languages';
import type { CandidateFile } from '../../../src/core/validate/gate';
import { disposeParseMemo, editBetween, PARSE_MEMO_LIMITS, parseMemoStats, withMemoTree } from '../../../src/core/validate/parseMemo';
import { clearCodeFactsMemo, codeFacts, codeFactsStats } from '../../../src/core/validate/rules/codeFacts';
import { createRuleGates } from '../../../src/core/validate/rules';
import { syntaxGate } from '../../../src/core/validate/syntax';
import { parseTree } from '../../../src/core/validate/treeSitter';
import { FIXTURES, GateWorkspace } from './workspace';

const REPO = join(__dirname, '..', '..', '..');

/** Source files of a folder tree, with the language the rules would give them. */
function sources(dir: string): { path: string; language: LanguageId; text: string }[] {
  const out: { path: string; language: LanguageId; text: string }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const language = languageOf(path);
    if (language && language !== 'json') out.push({ path, language, text: readFileSync(path, 'utf8') });
  }
  return out;
}

/** Small edits of the kinds an attempt makes: lines shift, one function changes, a function appears early. */
function variants(text: string): string[] {
  const lines = text.split('\n');
  const mid = Math.floor(lines.length / 2);
  return [
    '\n\n' + text,
    [...lines.slice(0, mid), lines[mid] + ' ', ...lines.slice(mid)].join('\n'),
    text + '\n',
    text.replace(/\breturn\b/, 'return  '),
  ];
}

async function freshFacts(language: LanguageId, text: string): Promise<unknown> {
  clearCodeFactsMemo();
  disposeParseMemo();
  return codeFacts(language, text);
}

const SAMPLES: Record<string, { language: LanguageId; text: string }> = {
  'tests with anonymous callbacks': {
    language: 'typescript',
    text: [
      "describe('a', () => {",
      "  it('b', () => { if (x) y(); });",
      "  it('c', () => [1].map((v) => v && w));",
      '});',
      "describe('d', () => {",
      "  it('e', () => { for (;;) break; });",
      '});',
      '',
    ].join('\n'),
  },
  'getter and setter sharing a name': {
    language: 'typescript',
    text: [
      'export class A {',
      '  get x() { return [1].map((v) => v || 0); }',
      '  set x(v) { [v].forEach((w) => w && this.y(w)); }',
      '}',
      '',
    ].join('\n'),
  },
  python: {
    language: 'python',
    text: [
      '__all__ = ["f", "K"]',
      'def f(a, b=lambda x: x or 1):',
      '    if a and b:',
      '        return [v for v in a if v]',
      '    return lambda y: y',
      'class K:',
      '    def m(self):',
      '        return (lambda: 1)() if self else 2',
      'def _g():',
      '    pass',
      '',
    ].join('\n'),
  },
  go: {
    language: 'go',
    text: 'package p\n\nfunc F(a int) int {\n\tif a > 1 && a < 3 {\n\t\treturn func() int { return a }()\n\t}\n\treturn 0\n}\n\nfunc g() {}\n',
  },
  rust: {
    language: 'rust',
    text: 'pub fn f(a: i32) -> i32 {\n    let c = |x: i32| if x > 0 { x } else { 0 };\n    c(a)\n}\n\nimpl S {\n    pub fn m(&self) -> bool { true || false }\n}\n',
  },
  'non-ASCII text': {
    language: 'typescript',
    text: "export const greet = (n: string) => `héllo ${n} 🎉`;\nexport function f(a?: number) {\n  return a ?? '€';\n}\n",
  },
};

describe('validate/parseMemo', () => {
  afterEach(() => {
    PARSE_MEMO_LIMITS.trees = 24;
    PARSE_MEMO_LIMITS.chars = 8 * 1024 * 1024;
  });
  after(() => {
    clearCodeFactsMemo();
    disposeParseMemo();
  });

  describe('incremental parse', () => {
    it('gives the tree a full parse gives, for insertions, deletions, CRLF and non-ASCII text', async () => {
      const base = "const a = 'é';\r\nfunction f(x) {\r\n  return x + 1; // 🎉\r\n}\r\nconst b = [1, 2, 3];\r\n".repeat(20);
      const edits = [
        base.replace('return x + 1;', 'return x + 2 + 3;'),
        base.replace('// 🎉', '// 🎈 changed'),
        base.replace("const a = 'é';\r\n", ''),
        base + 'function g() { return f(1); }\n',
        'let z = 0;\n' + base,
        base.replace('[1, 2, 3]', '[1, 2,\n 3]'),
      ];
      for (const after of edits) {
        disposeParseMemo();
        await withMemoTree('javascript', base, () => undefined);
        const before = parseMemoStats().incrementalParses;
        const got = await withMemoTree('javascript', after, (t) => t.rootNode.toString(), { base });
        assert.equal(parseMemoStats().incrementalParses, before + 1, 'parsed incrementally');
        const full = await parseTree('javascript', after);
        try {
          assert.equal(got, full.rootNode.toString());
        } finally {
          full.delete();
        }
      }
    });

    it('describes the edit between two texts in UTF-16 units and rows split at newlines', () => {
      const edit = editBetween('ab\ncd🎉\nef', 'ab\ncd🎈x\nef')!;
      assert.equal(edit.startIndex, 5);
      assert.deepEqual(edit.startPosition, { row: 1, column: 2 });
      assert.equal(edit.oldEndIndex, 7);
      assert.equal(edit.newEndIndex, 8);
      assert.deepEqual(edit.newEndPosition, { row: 1, column: 5 });
      assert.equal(editBetween('a'.repeat(10), 'b'.repeat(10)), undefined, 'nothing shared: a full parse instead');
    });

    it('parses afresh when the incremental tree has errors, and reuses a tree it already has', async () => {
      disposeParseMemo();
      const base = 'function f() { return 1; }\n'.repeat(30);
      await withMemoTree('typescript', base, () => undefined);
      const broken = base.replace('return 1;', 'return (1;');
      const s0 = parseMemoStats();
      assert.equal(await withMemoTree('typescript', broken, (t) => t.rootNode.hasError, { base }), true);
      const s1 = parseMemoStats();
      assert.equal(s1.fullParses, s0.fullParses + 1);
      assert.equal(s1.incrementalParses, s0.incrementalParses);
      await withMemoTree('typescript', broken, () => undefined, { base });
      assert.equal(parseMemoStats().hits, s1.hits + 1);
      assert.equal(parseMemoStats().fullParses, s1.fullParses);
    });
  });

  describe('tree lifetime', () => {
    it('deletes evicted trees and keeps the live count within the limit', async () => {
      disposeParseMemo();
      const live0 = parseMemoStats().liveTrees;
      assert.equal(live0, 0);
      PARSE_MEMO_LIMITS.trees = 3;
      for (let i = 0; i < 10; i++) await withMemoTree('python', `x = ${i}\n`, () => undefined);
      const s = parseMemoStats();
      assert.equal(s.liveTrees, 3);
      assert.ok(s.evictions >= 7);
      PARSE_MEMO_LIMITS.chars = 10;
      await withMemoTree('python', 'y = 12345678\n', () => undefined);
      assert.equal(parseMemoStats().liveTrees, 0, 'a text over the character limit alone is freed once read');
      disposeParseMemo();
      assert.equal(parseMemoStats().liveTrees, 0);
    });

    it('does not delete a tree under a reader that is still using it', async () => {
      disposeParseMemo();
      PARSE_MEMO_LIMITS.trees = 1;
      const text = 'def f():\n    return 1\n';
      const root = await withMemoTree('python', text, async (tree) => {
        // Other callers fill the memo (and dispose it) while this reader waits.
        for (let i = 0; i < 3; i++) await withMemoTree('python', `z = ${i}\n`, () => undefined);
        disposeParseMemo();
        return tree.rootNode.toString();
      });
      assert.match(root, /function_definition/);
      assert.equal(parseMemoStats().liveTrees, 0, 'freed when the reader let go');
    });
  });

  describe('code facts', () => {
    it('are the same with and without the memo on every fixture, this repo’s gates and the samples', async () => {
      const files = [
        ...sources(FIXTURES),
        ...sources(join(REPO, 'src/core/validate')),
        ...Object.entries(SAMPLES).map(([path, s]) => ({ path, ...s })),
      ];
      assert.ok(files.length > 30);
      for (const file of files) {
        for (const variant of variants(file.text)) {
          const expected = await freshFacts(file.language, file.text);
          const expectedVariant = await freshFacts(file.language, variant);
          // Warm: the memo holds the other text's trees and per-function facts.
          clearCodeFactsMemo();
          disposeParseMemo();
          await codeFacts(file.language, file.text);
          assert.deepEqual(await codeFacts(file.language, variant, file.text), expectedVariant, `${file.path}: edited text`);
          clearCodeFactsMemo();
          disposeParseMemo();
          await codeFacts(file.language, variant);
          assert.deepEqual(await codeFacts(file.language, file.text, variant), expected, `${file.path}: original text`);
        }
      }
    });

    it('renumbers anonymous functions when an edit adds one before them', async () => {
      const { language, text } = SAMPLES['tests with anonymous callbacks']!;
      const edited = 'before(() => 1);\n' + text;
      const expected = await freshFacts(language, edited);
      clearCodeFactsMemo();
      await codeFacts(language, text);
      const warm = await codeFacts(language, edited, text);
      assert.deepEqual(warm, expected);
      assert.ok(warm!.functions.some((f) => f.name === '<anonymous#3>.<anonymous#1>'));
    });

    it('recomputes a changed function and reuses the unchanged ones', async () => {
      const text = [
        'export function small(a: number) {',
        '  return a > 1 ? a : 0;',
        '}',
        '',
        'export function other(b: number) {',
        '  if (b) return 1;',
        '  return 2;',
        '}',
        '',
      ].join('\n');
      clearCodeFactsMemo();
      await codeFacts('typescript', text);
      const s0 = codeFactsStats();
      const edited = '// moved down\n' + text.replace('if (b) return 1;', 'if (b || a) return 1;');
      const facts = (await codeFacts('typescript', edited, text))!;
      const s1 = codeFactsStats();
      assert.equal(s1.functionsComputed - s0.functionsComputed, 1, 'only `other` is walked again');
      assert.ok(s1.unitsReused > s0.unitsReused, '`small` comes from the memo');
      const byName = new Map(facts.functions.map((f) => [f.name, f]));
      assert.deepEqual([byName.get('small')!.line, byName.get('small')!.complexity], [2, 2]);
      assert.deepEqual([byName.get('other')!.line, byName.get('other')!.complexity], [6, 3]);
    });
  });

  describe('gates', () => {
    let ws: GateWorkspace;
    beforeEach(() => {
      ws = new GateWorkspace('ts-project');
    });
    afterEach(() => ws.dispose());

    it('find the same with a cold memo as after earlier attempts warmed it', async () => {
      const file = sources(join(REPO, 'src/core/validate/rules')).find((f) => f.path.endsWith('codeFacts.ts'))!;
      const attempt = (k: number): CandidateFile => ({
        path: 'src/codeFacts.ts',
        language: 'typescript',
        before: file.text,
        // Each attempt makes `complexityOf` more branchy, and drops an export.
        after: file.text
          .replace('let count = 1;', `let count = 1;${' if (count && fn) count += 0;'.repeat(12 + k)}`)
          .replace('export function codeFactsStats', 'function codeFactsStats'),
        wholeFileWrite: true,
      });
      const gates = [syntaxGate, ...createRuleGates()];
      const run = async (c: CandidateFile): Promise<unknown> => {
        const out = [];
        for (const g of gates)
          out.push((await g.check([c], { ...ws.context(), settings: g.settings.parse(ws.context().settings) })).findings);
        return out;
      };
      const cold = async (c: CandidateFile): Promise<unknown> => {
        clearCodeFactsMemo();
        disposeParseMemo();
        return run(c);
      };
      const expected = [await cold(attempt(0)), await cold(attempt(1)), await cold(attempt(2))];
      clearCodeFactsMemo();
      disposeParseMemo();
      const warm = [await run(attempt(0)), await run(attempt(1)), await run(attempt(2))];
      assert.deepEqual(warm, expected);
      const flat = JSON.stringify(expected);
      assert.match(flat, /rule:complexity/);
      assert.match(flat, /rule:public-api/);
    });
  });
});
