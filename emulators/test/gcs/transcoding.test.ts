/**
 * Contract tests of decompressive transcoding (https://cloud.google.com/storage/docs/transcoding): a
 * gzip-encoded object downloaded without `Accept-Encoding: gzip` comes back decompressed, without
 * Content-Encoding or Content-Length, whole (Range ignored), with the stored object's hash headers; with
 * gzip accepted (as `@google-cloud/storage` always asks, and as the product reads with `decompress: false`)
 * the stored bytes come back with `Content-Encoding: gzip`, ranges honoured. Raw HTTP through node:http,
 * which (unlike fetch) neither adds Accept-Encoding nor decompresses.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Bucket } from '@google-cloud/storage';
import type { Emulators } from '../../index.js';
import { acceptsGzip, servesDecompressed } from '../../gcs/transcoding.js';
import { collect, crc32cBase64, md5Base64, startWithBucket } from './support.js';

const BUCKET = 'transcoding';
const PLAIN = Buffer.from('hello, transcoded world\n'.repeat(200));
const GZ = gzipSync(PLAIN);

let emu: Emulators;
let b: Bucket;

before(async () => {
  ({ emu, bucket: b } = await startWithBucket(BUCKET));
  await b.file('page.txt').save(GZ, { resumable: false, metadata: { contentType: 'text/plain', contentEncoding: 'gzip' } });
  await b
    .file('no-transform.txt')
    .save(GZ, { resumable: false, metadata: { contentType: 'text/plain', contentEncoding: 'gzip', cacheControl: 'public, no-transform' } });
});
after(() => emu.stop());

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function get(name: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  const url = new URL(`${emu.env.STORAGE_EMULATOR_HOST}/storage/v1/b/${BUCKET}/o/${encodeURIComponent(name)}?alt=media`);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      collect(res).then((body) => resolve({ status: res.statusCode!, headers: res.headers, body }), reject);
    });
    req.on('error', reject).end();
  });
}

const storedHash = `crc32c=${crc32cBase64(GZ)},md5=${md5Base64(GZ)}`;

describe('decompressive transcoding over the wire', () => {
  for (const [label, headers] of [
    ['no Accept-Encoding', {}],
    ['Accept-Encoding: identity', { 'accept-encoding': 'identity' }],
    ['Accept-Encoding: gzip;q=0, identity', { 'accept-encoding': 'gzip;q=0, identity' }],
  ] as const) {
    test(`${label}: decompressed, no Content-Encoding nor Content-Length, stored hashes and length in x-goog headers`, async () => {
      const res = await get('page.txt', headers);
      assert.equal(res.status, 200);
      assert.ok(res.body.equals(PLAIN));
      assert.equal(res.headers['content-encoding'], undefined);
      assert.equal(res.headers['content-length'], undefined);
      assert.equal(res.headers['transfer-encoding'], 'chunked');
      assert.equal(res.headers['content-type'], 'text/plain');
      assert.equal(res.headers['x-goog-stored-content-encoding'], 'gzip');
      assert.equal(res.headers['x-goog-stored-content-length'], String(GZ.length));
      assert.equal(res.headers['x-goog-hash'], storedHash, 'the hashes are the stored (compressed) bytes, not what is sent');
    });
  }

  test('a Range is ignored when transcoding: the whole decompressed object, 200, even a range past the stored end', async () => {
    for (const range of ['bytes=0-9', `bytes=${GZ.length + 5}-`]) {
      const res = await get('page.txt', { range, 'accept-encoding': 'identity' });
      assert.equal(res.status, 200, range);
      assert.equal(res.headers['content-range'], undefined);
      assert.ok(res.body.equals(PLAIN));
    }
  });

  test('Accept-Encoding: gzip: the stored bytes with Content-Encoding: gzip and Content-Length; ranges of the stored bytes', async () => {
    const whole = await get('page.txt', { 'accept-encoding': 'gzip, deflate' });
    assert.equal(whole.status, 200);
    assert.ok(whole.body.equals(GZ));
    assert.equal(whole.headers['content-encoding'], 'gzip');
    assert.equal(whole.headers['content-length'], String(GZ.length));
    const part = await get('page.txt', { 'accept-encoding': 'gzip', range: 'bytes=10-19' });
    assert.equal(part.status, 206);
    assert.equal(part.headers['content-range'], `bytes 10-19/${GZ.length}`);
    assert.ok(part.body.equals(GZ.subarray(10, 20)));
  });

  test('Cache-Control: no-transform: always the stored bytes, whatever Accept-Encoding says', async () => {
    const res = await get('no-transform.txt', { 'accept-encoding': 'identity' });
    assert.ok(res.body.equals(GZ));
    assert.equal(res.headers['content-encoding'], 'gzip');
  });

  test('HEAD carries the transcoded headers and no body', async () => {
    const res = await get('page.txt', {}, 'HEAD');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], undefined);
    assert.equal(res.body.length, 0);
  });
});

describe('through @google-cloud/storage', () => {
  test('decompress: false, as the product reads (src/gcs/source.ts): the stored gzip bytes, whole and from an offset', async () => {
    const file = b.file('page.txt');
    const whole = await collect(file.createReadStream({ decompress: false, validation: false }));
    assert.ok(whole.equals(GZ));
    const half = Math.floor(GZ.length / 2);
    const tail = await collect(file.createReadStream({ start: half, decompress: false, validation: false }));
    assert.ok(tail.equals(GZ.subarray(half)));
  });

  test('the default download: the client asks for gzip and decompresses itself, validating the stored hashes', async () => {
    const [bytes] = await b.file('page.txt').download();
    assert.ok(bytes.equals(PLAIN));
  });
});

describe('the pure rules (table)', () => {
  const accepts: Array<[string | undefined, boolean]> = [
    [undefined, false],
    ['', false],
    ['identity', false],
    ['gzip', true],
    ['GZIP', true],
    ['deflate, gzip;q=0.5', true],
    ['gzip;q=0', false],
    ['x-gzip', true],
    ['*', true],
    ['*;q=0', false],
    ['br', false],
  ];
  for (const [header, expected] of accepts)
    test(`acceptsGzip(${JSON.stringify(header)}) = ${expected}`, () => assert.equal(acceptsGzip(header), expected));
  test('only gzip content encoding is transcoded; no-transform stops it', () => {
    assert.equal(servesDecompressed({ contentEncoding: 'gzip' }, undefined), true);
    assert.equal(servesDecompressed({ contentEncoding: 'br' }, undefined), false);
    assert.equal(servesDecompressed({}, undefined), false);
    assert.equal(servesDecompressed({ contentEncoding: 'gzip', cacheControl: 'no-transform' }, undefined), false);
    assert.equal(servesDecompressed({ contentEncoding: 'gzip', cacheControl: 'max-age=0, no-transform' }, 'identity'), false);
  });
});
