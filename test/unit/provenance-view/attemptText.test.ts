import assert from 'node:assert/strict';
import { RunRecordSchema } from '../../../src/core/provenance/schema';
import { attemptSource, keptAttemptOf } from '../../../src/vscode/provenance/attemptText';
import { SHA_A, SHA_B, SHA_C, sampleRun, sealed } from './sampleRun';

/**
 * The sample: attempt 1 edits src/user.ts and writes src/cache.ts (a syntax error in it), the
 * repair (attempt 2, kept) edits src/cache.ts only. Patches: src/user.ts SHA_A -> SHA_B, a new
 * src/cache.ts -> SHA_C.
 */
function run(edit: (r: ReturnType<typeof sampleRun>) => void = () => undefined) {
  const draft = sampleRun();
  edit(draft);
  return RunRecordSchema.parse(sealed([draft])[0]);
}

describe('provenance view: the text a finding of an attempt refers to', () => {
  it('is the kept candidate for the kept attempt (the best, latest on ties, when the record predates keptAttempt)', () => {
    const r = run();
    assert.equal(keptAttemptOf(r), 2);
    assert.deepEqual(attemptSource(r, 2, 'src/cache.ts'), {
      kind: 'blob',
      sha256: SHA_C,
      note: 'src/cache.ts as attempt 2 left it: the kept candidate (attempt 2).',
    });
    assert.equal(keptAttemptOf(run((d) => (d.keptAttempt = 1))), 1);
  });

  it('is the kept text for an earlier attempt when no attempt since edited that file', () => {
    // Only attempt 1 edited src/user.ts: attempt 1 left it as the kept candidate has it.
    const source = attemptSource(run(), 1, 'src/user.ts');
    assert.equal(source.kind, 'blob');
    assert.equal(source.kind === 'blob' && source.sha256, SHA_B);
  });

  it('is the original for a file no attempt up to it had edited, and the workspace file for one no patch touches', () => {
    const r = run((d) => {
      d.attempts[0]!.edits = [{ tool: 'write_file', path: 'src/cache.ts', ok: true }];
      d.attempts[1]!.edits.push({ tool: 'patch_file', path: 'src/user.ts', ok: true, matchKind: 'exact' });
    });
    const source = attemptSource(r, 1, 'src/user.ts');
    assert.equal(source.kind === 'blob' && source.sha256, SHA_A);
    assert.equal(attemptSource(r, 1, 'src/importer.ts').kind, 'workspace');
    // A refused edit changed nothing.
    const refused = run((d) => {
      d.attempts[0]!.edits = [{ tool: 'patch_file', path: 'src/user.ts', ok: false, error: 'old_string not found' }];
      d.attempts[1]!.edits.push({ tool: 'patch_file', path: 'src/user.ts', ok: true, matchKind: 'exact' });
    });
    assert.equal(attemptSource(refused, 1, 'src/user.ts').kind === 'blob', true);
  });

  it('is not kept when the attempt edited the file and a later one edited it again, and says so', () => {
    const source = attemptSource(run(), 1, 'src/cache.ts');
    assert.equal(source.kind, 'unknown');
    assert.match(source.note, /attempt 1 left it is not kept: the provenance record stores the bytes of the kept candidate \(attempt 2\)/);
    assert.equal(attemptSource(run(), 7, 'src/cache.ts').kind, 'unknown');
  });

  it('knows a file the kept candidate removes', () => {
    const r = run((d) => (d.patches[1]!.afterSha256 = null));
    assert.equal(attemptSource(r, 2, 'src/cache.ts').kind, 'deleted');
  });
});
