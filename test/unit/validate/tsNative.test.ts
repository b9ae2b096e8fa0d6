import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { isBlocking, type Finding } from '../../../src/core/findings';
import type { CandidateFile } from '../../../src/core/validate/gate';
import { NATIVE_CHECKER, disposeNative, nativeExecutable, nativeProcessId } from '../../../src/core/validate/tsNative';
import { LANGUAGE_SERVICE_CHECKER, disposeTsProjects } from '../../../src/core/validate/tsServices';
import { createTypeScriptGate } from '../../../src/core/validate/typescript';
import { GateWorkspace } from './workspace';

/**
 * TypeScript 7's native checker against TypeScript 6's LanguageService: the same candidates, the
 * same findings (file, line, column, code, message, introduced), and the fallbacks to TypeScript 6.
 * The suite in typescript.test.ts runs every gate case under both; this one compares whole results.
 */
describe('validate/tsNative: TypeScript 7 beside TypeScript 6', () => {
  let ws: GateWorkspace;
  beforeEach(() => {
    ws = new GateWorkspace('ts-project');
  });
  afterEach(() => ws.dispose());
  after(async () => {
    disposeTsProjects();
    await disposeNative();
  });

  async function both(candidate: () => CandidateFile[]): Promise<{ native: Finding[]; ts6: Finding[]; checkers: string[] }> {
    const native = await createTypeScriptGate().check(candidate(), ws.context({ typeChecker: 'auto' }));
    const ts6 = await createTypeScriptGate().check(candidate(), ws.context({ typeChecker: 'typescript6' }));
    return { native: native.findings, ts6: ts6.findings, checkers: [native.checker ?? '', ts6.checker ?? ''] };
  }

  it('finds the pinned native binary', () => {
    assert.equal(typeof nativeExecutable(), 'string');
  });

  it('gives the same findings on candidates that add, move, keep and chain errors', async () => {
    // Pre-existing errors on disk (one with a message chain, one after a non-ASCII string, so
    // columns are UTF-16 in both), then candidates that move them, add beside them and break callers.
    ws.write(
      'src/shapes.ts',
      [
        'export interface Box { inner: { size: number; label: string } }',
        'export const old: Box = { inner: { size: 1 } };',
        'export const tag = "héllo 🎉"; export const n: number = tag;',
        'export function area(b: Box): number { return b.inner.size * 2; }',
        '',
      ].join('\n'),
    );
    const cases: Array<() => CandidateFile[]> = [
      () => [ws.patch('src/shapes.ts', 'export interface Box', '// moved down a line\nexport interface Box')],
      () => [ws.patch('src/shapes.ts', 'return b.inner.size * 2;', 'return b.inner.size * 2 + b.inner.label;')],
      () => [
        ws.patch(
          'src/shapes.ts',
          'export const old: Box = { inner: { size: 1 } };',
          'export const old: Box = { inner: { size: 1, label: 2 } };',
        ),
      ],
      () => [
        ws.patch(
          'src/math.ts',
          'export function add(a: number, b: number): number {',
          'export function add(a: number, b: string): number {',
        ),
      ],
      () => [ws.patch('src/math.ts', 'return a + b;', 'return a + missingName;')],
      () => [ws.candidate('src/extra.ts', 'import { add } from "./math";\nexport const three: string = add(1, 2);\n')],
      () => [ws.candidate('src/caller.ts', undefined)],
    ];
    let compared = 0;
    for (const c of cases) {
      const { native, ts6, checkers } = await both(c);
      assert.deepEqual(checkers, [NATIVE_CHECKER, LANGUAGE_SERVICE_CHECKER]);
      assert.deepEqual(native, ts6);
      compared += native.length;
    }
    // The comparison saw findings of both kinds, not only empty lists.
    assert.ok(compared >= 8, `only ${compared} findings compared`);
  });

  it('falls back to TypeScript 6 for options TypeScript 7 removed, and says why', async () => {
    ws.write(
      'tsconfig.json',
      JSON.stringify({ compilerOptions: { target: 'ES5', strict: true, noEmit: true, types: [] }, include: ['src'] }),
    );
    const res = await createTypeScriptGate().check([ws.patch('src/math.ts', 'return a + b;', 'return a + c;')], ws.context());
    assert.match(
      res.checker ?? '',
      /^TypeScript 6\.0\.3 \(LanguageService\): TypeScript 7 does not accept this project's options: Option 'target=ES5'/,
    );
    assert.deepEqual(
      res.findings.filter(isBlocking).map((f) => [f.file, f.code]),
      [['src/math.ts', 'TS2304']],
    );
  });

  it('uses TypeScript 6 where there is no tsconfig', async () => {
    const plain = new GateWorkspace();
    try {
      plain.write('src/a.ts', 'export const a: number = 1;\n');
      const res = await createTypeScriptGate().check([plain.patch('src/a.ts', '= 1', '= "one"')], plain.context());
      assert.equal(res.checker, `${LANGUAGE_SERVICE_CHECKER}: no tsconfig.json or jsconfig.json`);
    } finally {
      plain.dispose();
    }
  });

  it('survives the native process being killed: TypeScript 6 judges that check, a new process the next', async () => {
    const gate = createTypeScriptGate();
    const bad = (): CandidateFile[] => [ws.patch('src/math.ts', 'return a + b;', 'return a + c;')];
    const first = await gate.check(bad(), ws.context());
    assert.equal(first.checker, NATIVE_CHECKER);
    const root = ws.files.root;
    const pid = await nativeProcessId(root);
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    // Wait (bounded) for the kill to land, so the next request meets a dead process.
    for (let i = 0; i < 100 && !reaped(pid); i++) await new Promise((r) => setTimeout(r, 10));

    const during = await gate.check(bad(), ws.context());
    assert.match(during.checker ?? '', /^TypeScript 6\.0\.3 \(LanguageService\): TypeScript 7 failed: /);
    assert.deepEqual(during.findings, first.findings);

    const after = await gate.check(bad(), ws.context());
    assert.equal(after.checker, NATIVE_CHECKER);
    assert.deepEqual(after.findings, first.findings);
    const next = await nativeProcessId(root);
    assert.ok(next && next !== pid);
  });
});

/** Gone, or a zombie: /proc/PID/stat's state is Z until the parent reaps it. */
function reaped(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
