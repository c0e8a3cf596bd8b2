/**
 * Tests for the Drive resumable upload client: the pure helpers as tables, then the protocol against the
 * Drive emulator (open, chunk, probe, finish, revise, 0 bytes, expired session, injected faults).
 */
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '@gcs-drive-backup/emulators';
import { classifyFailure } from '../../../src/core/classify.js';
import {
  assertChunkSize,
  CHUNK_GRANULARITY,
  DriveHttpError,
  contentRange,
  parsePersistedBytes,
  putStreamedChunk,
  querySessionStatus,
  SessionGoneError,
  startUploadSession,
  type AuthHeaders,
} from '../../../src/backup/upload/session.js';
import { driveClient } from '@gcs-drive-backup/emulators/test/drive/helpers.js';

/** A chunk from memory, as putStreamedChunk takes its body and length. */
const bytes = (chunk: Buffer<ArrayBuffer>) => ({ body: chunk, length: chunk.length });
const KiB = 1024;

describe('contentRange', () => {
  const rows: [offset: number, length: number, total: number, expected: string][] = [
    [0, 1, 1, 'bytes 0-0/1'],
    [0, 262_144, 1_000_000, 'bytes 0-262143/1000000'],
    [262_144, 262_144, 524_288, 'bytes 262144-524287/524288'],
    [524_288, 10, 524_298, 'bytes 524288-524297/524298'],
    [0, 0, 0, 'bytes */0'],
    [5, 0, 5, 'bytes */5'],
  ];
  for (const [offset, length, total, expected] of rows) {
    test(`(${offset}, ${length}, ${total}) → ${expected}`, () => assert.equal(contentRange(offset, length, total), expected));
  }
});

describe('parsePersistedBytes', () => {
  const rows: [header: string | null, expected: number][] = [
    [null, 0],
    ['', 0],
    ['bytes=0-0', 1],
    ['bytes=0-262143', 262_144],
    [' bytes=0-524287 ', 524_288],
    ['bytes=0-9007199254740990', 9_007_199_254_740_991],
  ];
  for (const [header, expected] of rows) {
    test(`${JSON.stringify(header)} → ${expected}`, () => assert.equal(parsePersistedBytes(header), expected));
  }
  for (const header of ['bytes=5-10', 'bytes 0-10/20', 'items=0-1', 'bytes=0-']) {
    test(`${JSON.stringify(header)} is refused`, () => assert.throws(() => parsePersistedBytes(header), /unexpected Range header/));
  }
});

describe('assertChunkSize', () => {
  for (const ok of [CHUNK_GRANULARITY, 2 * CHUNK_GRANULARITY, 32 * CHUNK_GRANULARITY]) {
    test(`${ok} is accepted`, () => assert.doesNotThrow(() => assertChunkSize(ok)));
  }
  for (const bad of [0, -CHUNK_GRANULARITY, 1, CHUNK_GRANULARITY + 1, 100 * KiB, 1.5 * CHUNK_GRANULARITY, Number.NaN]) {
    test(`${bad} is refused`, () => assert.throws(() => assertChunkSize(bad), RangeError));
  }
});

describe('resumable upload protocol against the Drive emulator', () => {
  let emulators: Emulators;
  let authHeaders: AuthHeaders;
  let baseUrl: string;

  before(async () => {
    emulators = await startEmulators({ limits: RATE_LIMITS_OFF });
    baseUrl = emulators.env.DRIVE_EMULATOR_HOST;
  });
  beforeEach(() => {
    emulators.hub.reset();
    const { auth } = driveClient(emulators);
    authHeaders = async () => ({ authorization: (await auth.getRequestHeaders()).get('authorization') ?? '' });
  });
  after(() => emulators.stop());

  const open = (size: number, extra: { fileId?: string; name?: string } = {}) =>
    startUploadSession({
      baseUrl,
      authHeaders,
      fileId: extra.fileId,
      metadata: extra.fileId ? {} : { name: extra.name ?? 'object.bin' },
      contentType: 'application/octet-stream',
      size,
      query: { fields: 'id,name,size,md5Checksum', supportsAllDrives: 'true' },
    });
  const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

  test('a session URI carries upload_id and points at the Drive host', async () => {
    const uri = new URL(await open(10));
    assert.equal(uri.origin, baseUrl);
    assert.ok(uri.searchParams.get('upload_id'));
  });

  test('chunks, a status probe and the final chunk build the file byte-exact', async () => {
    const content = randomBytes(CHUNK_GRANULARITY + 1000);
    const sessionUri = await open(content.length);
    assert.deepEqual(await querySessionStatus({ sessionUri, authHeaders, total: content.length }), { complete: false, persisted: 0 });
    const first = await putStreamedChunk({
      sessionUri,
      authHeaders,
      ...bytes(content.subarray(0, CHUNK_GRANULARITY)),
      offset: 0,
      total: content.length,
    });
    assert.deepEqual(first, { complete: false, persisted: CHUNK_GRANULARITY });
    assert.deepEqual(await querySessionStatus({ sessionUri, authHeaders, total: content.length }), {
      complete: false,
      persisted: CHUNK_GRANULARITY,
    });
    const last = await putStreamedChunk({
      sessionUri,
      authHeaders,
      ...bytes(content.subarray(CHUNK_GRANULARITY)),
      offset: CHUNK_GRANULARITY,
      total: content.length,
    });
    assert.ok(last.complete);
    assert.equal(last.file.name, 'object.bin');
    assert.equal(last.file.md5Checksum, md5(content));
    assert.equal(emulators.drive.readContent(last.file.id!)?.md5Hex, md5(content));
    const again = await querySessionStatus({ sessionUri, authHeaders, total: content.length });
    assert.ok(again.complete && again.file.id === last.file.id, 'a finished session answers probes with the file');
  });

  test('a 0-byte upload finishes with one PUT of Content-Range bytes */0', async () => {
    const sessionUri = await open(0, { name: 'empty' });
    const done = await putStreamedChunk({ sessionUri, authHeaders, ...bytes(Buffer.alloc(0)), offset: 0, total: 0 });
    assert.ok(done.complete);
    assert.equal(done.file.size, '0');
    assert.equal(emulators.drive.readContent(done.file.id!)?.size, 0);
  });

  test('fileId revises an existing file through PATCH', async () => {
    const v1 = Buffer.from('first version');
    const created = await putStreamedChunk({ sessionUri: await open(v1.length), authHeaders, ...bytes(v1), offset: 0, total: v1.length });
    assert.ok(created.complete);
    const v2 = Buffer.from('second version, longer');
    const revised = await putStreamedChunk({
      sessionUri: await open(v2.length, { fileId: created.file.id! }),
      authHeaders,
      ...bytes(v2),
      offset: 0,
      total: v2.length,
    });
    assert.ok(revised.complete);
    assert.equal(revised.file.id, created.file.id);
    assert.equal(emulators.drive.readContent(created.file.id!)?.toBuffer().toString(), v2.toString());
  });

  test('an expired session surfaces as SessionGoneError on a PUT and on a probe', async () => {
    const sessionUri = await open(CHUNK_GRANULARITY * 2);
    emulators.drive.expireUploadSessions();
    await assert.rejects(
      putStreamedChunk({ sessionUri, authHeaders, ...bytes(randomBytes(CHUNK_GRANULARITY)), offset: 0, total: CHUNK_GRANULARITY * 2 }),
      (err: unknown) => err instanceof SessionGoneError && err.status === 404,
    );
    await assert.rejects(querySessionStatus({ sessionUri, authHeaders, total: CHUNK_GRANULARITY * 2 }), SessionGoneError);
  });

  test('a 503 with Retry-After becomes a DriveHttpError with status, reason and wait', async () => {
    const sessionUri = await open(10);
    emulators.hub.faults.add({
      service: 'drive',
      route: 'drive.upload.session',
      action: {
        kind: 'status',
        status: 503,
        headers: { 'retry-after': '3' },
        body: { error: { code: 503, message: 'x', errors: [{ reason: 'backendError' }] } },
      },
    });
    const err = await putStreamedChunk({ sessionUri, authHeaders, ...bytes(Buffer.alloc(10)), offset: 0, total: 10 }).catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof DriveHttpError);
    assert.deepEqual([err.status, err.reason, err.retryAfterMs], [503, 'backendError', 3000]);
  });

  test('a full Drive refuses the session with 403 storageQuotaExceeded', async () => {
    emulators.drive.setStorageQuota(100);
    const err = await open(1000).catch((e: unknown) => e);
    assert.ok(err instanceof DriveHttpError);
    assert.deepEqual([err.status, err.reason], [403, 'storageQuotaExceeded']);
  });

  test('an exhausted daily upload limit is a 403 that classifies as an operator failure, not a rate limit', async () => {
    emulators.drive.setDailyUploadLimit(100);
    const err = await open(1000).catch((e: unknown) => e);
    assert.ok(err instanceof DriveHttpError);
    assert.deepEqual([err.status, err.reason], [403, 'userRateLimitExceeded']);
    const failure = classifyFailure(err, 'drive');
    assert.equal(failure.kind, 'operator');
    assert.match(failure.kind === 'operator' ? failure.action : '', /daily upload limit/);
  });

  test('a connection cut mid-chunk keeps whole 256 KiB units, which the probe reports', async () => {
    const content = randomBytes(CHUNK_GRANULARITY * 3);
    const sessionUri = await open(content.length);
    emulators.hub.faults.add({
      service: 'drive',
      route: 'drive.upload.session',
      action: { kind: 'reset', direction: 'request', afterBytes: CHUNK_GRANULARITY * 1.5 },
    });
    await assert.rejects(
      putStreamedChunk({ sessionUri, authHeaders, ...bytes(content.subarray(0, CHUNK_GRANULARITY * 2)), offset: 0, total: content.length }),
    );
    assert.deepEqual(await querySessionStatus({ sessionUri, authHeaders, total: content.length }), {
      complete: false,
      persisted: CHUNK_GRANULARITY,
    });
  });

  test('chunks outside the upload are refused before anything is sent', async () => {
    const sessionUri = 'http://127.0.0.1:1/never';
    await assert.rejects(putStreamedChunk({ sessionUri, authHeaders, ...bytes(Buffer.alloc(10)), offset: 5, total: 10 }), RangeError);
    await assert.rejects(putStreamedChunk({ sessionUri, authHeaders, ...bytes(Buffer.alloc(0)), offset: 0, total: 10 }), RangeError);
  });
});
