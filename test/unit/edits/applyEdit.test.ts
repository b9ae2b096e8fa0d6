import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyToolCall, type AllowedFiles } from '../../../src/core/edits/applyEdit';
import { Overlay } from '../../../src/core/edits/overlay';
import { NodeWorkspaceFiles } from '../../../src/core/host/nodeWorkspaceFiles';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Every file under `dir` with its bytes and mtime, to prove nothing was written. */
function fingerprint(dir: string): Record<string, { bytes: string; mtimeMs: number }> {
  const out: Record<string, { bytes: string; mtimeMs: number }> = {};
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p, r);
      else out[r] = { bytes: readFileSync(p).toString('hex'), mtimeMs: statSync(p).mtimeMs };
    }
  };
  walk(dir, '');
  return out;
}

describe('edits/applyToolCall and the overlay', () => {
  let root: string;
  let overlay: Overlay;
  const allowed: AllowedFiles = { targets: ['src/a.ts', 'win.ts', 'img.bin'], allowNewFiles: false };
  let n = 0;
  const call = (name: string, input: unknown) => ({ id: `t${++n}`, name, input });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'rg-edits-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'a.ts'), 'export function a() {\n  return 1;\n}\n');
    // CRLF, a BOM and no final newline: all three must survive every edit.
    writeFileSync(join(root, 'win.ts'), Buffer.concat([BOM, Buffer.from('const a = 1;\r\nconst b = 2;\r\nconst c = 3;')]));
    writeFileSync(join(root, 'img.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    writeFileSync(join(root, 'other.ts'), 'x\n');
    overlay = new Overlay(new NodeWorkspaceFiles(root));
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('patches in memory and never writes to disk', async () => {
    const before = fingerprint(root);
    const out = await applyToolCall(
      overlay,
      call('patch_file', { path: 'src/a.ts', old_string: 'return 1;', new_string: 'return 2;' }),
      allowed,
    );
    assert.deepEqual(out, { ok: true, path: 'src/a.ts', matchKind: 'exact' });
    await applyToolCall(overlay, call('write_file', { path: 'win.ts', content: 'rewritten\n' }), allowed);
    assert.deepEqual(overlay.changedPaths(), ['src/a.ts', 'win.ts']);
    assert.equal(Buffer.from(overlay.finalBytes('src/a.ts')!).toString(), 'export function a() {\n  return 2;\n}\n');
    assert.deepEqual(fingerprint(root), before);
  });

  it('keeps CRLF, the BOM and the missing final newline byte-exactly after patch_file', async () => {
    const out = await applyToolCall(
      overlay,
      call('patch_file', { path: 'win.ts', old_string: 'const b = 2;\nconst c = 3;', new_string: 'const b = 20;\nconst c = 3;' }),
      allowed,
    );
    assert.ok(out.ok);
    assert.equal(out.matchKind, 'line_endings');
    const bytes = Buffer.from(overlay.finalBytes('win.ts')!);
    assert.deepEqual(bytes, Buffer.concat([BOM, Buffer.from('const a = 1;\r\nconst b = 20;\r\nconst c = 3;')]));
    const [file] = overlay.changedFiles();
    assert.equal(file!.before, 'const a = 1;\r\nconst b = 2;\r\nconst c = 3;');
    assert.equal(file!.language, 'typescript');
    assert.equal(file!.wholeFileWrite, false);
  });

  it('keeps CRLF, the BOM and the missing final newline byte-exactly after write_file', async () => {
    const out = await applyToolCall(overlay, call('write_file', { path: 'win.ts', content: 'const a = 1;\nconst z = 26;\n' }), allowed);
    assert.deepEqual(out, { ok: true, path: 'win.ts', matchKind: 'whole_file' });
    assert.deepEqual(Buffer.from(overlay.finalBytes('win.ts')!), Buffer.concat([BOM, Buffer.from('const a = 1;\r\nconst z = 26;')]));
    assert.equal(overlay.changedFiles()[0]!.wholeFileWrite, true);
  });

  it('adds the final newline write_file content lacks when the original had one', async () => {
    await applyToolCall(overlay, call('write_file', { path: 'src/a.ts', content: 'export const a = 1;' }), allowed);
    assert.equal(Buffer.from(overlay.finalBytes('src/a.ts')!).toString(), 'export const a = 1;\n');
  });

  it('names the bad field of a malformed input in one line', async () => {
    const cases: [unknown, RegExp][] = [
      [{ path: 'src/a.ts', new_string: 'x' }, /^patch_file: field "old_string" is required \(string\)$/],
      [{ path: 'src/a.ts', old_string: 3, new_string: 'x' }, /^patch_file: field "old_string" must be a string, not a number$/],
      [{ path: 'src/a.ts', old_string: 'a', new_string: 'b', force: true }, /^patch_file: unknown field "force"$/],
      ['src/a.ts', /^patch_file: input must be a JSON object, not a string$/],
      [{ path: '', old_string: 'a', new_string: 'b' }, /^patch_file: field "path" must not be empty$/],
    ];
    for (const [input, expected] of cases) {
      const out = await applyToolCall(overlay, call('patch_file', input), allowed);
      assert.ok(!out.ok);
      assert.match(out.error, expected);
    }
  });

  it('refuses paths that escape the workspace, by .. and by absolute path', async () => {
    for (const path of ['../outside.ts', 'src/../../outside.ts', '/etc/passwd', 'C:\\Windows\\x.ts']) {
      const out = await applyToolCall(overlay, call('write_file', { path, content: 'x' }), { ...allowed, allowNewFiles: true });
      assert.ok(!out.ok, path);
      assert.match(out.error, /^write_file: Path .*(outside the workspace|is absolute)/, path);
    }
  });

  it('refuses a target that leads out of the workspace through a symbolic link', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'rg-outside-'));
    try {
      writeFileSync(join(outside, 'secret.ts'), 'const s = 1;\n');
      symlinkSync(join(outside, 'secret.ts'), join(root, 'link.ts'));
      const out = await applyToolCall(overlay, call('patch_file', { path: 'link.ts', old_string: 's = 1', new_string: 's = 2' }), {
        targets: ['link.ts'],
        allowNewFiles: false,
      });
      assert.ok(!out.ok);
      assert.match(out.error, /^patch_file: .*outside the workspace through a link/);
      assert.equal(readFileSync(join(outside, 'secret.ts'), 'utf8'), 'const s = 1;\n');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a new file over a dangling symbolic link, which writing would replace with a file', async () => {
    symlinkSync(join(root, 'nowhere', 'gone.ts'), join(root, 'dangling.ts'));
    const out = await applyToolCall(overlay, call('write_file', { path: 'dangling.ts', content: 'x\n' }), {
      ...allowed,
      allowNewFiles: true,
    });
    assert.ok(!out.ok);
    assert.match(out.error, /^write_file: .*link/);
  });

  it("never creates new files inside a nested tool folder (a sub-project's .git or node_modules)", async () => {
    for (const path of ['packages/app/.git/hooks/post-checkout', 'packages/app/node_modules/x/index.js']) {
      const out = await applyToolCall(overlay, call('write_file', { path, content: 'x' }), { ...allowed, allowNewFiles: true });
      assert.ok(!out.ok, path);
    }
  });

  it('refuses files outside the allowed set, and new files unless the run allows them', async () => {
    const other = await applyToolCall(overlay, call('patch_file', { path: 'other.ts', old_string: 'x', new_string: 'y' }), allowed);
    assert.ok(!other.ok);
    assert.match(other.error, /other\.ts is not one of the files this run may change \(img\.bin, src\/a\.ts, win\.ts\)/);
    const created = await applyToolCall(overlay, call('write_file', { path: 'src/new.ts', content: 'x\n' }), allowed);
    assert.ok(!created.ok);
    const allowedNew = await applyToolCall(overlay, call('write_file', { path: './src/new.ts', content: 'x\n' }), {
      ...allowed,
      allowNewFiles: true,
    });
    assert.deepEqual(allowedNew, { ok: true, path: 'src/new.ts', matchKind: 'whole_file' });
    assert.equal(overlay.changedFiles().find((f) => f.path === 'src/new.ts')!.before, undefined);
    // New files never go into tool folders, and an existing non-target stays refused.
    const git = await applyToolCall(overlay, call('write_file', { path: '.git/hooks/pre-commit', content: 'x' }), {
      ...allowed,
      allowNewFiles: true,
    });
    assert.ok(!git.ok);
    const existing = await applyToolCall(overlay, call('write_file', { path: 'other.ts', content: 'y' }), {
      ...allowed,
      allowNewFiles: true,
    });
    assert.ok(!existing.ok);
  });

  it('refuses unknown tools, binary files, missing files and failed matches as failures, not exceptions', async () => {
    const unknown = await applyToolCall(overlay, call('delete_file', { path: 'src/a.ts' }), allowed);
    assert.ok(!unknown.ok && /Unknown tool "delete_file"/.test(unknown.error));
    const bin = await applyToolCall(overlay, call('write_file', { path: 'img.bin', content: 'x' }), allowed);
    assert.ok(!bin.ok && /img\.bin: The file looks binary/.test(bin.error));
    const missing = await applyToolCall(
      overlay,
      call('patch_file', { path: 'src/a.ts', old_string: 'return 3;', new_string: 'x' }),
      allowed,
    );
    assert.ok(!missing.ok && /not found in src\/a\.ts.*\n2\|   return 1;/s.test(missing.error));
    const absent = await applyToolCall(overlay, call('patch_file', { path: 'src/gone.ts', old_string: 'a', new_string: 'b' }), {
      targets: ['src/gone.ts'],
      allowNewFiles: false,
    });
    assert.ok(!absent.ok && /does not exist; create it with write_file/.test(absent.error));
    assert.deepEqual(overlay.changedPaths(), []);
  });

  it('applies several calls in order and restores a snapshot', async () => {
    await applyToolCall(overlay, call('patch_file', { path: 'src/a.ts', old_string: 'return 1;', new_string: 'return 2;' }), allowed);
    const snap = overlay.snapshot();
    await applyToolCall(overlay, call('patch_file', { path: 'src/a.ts', old_string: 'return 2;', new_string: 'return 3;' }), allowed);
    await applyToolCall(overlay, call('write_file', { path: 'win.ts', content: 'x' }), allowed);
    assert.match(overlay.changedFiles()[0]!.after!, /return 3;/);
    assert.deepEqual((await overlay.current('src/a.ts'))!.matchKinds, ['exact', 'exact']);
    overlay.restore(snap);
    assert.deepEqual(overlay.changedPaths(), ['src/a.ts']);
    assert.match(overlay.changedFiles()[0]!.after!, /return 2;/);
    // Restoring does not tie the snapshot to later edits.
    await applyToolCall(overlay, call('patch_file', { path: 'src/a.ts', old_string: 'return 2;', new_string: 'return 4;' }), allowed);
    overlay.restore(snap);
    assert.match(overlay.changedFiles()[0]!.after!, /return 2;/);
  });
});
