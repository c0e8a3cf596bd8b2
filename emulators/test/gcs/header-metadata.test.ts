/**
 * Contract tests of metadata that Cloud Storage sends back as response headers (contentType and the other
 * fixed-key header fields) holding CR, LF or NUL: refused at write with 400 `invalid` "Invalid argument."
 * on every JSON path (multipart and resumable uploads through `@google-cloud/storage`, patch, rewrite, a
 * multipart part's own Content-Type), and never accepted on the header path (raw socket: the HTTP parser
 * answers 400). What Google does here is not documented: resource.ts says what the emulator guessed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Bucket, CopyOptions } from '@google-cloud/storage';
import type { Emulators } from '../../index.js';
import { refusal, startWithBucket, type ApiError } from './support.js';

const BUCKET = 'header-metadata';
let emu: Emulators;
let b: Bucket;

before(async () => ({ emu, bucket: b } = await startWithBucket(BUCKET)));
after(() => emu.stop());

function assertInvalid(err: ApiError, label: string): void {
  assert.equal(err.code, 400, label);
  assert.equal(err.message, 'Invalid argument.', label);
  assert.equal(err.errors?.[0]?.reason, 'invalid', label);
}

const HOSTILE = ['text/plain\r\nX-Injected: 1', 'text/plain\nx', 'text/plain\rx', 'text/plain\u0000x'];

test('uploads with such a contentType are refused (multipart; a resumable session at its start); nothing is stored', async () => {
  for (const contentType of HOSTILE) {
    // The Node client repeats the type in the media part's own header, where a bare LF makes the part
    // malformed: a 400 either way.
    const multipart = await refusal(b.file('evil.txt').save('x', { resumable: false, metadata: { contentType } }));
    assert.equal(multipart.code, 400, JSON.stringify(contentType));
    // The Node client sends a resumable upload's type in X-Upload-Content-Type too, and refuses such a
    // header itself; the session's JSON metadata is what other clients send, refused before any byte.
    const start = await fetch(`${emu.env.STORAGE_EMULATOR_HOST}/upload/storage/v1/b/${BUCKET}/o?uploadType=resumable`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'evil.txt', contentType }),
    });
    assert.equal(start.status, 400, JSON.stringify(contentType));
    assert.equal(start.headers.get('location'), null);
    const error = ((await start.json()) as { error: { message: string; errors: Array<{ reason: string }> } }).error;
    assert.deepEqual([error.message, error.errors[0]?.reason], ['Invalid argument.', 'invalid']);
  }
  assert.equal(emu.gcs.getObject(BUCKET, 'evil.txt'), undefined);
});

test('the other header fields too: contentDisposition, cacheControl, contentEncoding, contentLanguage', async () => {
  for (const field of ['contentDisposition', 'cacheControl', 'contentEncoding', 'contentLanguage']) {
    assertInvalid(await refusal(b.file('evil2.txt').save('x', { resumable: false, metadata: { [field]: 'a\r\nb' } })), field);
  }
});

test('patch and rewrite refuse it; the object keeps its metadata', async () => {
  const file = b.file('fine.txt');
  await file.save('x', { resumable: false, metadata: { contentType: 'text/plain' } });
  assertInvalid(await refusal(file.setMetadata({ contentType: 'text/html\nX: y' })), 'patch');
  assertInvalid(await refusal(file.copy(b.file('copy.txt'), { contentType: 'a\u0000b' } as CopyOptions)), 'rewrite');
  const [md] = await file.getMetadata();
  assert.equal(md.contentType, 'text/plain');
  assert.equal(md.metageneration, '1');
});

test('a multipart upload whose media part carries a NUL in its own Content-Type is refused', async () => {
  const boundary = 'b0undary';
  const body = [
    `--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ name: 'part.txt' })}\r\n`,
    `--${boundary}\r\nContent-Type: text/plain\u0000x\r\n\r\nhello\r\n--${boundary}--\r\n`,
  ].join('');
  const res = await fetch(`${emu.env.STORAGE_EMULATOR_HOST}/upload/storage/v1/b/${BUCKET}/o?uploadType=multipart`, {
    method: 'POST',
    headers: { 'content-type': `multipart/related; boundary=${boundary}` },
    body,
  });
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as { error: { message: string } }).error.message, 'Invalid argument.');
});

test('the header path: a media upload whose Content-Type header holds CR or NUL never reaches the route (400 from the HTTP parser)', async () => {
  const { hostname, port } = new URL(emu.env.STORAGE_EMULATOR_HOST);
  for (const value of ['text/plain\u0000x', 'text/plain\rx']) {
    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          `POST /upload/storage/v1/b/${BUCKET}/o?uploadType=media&name=raw.txt HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: ${value}\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx`,
        );
      });
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(head, /^HTTP\/1\.1 400 /, JSON.stringify(value));
  }
  assert.equal(emu.gcs.getObject(BUCKET, 'raw.txt'), undefined);
});
