import { strict as assert } from 'node:assert';
import { isBlocking } from '../../../src/core/findings';
import { CancelledError } from '../../../src/core/ports';
import { createTypeScriptGate } from '../../../src/core/validate/typescript';
import { NATIVE_CHECKER, disposeNative, nativeProjectCount } from '../../../src/core/validate/tsNative';
import { LANGUAGE_SERVICE_CHECKER, disposeTsProjects, tsProjectCount } from '../../../src/core/validate/tsServices';
import type { GateSettingsInput } from '../../../src/core/validate/gateSettings';
import type { GateContext } from '../../../src/core/validate/gate';
import { GateWorkspace } from './workspace';

// Every case runs under both checkers: the same findings, introduced or not, whichever judges.
for (const [typeChecker, judge] of [
  ['auto', NATIVE_CHECKER],
  ['typescript6', LANGUAGE_SERVICE_CHECKER],
] as const) {
  describe(`validate/typescript gate (${judge})`, () => {
    let ws: GateWorkspace;
    let workspace: GateWorkspace;
    beforeEach(() => {
      workspace = new GateWorkspace('ts-project');
      // The checker under test, whatever else a case sets.
      ws = Object.assign(Object.create(workspace) as GateWorkspace, {
        context: (settings: GateSettingsInput = {}, extra: Partial<GateContext> = {}) =>
          workspace.context({ typeChecker, ...settings }, extra),
      });
    });
    afterEach(() => {
      workspace.dispose();
    });
    after(async () => {
      disposeTsProjects();
      await disposeNative();
    });

    it('passes a benign patch', async () => {
      const gate = createTypeScriptGate();
      const res = await gate.check([ws.patch('src/math.ts', 'return a + b;', 'const sum = a + b;\n  return sum;')], ws.context());
      assert.equal(res.gate, 'typescript');
      assert.deepEqual(res.findings, []);
      assert.ok(res.durationMs >= 0);
      assert.equal(res.checker, judge);
    });

    it('blocks an undefined name the patch introduces, classified undefined_name', async () => {
      const gate = createTypeScriptGate();
      const res = await gate.check([ws.patch('src/math.ts', 'return a + b;', 'return a + c;')], ws.context());
      const blocking = res.findings.filter(isBlocking);
      assert.equal(blocking.length, 1);
      assert.equal(blocking[0]!.code, 'TS2304');
      assert.equal(blocking[0]!.category, 'undefined_name');
      assert.equal(blocking[0]!.file, 'src/math.ts');
      assert.equal(blocking[0]!.line, 3);
      assert.match(blocking[0]!.excerpt ?? '', /return a \+ c/);
    });

    it('does not block a pre-existing error, even when the patch moves it to another line', async () => {
      // The error is on disk before the patch: a caller passing a string.
      ws.write(
        'src/unrelated.ts',
        'export function greet(name: string): string {\n  return `hello ${name}`;\n}\nexport const bad: number = "nope";\n',
      );
      const gate = createTypeScriptGate();
      const moved = ws.patch('src/unrelated.ts', 'export function greet', '// a new comment\n// and another\nexport function greet');
      const res = await gate.check([moved], ws.context());
      const ts2322 = res.findings.filter((f) => f.code === 'TS2322');
      assert.equal(ts2322.length, 1, 'the pre-existing error is still reported');
      assert.equal(ts2322[0]!.introduced, false);
      assert.equal(ts2322[0]!.line, 6, 'at its new line');
      assert.equal(res.findings.filter(isBlocking).length, 0);
    });

    it('does not block a pre-existing error on a line the patch rewrites, but blocks a new one beside it', async () => {
      ws.write('src/unrelated.ts', 'export const bad: number = "nope"; export const ok = 1;\n');
      const gate = createTypeScriptGate();
      const same = await gate.check([ws.patch('src/unrelated.ts', 'export const ok = 1;', 'export const ok = 2;')], ws.context());
      assert.deepEqual(
        same.findings.map((f) => [f.code, f.introduced]),
        [['TS2322', false]],
      );
      const worse = await gate.check([ws.patch('src/unrelated.ts', 'export const ok = 1;', 'export const ok: string = 2;')], ws.context());
      assert.deepEqual(
        worse.findings.map((f) => [f.code, f.introduced]),
        [
          ['TS2322', false],
          ['TS2322', true],
        ],
      );
    });

    it('checks a JavaScript file in a project without allowJs for its syntax only', async () => {
      ws.write('src/legacy.js', 'function f(x) { return x + 1; }\nmodule.exports = { f };\n');
      const gate = createTypeScriptGate();
      assert.deepEqual((await gate.check([ws.patch('src/legacy.js', 'x + 1', 'x.nope + 1')], ws.context())).findings, []);
      const broken = await gate.check([ws.patch('src/legacy.js', 'x + 1', 'x + ')], ws.context());
      assert.deepEqual(
        broken.findings.map((f) => [f.code, f.category, f.introduced]),
        [['TS1109', 'syntax', true]],
      );
    });

    it('catches a caller broken by a signature change, with the caller path', async () => {
      const gate = createTypeScriptGate();
      const res = await gate.check(
        [
          ws.patch(
            'src/math.ts',
            'export function add(a: number, b: number): number {',
            'export function add(a: number, b: number, c: number): number {',
          ),
        ],
        ws.context(),
      );
      const blocking = res.findings.filter(isBlocking);
      assert.equal(blocking.length, 1);
      assert.equal(blocking[0]!.file, 'src/caller.ts');
      assert.equal(blocking[0]!.code, 'TS2554');
      assert.equal(blocking[0]!.category, 'type_mismatch');
      assert.match(blocking[0]!.excerpt ?? '', /sum = add\(sum, v\)/);
    });

    it('catches an importer broken by a removed export, classified missing_import', async () => {
      const gate = createTypeScriptGate();
      const res = await gate.check([ws.patch('src/math.ts', 'export function scale', 'function scale')], ws.context());
      const blocking = res.findings.filter(isBlocking);
      assert.ok(
        blocking.some((f) => f.file === 'src/caller.ts' && f.category === 'missing_import'),
        JSON.stringify(blocking),
      );
    });

    it('keeps one warm service per tsconfig across attempts and sees each new overlay', async () => {
      disposeTsProjects();
      await disposeNative();
      const gate = createTypeScriptGate();
      const ok = await gate.check([ws.patch('src/math.ts', 'return a + b;', 'return b + a;')], ws.context());
      assert.equal(ok.findings.filter(isBlocking).length, 0);
      const bad = await gate.check([ws.patch('src/math.ts', 'return a + b;', 'return a + "x";')], ws.context());
      assert.equal(bad.findings.filter(isBlocking)[0]?.code, 'TS2322');
      const okAgain = await gate.check([ws.patch('src/math.ts', 'return a + b;', 'return b + a;')], ws.context());
      assert.equal(okAgain.findings.filter(isBlocking).length, 0);
      assert.equal(typeChecker === 'auto' ? nativeProjectCount() : tsProjectCount(), 1);
    });

    it('sees files changed on disk between runs', async () => {
      const gate = createTypeScriptGate();
      const patch = () => ws.patch('src/math.ts', 'return a + b;', 'return b + a;');
      assert.deepEqual((await gate.check([patch()], ws.context())).findings, []);
      ws.write('src/caller.ts', ws.read('src/caller.ts').replace('add(sum, v)', 'add(sum, v, 1)'));
      const res = await gate.check([patch()], ws.context());
      assert.deepEqual(
        res.findings.map((f) => [f.file, f.code, f.introduced]),
        [['src/caller.ts', 'TS2554', false]],
      );
    });

    it('checks a new file and a deleted file against their importers', async () => {
      const gate = createTypeScriptGate();
      const created = ws.candidate('src/extra.ts', 'import { add } from "./math";\nexport const three = add(1, "2");\n');
      const res = await gate.check([created], ws.context());
      assert.deepEqual(
        res.findings.filter(isBlocking).map((f) => [f.file, f.code]),
        [['src/extra.ts', 'TS2345']],
      );

      const removed = ws.candidate('src/caller.ts', undefined);
      const res2 = await gate.check([removed], ws.context());
      assert.ok(
        res2.findings.some((f) => isBlocking(f) && f.file === 'src/report.ts' && f.code === 'TS2307'),
        JSON.stringify(res2.findings),
      );
    });

    it('follows a solution-style tsconfig to the referenced config that includes the file', async () => {
      ws.write('tsconfig.app.json', ws.read('tsconfig.json'));
      ws.write('tsconfig.json', JSON.stringify({ files: [], references: [{ path: './tsconfig.app.json' }] }));
      const gate = createTypeScriptGate();
      const res = await gate.check(
        [
          ws.patch(
            'src/math.ts',
            'export function add(a: number, b: number): number {',
            'export function add(a: number, b: string): number {',
          ),
        ],
        ws.context(),
      );
      const blocking = res.findings.filter(isBlocking).map((f) => [f.file, f.code]);
      // strict (from tsconfig.app.json) and the caller found through the referenced project.
      assert.deepEqual(blocking, [
        ['src/math.ts', 'TS2322'],
        ['src/caller.ts', 'TS2345'],
      ]);
    });

    it('compares an importer that only resolves once the patch creates the file it imports', async () => {
      ws.write(
        'src/uses.ts',
        'import { LIMIT } from "./limits";\nexport const bad: number = "pre-existing";\nexport const shout: string = LIMIT.toUpperCase();\n',
      );
      const gate = createTypeScriptGate();
      const res = await gate.check([ws.candidate('src/limits.ts', 'export const LIMIT = 10;\n')], ws.context());
      const uses = res.findings.filter((f) => f.file === 'src/uses.ts').map((f) => [f.line, f.code, f.introduced]);
      assert.deepEqual(uses, [
        [2, 'TS2322', false],
        [3, 'TS2339', true],
      ]);
    });

    it('uses defaults without a tsconfig: JavaScript syntax errors block, types are not checked', async () => {
      const plain = new GateWorkspace();
      try {
        plain.write('lib/a.js', 'function f(x) { return x * 2; }\nmodule.exports = { f };\n');
        const gate = createTypeScriptGate();
        const typeOnly = await gate.check([plain.patch('lib/a.js', 'return x * 2;', 'return x.nope.deeper;')], plain.context());
        assert.equal(typeOnly.findings.filter(isBlocking).length, 0);
        const broken = await gate.check([plain.patch('lib/a.js', 'return x * 2;', 'return x * ;')], plain.context());
        assert.equal(broken.findings.filter(isBlocking)[0]?.category, 'syntax');
      } finally {
        plain.dispose();
      }
    });

    it('turns a timeout into a blocking finding of category other', async () => {
      const gate = createTypeScriptGate({ timeoutMs: 0 });
      const res = await gate.check([ws.patch('src/math.ts', 'return a + b;', 'return b + a;')], ws.context());
      assert.equal(res.findings.length, 1);
      assert.equal(res.findings[0]!.category, 'other');
      assert.ok(isBlocking(res.findings[0]!));
      assert.match(res.findings[0]!.message, /timed out/);
    });

    it('stops with CancelledError when the run is cancelled', async () => {
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(
        createTypeScriptGate().check([ws.patch('src/math.ts', 'a + b', 'b + a')], ws.context({}, { signal: controller.signal })),
        CancelledError,
      );
    });

    it('skips when no TypeScript or JavaScript file changed', async () => {
      const res = await createTypeScriptGate().check([ws.candidate('README.md', 'hi')], ws.context());
      assert.match(res.skipped ?? '', /no TypeScript/);
    });
  });
}
