/**
 * Contract tests of the Cloud Storage emulator's upload protocol as other clients than the Node one speak
 * it (raw HTTP, the variants Google documents and gcloud, Python's apitools and Go's gensupport send), and
 * of every refusal the product relies on, with Google's status and reason. Server-side copies go through
 * `@google-cloud/storage`. https://cloud.google.com/storage/docs/performing-resumable-uploads
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Storage } from '@google-cloud/storage';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '../../index.js';
import { md5Base64, pseudoRandomBytes } from './support.js';

const G = 256 * 1024;
const BUCKET = 'protocol-bucket';

let emu: Emulators;
let base: string;
let storage: Storage;

before(async () => {
  emu = await startEmulators({ limits: RATE_LIMITS_OFF });
  base = emu.env.STORAGE_EMULATOR_HOST;
  emu.gcs.createBucket(BUCKET);
  storage = new Storage({ apiEndpoint: base, projectId: 'test', retryOptions: { autoRetry: false } });
});
after(() => emu.stop());

const body = (buf: Buffer | string): RequestInit['body'] => (typeof buf === 'string' ? buf : (buf as unknown as RequestInit['body']));

async function errorOf(res: Response): Promise<{ code: number; message: string; reason?: string; domain?: string }> {
  const json = (await res.json()) as { error: { code: number; message: string; errors: Array<{ reason: string; domain: string }> } };
  return { code: json.error.code, message: json.error.message, reason: json.error.errors[0]?.reason, domain: json.error.errors[0]?.domain };
}

/** Opens a session; `path` chooses the documented upload path or the discovery document's resumable one. */
async function open(name: string, opts: { path?: string; total?: number; query?: string } = {}): Promise<string> {
  const path = opts.path ?? '/upload/storage/v1';
  const res = await fetch(`${base}${path}/b/${BUCKET}/o?uploadType=resumable${opts.query ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(opts.total === undefined ? {} : { 'x-upload-content-length': String(opts.total) }) },
    body: JSON.stringify({ name, contentType: 'application/x-test' }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return res.headers.get('location')!;
}

function chunk(
  session: string,
  data: Buffer,
  range: string,
  opts: { method?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(session, { method: opts.method ?? 'PUT', headers: { 'content-range': range, ...opts.headers }, body: body(data) });
}

function stored(name: string): Buffer | undefined {
  return emu.gcs.getObject(BUCKET, name)?.content.toBuffer();
}

describe('resumable uploads: the protocol variants', () => {
  test('the /resumable/upload path (gcloud), chunks by POST, bytes a-b/* while the total is unknown, the total on the last chunk', async () => {
    const data = pseudoRandomBytes(2 * G + 100, 1);
    const session = await open('variants/post.bin', { path: '/resumable/upload/storage/v1' });
    assert.match(
      session,
      new RegExp(`^${base}/upload/storage/v1/b/${BUCKET}/o\\?uploadType=resumable&name=variants%2Fpost\\.bin&upload_id=`),
    );
    const first = await chunk(session, data.subarray(0, G), `bytes 0-${G - 1}/*`, { method: 'POST' });
    assert.equal(first.status, 308);
    assert.equal(first.headers.get('range'), `bytes=0-${G - 1}`);
    assert.equal((await chunk(session, data.subarray(G, 2 * G), `bytes ${G}-${2 * G - 1}/*`, { method: 'POST' })).status, 308);
    const last = await chunk(session, data.subarray(2 * G), `bytes ${2 * G}-${data.length - 1}/${data.length}`, { method: 'POST' });
    assert.equal(last.status, 200);
    const resource = (await last.json()) as { size: string; md5Hash: string; contentType: string };
    assert.deepEqual([resource.size, resource.md5Hash, resource.contentType], [String(data.length), md5Base64(data), 'application/x-test']);
    assert.ok(stored('variants/post.bin')?.equals(data));
  });

  test('the total given last by a status query: bytes */N completes the upload (gcloud streaming an exact multiple)', async () => {
    const data = pseudoRandomBytes(2 * G, 2);
    const session = await open('variants/star-total.bin');
    assert.equal((await chunk(session, data.subarray(0, G), `bytes 0-${G - 1}/*`)).status, 308);
    assert.equal((await chunk(session, data.subarray(G), `bytes ${G}-${2 * G - 1}/*`)).status, 308);
    const probe = await chunk(session, Buffer.alloc(0), 'bytes */*');
    assert.equal(probe.status, 308);
    assert.equal(probe.headers.get('range'), `bytes=0-${2 * G - 1}`);
    const done = await chunk(session, Buffer.alloc(0), `bytes */${2 * G}`);
    assert.equal(done.status, 200);
    assert.ok(stored('variants/star-total.bin')?.equals(data));
  });

  test('X-GUploader-No-308: yes is answered 200 with X-Http-Status-Code-Override: 308 (Go gensupport)', async () => {
    const data = pseudoRandomBytes(G + 5, 3);
    const session = await open('variants/no308.bin');
    const no308 = { 'x-guploader-no-308': 'yes' };
    const mid = await chunk(session, data.subarray(0, G), `bytes 0-${G - 1}/*`, { headers: no308 });
    assert.equal(mid.status, 200);
    assert.equal(mid.headers.get('x-http-status-code-override'), '308');
    assert.equal(mid.headers.get('range'), `bytes=0-${G - 1}`);
    const probe = await chunk(session, Buffer.alloc(0), 'bytes */*', { headers: no308 });
    assert.equal(probe.headers.get('x-http-status-code-override'), '308');
    const done = await chunk(session, data.subarray(G), `bytes ${G}-${data.length - 1}/${data.length}`, { headers: no308 });
    assert.equal(done.status, 200);
    assert.equal(done.headers.get('x-http-status-code-override'), null, 'the final reply is a real 200');
    assert.ok(stored('variants/no308.bin')?.equals(data));
  });

  test('a chunk of 256 KiB and more off the multiple is persisted up to its last whole 256 KiB', async () => {
    const data = pseudoRandomBytes(3 * G, 4);
    const session = await open('variants/off-multiple.bin');
    const res = await chunk(session, data.subarray(0, G + 1000), `bytes 0-${G + 999}/*`);
    assert.equal(res.status, 308);
    assert.equal(res.headers.get('range'), `bytes=0-${G - 1}`);
    assert.equal((await chunk(session, data.subarray(G), `bytes ${G}-${3 * G - 1}/${3 * G}`)).status, 200);
    assert.ok(stored('variants/off-multiple.bin')?.equals(data));
  });

  test('a resent chunk overlapping what is persisted is accepted; the overlap is skipped', async () => {
    const data = pseudoRandomBytes(2 * G + 1, 5);
    const session = await open('variants/overlap.bin', { total: data.length });
    assert.equal((await chunk(session, data.subarray(0, G), `bytes 0-${G - 1}/${data.length}`)).status, 308);
    assert.equal((await chunk(session, data, `bytes 0-${data.length - 1}/${data.length}`)).status, 200);
    assert.ok(stored('variants/overlap.bin')?.equals(data));
  });

  test('multipart with a single-quoted boundary and LF-only line ends (gcloud), and a double-quoted one', async () => {
    for (const [quote, eol] of [
      ["'", '\n'],
      ['"', '\r\n'],
    ]) {
      const b = '===============4396227276823449832==';
      const name = `variants/multipart-${quote === "'" ? 'single' : 'double'}.txt`;
      const text =
        `--${b}${eol}Content-Type: application/json${eol}MIME-Version: 1.0${eol}${eol}{"name": "${name}", "contentType": "text/plain"}${eol}` +
        `--${b}${eol}Content-Type: text/plain${eol}${eol}hello\r${eol}--${b}--${eol}`;
      const res = await fetch(`${base}/upload/storage/v1/b/${BUCKET}/o?uploadType=multipart`, {
        method: 'POST',
        headers: { 'content-type': `multipart/related; boundary=${quote}${b}${quote}` },
        body: text,
      });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(stored(name)?.toString(), 'hello\r', `${name}: the content's own CR is kept`);
      assert.equal(((await res.json()) as { md5Hash: string }).md5Hash, createHash('md5').update('hello\r').digest('base64'));
    }
  });

  test('uploadType=media with the name in the query', async () => {
    const res = await fetch(`${base}/upload/storage/v1/b/${BUCKET}/o?uploadType=media&name=variants%2Fmedia.txt`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'simple',
    });
    assert.equal(res.status, 200);
    assert.equal(stored('variants/media.txt')?.toString(), 'simple');
  });
});

describe('resumable uploads: what Cloud Storage refuses', () => {
  const refusals: Array<[string, (session: string) => Promise<Response>, number, RegExp]> = [
    [
      'a non-final chunk under 256 KiB',
      (s) => chunk(s, Buffer.alloc(1000), 'bytes 0-999/*'),
      400,
      /^Invalid request\. The number of bytes uploaded is required to be equal or greater than 262144, except for the final request \(it's recommended to be the exact multiple of 262144\)\. The received request contained 1000 bytes, which does not meet this requirement\.$/,
    ],
    [
      'a Content-Range that does not parse',
      (s) => chunk(s, Buffer.alloc(10), 'bytes 0-9'),
      400,
      /Failed to parse Content-Range header: bytes 0-9/,
    ],
    [
      'a chunk starting past what is persisted',
      (s) => chunk(s, Buffer.alloc(G), `bytes ${G}-${2 * G - 1}/*`),
      400,
      /starts at 262144 but only 0 bytes/,
    ],
    [
      'a body shorter than its range',
      (s) => chunk(s, Buffer.alloc(5), 'bytes 0-9/10'),
      400,
      /declares 10 byte\(s\) but the request contained 5/,
    ],
    ['a body beyond the declared total', (s) => chunk(s, Buffer.alloc(20), 'bytes 0-*/10'), 400, /more than the declared 10 bytes/],
  ];
  for (const [name, send, status, message] of refusals) {
    test(`${status}: ${name}; the session stays usable`, async () => {
      const objectName = `refused/${name.replace(/\W+/g, '-')}`;
      const session = await open(objectName);
      const res = await send(session);
      assert.equal(res.status, status);
      assert.match((await errorOf(res)).message, message);
      const probe = await chunk(session, Buffer.alloc(0), 'bytes */*');
      assert.equal(probe.status, 308);
      assert.equal(probe.headers.get('range'), null, 'nothing was persisted');
      assert.equal((await chunk(session, Buffer.from('ok'), 'bytes 0-1/2')).status, 200);
    });
  }

  test('400: a total that changes between chunks', async () => {
    const session = await open('refused/total-changes', { total: 2 * G });
    const res = await chunk(session, Buffer.alloc(G), `bytes 0-${G - 1}/${3 * G}`);
    assert.equal(res.status, 400);
    assert.match((await errorOf(res)).message, /declared total size 786432 differs from the size 524288/);
  });

  test('404: an unknown or cancelled session', async () => {
    const session = await open('refused/cancelled');
    const unknown = await chunk(session.replace(/upload_id=[^&]+/, 'upload_id=nope'), Buffer.alloc(0), 'bytes */*');
    assert.equal(unknown.status, 404);
    assert.deepEqual(await errorOf(unknown), {
      code: 404,
      message: 'No such upload session (upload_id unknown or expired).',
      reason: 'notFound',
      domain: 'global',
    });
    assert.equal((await fetch(session, { method: 'DELETE' })).status, 499);
    assert.equal((await chunk(session, Buffer.alloc(0), 'bytes */*')).status, 404);
  });

  test('412: a precondition that no longer holds when the upload completes ends the session', async () => {
    await storage.bucket(BUCKET).file('refused/precondition').save('v1', { resumable: false });
    const session = await open('refused/precondition', { query: '&ifGenerationMatch=0' });
    const res = await chunk(session, Buffer.from('v2'), 'bytes 0-1/2');
    assert.equal(res.status, 412);
    assert.deepEqual(await errorOf(res), {
      code: 412,
      message: 'At least one of the pre-conditions you specified did not hold.',
      reason: 'conditionNotMet',
      domain: 'global',
    });
    assert.equal((await chunk(session, Buffer.alloc(0), 'bytes */*')).status, 404);
  });

  const uploadTypes: Array<[string, string, RegExp]> = [
    ['an unknown uploadType', '?uploadType=chunky&name=x', /Invalid value for parameter uploadType: "chunky"/],
    ['no uploadType', '?name=x', /Required parameter: uploadType/],
  ];
  for (const [name, query, message] of uploadTypes) {
    test(`400: ${name}`, async () => {
      const res = await fetch(`${base}/upload/storage/v1/b/${BUCKET}/o${query}`, { method: 'POST', body: 'x' });
      assert.equal(res.status, 400);
      assert.match((await errorOf(res)).message, message);
    });
  }
});

describe('server-side copies (what gcloud storage mv sends), through @google-cloud/storage', () => {
  test('rewrite copies bytes and metadata, across buckets too; preconditions on the destination hold', async () => {
    emu.gcs.createBucket('protocol-other');
    const data = pseudoRandomBytes(300 * 1024, 6);
    const src = storage.bucket(BUCKET).file('copies/source.bin');
    await src.save(data, { resumable: false, contentType: 'application/x-src', metadata: { metadata: { k: 'v' } } });
    const [copied] = await src.copy(storage.bucket('protocol-other').file('copies/dest.bin'));
    const [meta] = await copied.getMetadata();
    assert.deepEqual([meta.contentType, meta.md5Hash, meta.metadata], ['application/x-src', md5Base64(data), { k: 'v' }]);
    assert.ok(emu.gcs.getObject('protocol-other', 'copies/dest.bin')?.content.toBuffer().equals(data));
    await assert.rejects(
      src.copy(storage.bucket('protocol-other').file('copies/dest.bin'), { preconditionOpts: { ifGenerationMatch: 0 } }),
      (err: { code?: number }) => err.code === 412,
    );
  });

  test('a move (copy, then delete) leaves one object; copying a missing source is 404', async () => {
    const src = storage.bucket(BUCKET).file('copies/to-move.txt');
    await src.save('moving', { resumable: false });
    await src.move('copies/moved.txt');
    assert.equal(stored('copies/to-move.txt'), undefined);
    assert.equal(stored('copies/moved.txt')?.toString(), 'moving');
    await assert.rejects(storage.bucket(BUCKET).file('copies/nothing').copy('copies/x'), (err: { code?: number }) => err.code === 404);
  });
});
