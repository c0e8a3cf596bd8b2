/**
 * Content-addressed blob files: equal contents share one file, reads are byte-exact and verified, temp
 * files of a crash are cleaned, unreferenced files are removed.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Blob } from '../../harness/blob.js';
import { BlobDirectory, blobId } from '../../persistence/blob-directory.js';
import { testBytes } from '../drive/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'emu-blobs-'));
after(() => rmSync(root, { recursive: true, force: true }));

const sha256 = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');

describe('BlobDirectory', () => {
  test('ids are the SHA-256 of the content, whatever the chunking', async () => {
    const bytes = testBytes(100_000, 3);
    const chunked = Blob.fromChunks([bytes.subarray(0, 7), bytes.subarray(7, 65_536), bytes.subarray(65_536)]);
    assert.equal(await blobId(chunked), sha256(bytes));
    assert.equal(await blobId(Blob.empty()), sha256(Buffer.alloc(0)));
  });

  test('store writes each distinct content once; read is byte-exact', async () => {
    const dir = join(root, 'store');
    const blobs = await BlobDirectory.open(dir);
    const a = testBytes(70_000, 1);
    const idA = await blobs.store(Blob.fromChunks([a.subarray(0, 1000), a.subarray(1000)]));
    assert.equal(await blobs.store(Blob.fromBuffer(Buffer.from(a))), idA, 'equal content, same id');
    const idB = await blobs.store(Blob.fromBuffer(testBytes(5, 2)));
    assert.deepEqual(readdirSync(dir).sort(), [idA, idB].sort());
    assert.ok((await (await BlobDirectory.open(dir)).read(idA)).toBuffer().equals(a));
  });

  test('open removes temp files; removeUnreferenced keeps only what is referenced', async () => {
    const dir = join(root, 'gc');
    const first = await BlobDirectory.open(dir);
    const keep = await first.store(Blob.fromBuffer(Buffer.from('keep')));
    const drop = await first.store(Blob.fromBuffer(Buffer.from('drop')));
    writeFileSync(join(dir, `${keep}.abc123.tmp`), 'partial');
    writeFileSync(join(dir, 'README'), 'not ours');
    const blobs = await BlobDirectory.open(dir);
    assert.deepEqual(blobs.ids(), [keep, drop].sort());
    assert.ok(!readdirSync(dir).some((n) => n.endsWith('.tmp')));
    await blobs.removeUnreferenced(new Set([keep]));
    assert.deepEqual(readdirSync(dir).sort(), [keep, 'README'].sort());
  });

  test('read refuses a damaged file, a missing file and an id that is not a SHA-256', async () => {
    const dir = join(root, 'damaged');
    const blobs = await BlobDirectory.open(dir);
    const id = await blobs.store(Blob.fromBuffer(Buffer.from('original')));
    writeFileSync(join(dir, id), 'tampered');
    await assert.rejects(blobs.read(id), /is damaged/);
    await assert.rejects(blobs.read('f'.repeat(64)), { code: 'ENOENT' });
    await assert.rejects(blobs.read('../state.json'), /invalid blob id/);
  });
});
