/**
 * The Cloud Storage emulator driven by a client we did not write: the real gcloud CLI (`gcloud storage`),
 * as a user following emulators/README.md would use it. `cp` of a small file (multipart upload, single-quoted
 * boundary, LF-only line ends) and of 12 MiB (resumable, on the `/resumable/upload` path), `cp -` from
 * stdin in 256 KiB chunks (`bytes a-b/*`, the total on the last chunk or in `bytes * /N`), `ls`, `cat`,
 * `mv` (getStorageLayout, rewrite, delete) and `rm`, each checked byte for byte in the emulator. Skipped,
 * with a message, where gcloud is not installed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '../index.js';
import { gcloudFor, gcloudMissing, type Gcloud } from './gcloud/support.js';
import { pseudoRandomBytes } from './gcs/support.js';

const missing = gcloudMissing();
const MiB = 1024 * 1024;
const BUCKET = 'gcloud-bucket';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('gcloud storage against the Cloud Storage emulator', { skip: missing }, () => {
  let emu: Emulators;
  let gcloud: Gcloud;
  let files: string;
  const small = Buffer.from('hello from gcloud\r\nsecond line ends in CR\r');
  const big = pseudoRandomBytes(12 * MiB, 12);

  const stored = (name: string) => emu.gcs.getObject(BUCKET, name)?.content.toBuffer();
  const counted = (route: string) => emu.hub.counters()[route] ?? 0;

  before(async () => {
    emu = await startEmulators({ limits: RATE_LIMITS_OFF });
    emu.gcs.createBucket(BUCKET);
    gcloud = gcloudFor(emu.env.STORAGE_EMULATOR_HOST);
    files = mkdtempSync(join(tmpdir(), 'gcloud-files-'));
    writeFileSync(join(files, 'small.txt'), small);
    writeFileSync(join(files, 'big.bin'), big);
  });
  after(async () => {
    gcloud?.dispose();
    if (files) rmSync(files, { recursive: true, force: true });
    await emu?.stop();
  });

  test('cp of a small file: one multipart upload, byte-exact', async () => {
    await gcloud.ok(['storage', 'cp', join(files, 'small.txt'), `gs://${BUCKET}/docs/small.txt`]);
    assert.ok(stored('docs/small.txt')?.equals(small));
    assert.equal(emu.gcs.getObject(BUCKET, 'docs/small.txt')?.contentType, 'text/plain');
    assert.equal(counted('gcs.upload.multipart'), 1);
  });

  test('cp of 12 MiB: a resumable upload opened on /resumable/upload, byte-exact', async () => {
    await gcloud.ok(['storage', 'cp', join(files, 'big.bin'), `gs://${BUCKET}/data/big.bin`]);
    assert.equal(md5(stored('data/big.bin') ?? Buffer.alloc(0)), md5(big));
    assert.equal(counted('gcs.upload.resumable.start'), 1);
  });

  test('cp from stdin in 256 KiB chunks: the total unknown until the end, both ways of giving it', async () => {
    const env = { CLOUDSDK_STORAGE_UPLOAD_CHUNK_SIZE: '262144' };
    const partial = big.subarray(0, MiB + 1000); // the last chunk carries the total
    const exact = big.subarray(0, MiB); // the total comes in a final `bytes */N`
    const puts = counted('gcs.upload.resumable.put');
    await gcloud.ok(['storage', 'cp', '-', `gs://${BUCKET}/stream/partial.bin`], { stdin: partial, env });
    await gcloud.ok(['storage', 'cp', '-', `gs://${BUCKET}/stream/exact.bin`], { stdin: exact, env });
    assert.ok(stored('stream/partial.bin')?.equals(partial));
    assert.ok(stored('stream/exact.bin')?.equals(exact));
    assert.equal(counted('gcs.upload.resumable.put') - puts, 5 + 5, 'four chunks each, then the last chunk or the status query');
  });

  test('ls -l lists names and sizes', async () => {
    const lines = (await gcloud.ok(['storage', 'ls', '-l', `gs://${BUCKET}/stream/`, `gs://${BUCKET}/data/`]))
      .toString()
      .trim()
      .split('\n');
    const listed = lines.filter((l) => l.includes('gs://')).map((l) => l.trim().split(/\s+/));
    assert.deepEqual(
      listed.map(([size, , url]) => [size, url]),
      [
        [String(MiB), `gs://${BUCKET}/stream/exact.bin`],
        [String(MiB + 1000), `gs://${BUCKET}/stream/partial.bin`],
        [String(12 * MiB), `gs://${BUCKET}/data/big.bin`],
      ],
    );
  });

  test('cat prints the bytes', async () => {
    assert.ok((await gcloud.ok(['storage', 'cat', `gs://${BUCKET}/docs/small.txt`])).equals(small));
  });

  test('mv copies by rewrite, then deletes the source', async () => {
    const rewrites = counted('gcs.objects.rewrite');
    await gcloud.ok(['storage', 'mv', `gs://${BUCKET}/docs/small.txt`, `gs://${BUCKET}/docs/moved.txt`]);
    assert.equal(stored('docs/small.txt'), undefined);
    assert.ok(stored('docs/moved.txt')?.equals(small));
    assert.equal(counted('gcs.objects.rewrite') - rewrites, 1);
  });

  test('rm deletes; cat of what is gone matches nothing', async () => {
    await gcloud.ok(['storage', 'rm', `gs://${BUCKET}/data/big.bin`]);
    assert.equal(stored('data/big.bin'), undefined);
    const gone = await gcloud.run(['storage', 'cat', `gs://${BUCKET}/data/big.bin`]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /The following URLs matched no objects or files:\s+gs:\/\/gcloud-bucket\/data\/big\.bin/);
  });
});
