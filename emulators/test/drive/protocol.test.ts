/**
 * Contract tests of the Drive emulator's upload protocol as other clients speak it (raw HTTP with the
 * variants Google documents, `@googleapis/drive` for uploadType=media), and of the refusals the product
 * relies on, with Drive's status and reason. https://developers.google.com/workspace/drive/api/guides/manage-uploads
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '../../index.js';
import { bearer, body, driveClient, md5Hex, testBytes, type DriveClient } from './helpers.js';

const G = 256 * 1024;

let emu: Emulators;
let c: DriveClient;
let auth: Record<string, string>;
let base: string;

before(async () => {
  emu = await startEmulators({ limits: RATE_LIMITS_OFF });
  c = driveClient(emu);
  auth = await bearer(c);
  base = emu.env.DRIVE_EMULATOR_HOST;
});
after(() => emu.stop());

async function errorOf(res: Response): Promise<{ message: string; reason?: string }> {
  const json = (await res.json()) as { error: { message: string; errors: Array<{ reason: string }> } };
  return { message: json.error.message, reason: json.error.errors[0]?.reason };
}

async function open(opts: { path?: string; name?: string } = {}): Promise<string> {
  const res = await fetch(`${base}${opts.path ?? '/upload/drive/v3/files'}?uploadType=resumable&fields=id,name,size,md5Checksum`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json; charset=UTF-8' },
    body: JSON.stringify({ name: opts.name ?? 'protocol.bin' }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return res.headers.get('location')!;
}

const chunk = (session: string, data: Buffer, range: string, opts: { method?: string; headers?: Record<string, string> } = {}) =>
  fetch(session, { method: opts.method ?? 'PUT', headers: { 'content-range': range, ...opts.headers }, body: body(data) });

describe('resumable sessions: the protocol variants', () => {
  test('the /resumable/upload path, chunks by POST, bytes a-b/* then the total on the last chunk', async () => {
    const data = testBytes(2 * G + 7, 1);
    const session = await open({ path: '/resumable/upload/drive/v3/files', name: 'post-chunks.bin' });
    assert.equal((await chunk(session, data.subarray(0, G), `bytes 0-${G - 1}/*`, { method: 'POST' })).status, 308);
    assert.equal((await chunk(session, data.subarray(G, 2 * G), `bytes ${G}-${2 * G - 1}/*`, { method: 'POST' })).status, 308);
    const done = await chunk(session, data.subarray(2 * G), `bytes ${2 * G}-${data.length - 1}/${data.length}`, { method: 'POST' });
    assert.equal(done.status, 200);
    const file = (await done.json()) as { id: string; size: string; md5Checksum: string };
    assert.deepEqual([file.size, file.md5Checksum], [String(data.length), md5Hex(data)]);
    assert.ok(emu.drive.readContent(file.id)?.toBuffer().equals(data));
  });

  test('bytes */N after the last chunk completes the upload', async () => {
    const data = testBytes(G, 2);
    const session = await open();
    assert.equal((await chunk(session, data, `bytes 0-${G - 1}/*`)).status, 308);
    const done = await chunk(session, Buffer.alloc(0), `bytes */${G}`);
    assert.equal(done.status, 200);
    assert.equal(((await done.json()) as { md5Checksum: string }).md5Checksum, md5Hex(data));
  });

  test('X-GUploader-No-308: yes is answered 200 with X-Http-Status-Code-Override: 308', async () => {
    const data = testBytes(G + 1, 3);
    const session = await open();
    const no308 = { 'x-guploader-no-308': 'yes' };
    const mid = await chunk(session, data.subarray(0, G), `bytes 0-${G - 1}/*`, { headers: no308 });
    assert.equal(mid.status, 200);
    assert.equal(mid.headers.get('x-http-status-code-override'), '308');
    assert.equal(mid.headers.get('range'), `bytes=0-${G - 1}`);
    const done = await chunk(session, data.subarray(G), `bytes ${G}-${G}/${G + 1}`, { headers: no308 });
    assert.equal(done.status, 200);
    assert.equal(done.headers.get('x-http-status-code-override'), null);
  });

  test('multipart with a single-quoted boundary and LF-only line ends, and with a double-quoted one', async () => {
    for (const [quote, eol, name] of [
      ["'", '\n', 'lf.txt'],
      ['"', '\r\n', 'crlf.txt'],
    ] as const) {
      const b = '===============123456789==';
      const text =
        `--${b}${eol}Content-Type: application/json${eol}${eol}{"name": "${name}"}${eol}` +
        `--${b}${eol}Content-Type: text/plain${eol}${eol}line\r${eol}--${b}--${eol}`;
      const res = await fetch(`${base}/upload/drive/v3/files?uploadType=multipart&fields=id,name,md5Checksum,mimeType`, {
        method: 'POST',
        headers: { ...auth, 'content-type': `multipart/related; boundary=${quote}${b}${quote}` },
        body: text,
      });
      assert.equal(res.status, 200, await res.clone().text());
      const file = (await res.json()) as { id: string; name: string; md5Checksum: string; mimeType: string };
      assert.deepEqual([file.name, file.mimeType, file.md5Checksum], [name, 'text/plain', md5Hex(Buffer.from('line\r'))]);
    }
  });

  test('uploadType=media through @googleapis/drive (media without metadata), then a media update', async () => {
    const created = await c.drive.files.create(
      { media: { mimeType: 'text/csv', body: Readable.from([Buffer.from('a,b\n')]) }, fields: 'id,name,mimeType,md5Checksum' },
      c.media,
    );
    assert.deepEqual(
      [created.data.name, created.data.mimeType, created.data.md5Checksum],
      ['Untitled', 'text/csv', md5Hex(Buffer.from('a,b\n'))],
    );
    const updated = await c.drive.files.update(
      { fileId: created.data.id!, media: { mimeType: 'text/csv', body: Readable.from([Buffer.from('c,d\n')]) }, fields: 'md5Checksum' },
      c.media,
    );
    assert.equal(updated.data.md5Checksum, md5Hex(Buffer.from('c,d\n')));
  });
});

describe('resumable sessions: what Drive refuses', () => {
  const refusals: Array<[string, (s: string) => Promise<Response>, number, RegExp]> = [
    [
      'a non-final chunk under 256 KiB',
      (s) => chunk(s, Buffer.alloc(100), 'bytes 0-99/*'),
      400,
      /required to be equal or greater than 262144, except for the final request .* contained 100 bytes/,
    ],
    [
      'a Content-Range that does not parse',
      (s) => chunk(s, Buffer.alloc(2), 'bytes 0-1'),
      400,
      /^Invalid Content-Range header: bytes 0-1$/,
    ],
    [
      'a chunk past what is persisted',
      (s) => chunk(s, Buffer.alloc(G), `bytes ${G}-${2 * G - 1}/*`),
      400,
      /exceeds already uploaded size of 0/,
    ],
  ];
  for (const [name, send, status, message] of refusals) {
    test(`${status}: ${name}; the session stays usable`, async () => {
      const session = await open();
      const res = await send(session);
      assert.equal(res.status, status);
      assert.match((await errorOf(res)).message, message);
      assert.equal((await chunk(session, Buffer.from('ok'), 'bytes 0-1/2')).status, 200);
    });
  }

  test('404: an unknown session', async () => {
    const session = await open();
    const res = await chunk(session.replace(/upload_id=[^&]+/, 'upload_id=nope'), Buffer.alloc(0), 'bytes */*');
    assert.equal(res.status, 404);
    assert.equal((await errorOf(res)).reason, 'notFound');
  });

  test('400: an unknown uploadType', async () => {
    const res = await fetch(`${base}/upload/drive/v3/files?uploadType=chunky`, { method: 'POST', headers: auth, body: 'x' });
    assert.equal(res.status, 400);
    assert.deepEqual(await errorOf(res), { message: 'Invalid upload type: chunky', reason: 'invalid' });
    const anonymous = await fetch(`${base}/upload/drive/v3/files?uploadType=chunky`, { method: 'POST', body: 'x' });
    assert.equal(anonymous.status, 401, 'authentication comes first');
  });
});
