/**
 * Contract test of hashes claimed in a resumable upload's metadata, through `@google-cloud/storage`
 * (`createWriteStream({ resumable: true, validation: false, metadata: { md5Hash | crc32c } })`): Cloud
 * Storage checks the finished object against the object resource's `md5Hash` and `crc32c` given at
 * initiation and refuses a mismatch with 400, keeping nothing
 * (https://cloud.google.com/storage/docs/data-validation, "Checksums for data writes";
 * https://cloud.google.com/storage/docs/json_api/v1/objects/insert). What restore relies on to have
 * Cloud Storage itself refuse a corrupt copy.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Bucket } from '@google-cloud/storage';
import type { Emulators } from '../../index.js';
import { crc32cBase64, md5Base64, pseudoRandomBytes, startWithBucket } from './support.js';

let emu: Emulators;
let b: Bucket;

before(async () => ({ emu, bucket: b } = await startWithBucket('claimed-hashes')));
after(() => emu.stop());

async function upload(name: string, content: Buffer, claimed: { md5Hash?: string; crc32c?: string }): Promise<unknown> {
  const sink = b.file(name).createWriteStream({ resumable: true, validation: false, metadata: { contentType: 'text/plain', ...claimed } });
  try {
    await pipeline(Readable.from([content]), sink);
    return undefined;
  } catch (err) {
    return err;
  }
}

const content = pseudoRandomBytes(300_000, 7);
const other = pseudoRandomBytes(300_000, 8);

const rows: [title: string, claimed: { md5Hash?: string; crc32c?: string }, refusal?: RegExp][] = [
  ['the right MD5 and CRC32C', { md5Hash: md5Base64(content), crc32c: crc32cBase64(content) }],
  ['the right CRC32C alone', { crc32c: crc32cBase64(content) }],
  ['a wrong MD5', { md5Hash: md5Base64(other) }, /^Provided MD5 hash "[^"]+" doesn't match calculated MD5 hash "[^"]+"\.$/],
  ['a wrong CRC32C', { crc32c: crc32cBase64(other) }, /^Provided CRC32C "[^"]+" doesn't match calculated CRC32C "[^"]+"\.$/],
];
for (const [title, claimed, refusal] of rows) {
  test(`a resumable upload claiming ${title}`, async () => {
    const name = title.replace(/\W+/g, '-');
    const err = (await upload(name, content, claimed)) as { code?: number; message: string } | undefined;
    const [exists] = await b.file(name).exists();
    if (refusal === undefined) {
      assert.equal(err, undefined);
      assert.equal(exists, true);
      return;
    }
    assert.equal(err?.code, 400);
    assert.match(err?.message ?? '', refusal);
    assert.equal(exists, false, 'nothing kept');
  });
}
