import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlobStore } from '../../../src/core/provenance/blobs';
import { StoreError } from '../../../src/core/provenance/errors';
import { tempDir } from './fixtures';

describe('provenance blobs', () => {
  let cleanup: () => void;
  let blobs: BlobStore;
  beforeEach(() => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    blobs = new BlobStore(join(dir, 'blobs'));
  });
  afterEach(() => cleanup());

  const bytes = (s: string) => new TextEncoder().encode(s);

  it('stores bytes under their sha256 in a two-hex-digit folder and reads them back', async () => {
    const content = bytes('export const x = 1;\r\n// ünïcödé\n');
    const sha = await blobs.put(content);
    assert.equal(sha, createHash('sha256').update(content).digest('hex'));
    assert.deepEqual(readdirSync(join(blobs.dir, sha.slice(0, 2))), [sha]);
    assert.deepEqual(readFileSync(join(blobs.dir, sha.slice(0, 2), sha)), Buffer.from(content));
    assert.deepEqual(Buffer.from(await blobs.get(sha)), Buffer.from(content));
    assert.equal(await blobs.has(sha), true);
  });

  it('stores the same bytes once, and empty content too', async () => {
    const a = await blobs.put(bytes('same'));
    const b = await blobs.put(bytes('same'));
    assert.equal(a, b);
    assert.equal((await blobs.list()).length, 1);
    const empty = await blobs.put(new Uint8Array());
    assert.equal(empty, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal((await blobs.get(empty)).length, 0);
  });

  it('refuses a corrupted blob on read, naming it', async () => {
    const sha = await blobs.put(bytes('original'));
    writeFileSync(join(blobs.dir, sha.slice(0, 2), sha), 'tampered');
    await assert.rejects(blobs.get(sha), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.match(
        err.message,
        new RegExp(`^Blob ${sha} is corrupt \\(blobs/${sha.slice(0, 2)}/${sha}\\): its content hashes to [0-9a-f]{64}\\.$`),
      );
      return true;
    });
  });

  it('heals a corrupted blob when the same bytes are put again', async () => {
    const sha = await blobs.put(bytes('original'));
    writeFileSync(join(blobs.dir, sha.slice(0, 2), sha), 'tampered');
    await blobs.put(bytes('original'));
    assert.equal(Buffer.from(await blobs.get(sha)).toString(), 'original');
  });

  it('says a missing blob is missing, and refuses names that are not hashes', async () => {
    const sha = 'c'.repeat(64);
    assert.equal(await blobs.has(sha), false);
    await assert.rejects(blobs.get(sha), /Blob c{64} is missing \(blobs\/cc\/c{64}\)\./);
    await assert.rejects(blobs.get('../../etc/passwd'), /Not a sha256 blob name/);
  });

  it('lists and removes blobs', async () => {
    const a = await blobs.put(bytes('a'));
    const b = await blobs.put(bytes('b'));
    assert.deepEqual((await blobs.list()).map((x) => x.sha).sort(), [a, b].sort());
    await blobs.remove(a);
    await blobs.remove(a);
    assert.deepEqual(
      (await blobs.list()).map((x) => x.sha),
      [b],
    );
  });
});
