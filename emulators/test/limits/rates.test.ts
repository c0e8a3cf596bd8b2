/**
 * Google's rate limits through the official clients, on a ManualClock so no verdict depends on the
 * machine's speed: Drive's per-user create rate (token bucket; 403 rateLimitExceeded / userRateLimitExceeded),
 * Drive's daily upload bytes (403 userRateLimitExceeded "User rate limit exceeded.", reset after
 * `resetAfterMs`), and Cloud Storage's one mutation per second per object name (429 rateLimitExceeded).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { ApiError, Storage } from '@google-cloud/storage';
import { ManualClock, startEmulators, type Emulators } from '../../index.js';
import { bearer, driveClient, FOLDER, otherClient, rejection, SCOPE_DRIVE, type DriveClient } from '../drive/helpers.js';

const clock = new ManualClock();
let emu: Emulators;
let c: DriveClient;
let storage: Storage;

before(async () => {
  emu = await startEmulators({
    clock,
    limits: {
      drive: { createRate: { perSecond: 5, burst: 2 }, dailyUpload: { bytes: 1000, resetAfterMs: 60_000 } },
      gcs: { objectMutationRate: { perSecond: 1, burst: 1 } },
    },
  });
  c = driveClient(emu);
  storage = new Storage({ apiEndpoint: emu.env.STORAGE_EMULATOR_HOST, projectId: 'test', retryOptions: { autoRetry: false } });
});
// Back to the start limits, and an hour later: every bucket is full again and every upload window over.
beforeEach(async () => {
  emu.hub.limits.reset();
  await clock.advance(3_600_000);
});
after(() => emu.stop());

const folder = (name: string, client = c) => client.drive.files.create({ requestBody: { name, mimeType: FOLDER }, fields: 'id' });

describe('Drive: file creates per user', () => {
  test('a burst of 2, then one create per 200 ms at 5/s; the refusal is Drive’s 403 rateLimitExceeded', async () => {
    await folder('a');
    await folder('b');
    const err = await rejection(folder('c'));
    assert.deepEqual(err.response?.data, {
      error: {
        code: 403,
        message: 'Rate Limit Exceeded',
        errors: [{ message: 'Rate Limit Exceeded', domain: 'usageLimits', reason: 'rateLimitExceeded' }],
      },
    });
    await clock.advance(199);
    assert.equal((await rejection(folder('c'))).status, 403);
    await clock.advance(1);
    await folder('c');
    assert.equal((await rejection(folder('d'))).status, 403);
  });

  test('every way of creating counts (metadata, upload, resumable session); updates and other users do not', async () => {
    const created = await c.drive.files.create(
      { requestBody: { name: 'up.txt' }, media: { mimeType: 'text/plain', body: Readable.from(['x']) }, fields: 'id' },
      c.media,
    );
    const session = await fetch(`${emu.env.DRIVE_EMULATOR_HOST}/upload/drive/v3/files?uploadType=resumable`, {
      method: 'POST',
      headers: { ...(await bearer(c)), 'content-type': 'application/json' },
      body: '{"name": "r.bin"}',
    });
    assert.equal(session.status, 200);
    assert.equal((await rejection(folder('third'))).status, 403);
    await c.drive.files.update({ fileId: created.data.id!, requestBody: { name: 'renamed.txt' } });
    const other = driveClient(emu, otherClient(emu, [SCOPE_DRIVE], 'other@example.com'));
    await folder('theirs', other);
  });

  test('the reason is configurable: userRateLimitExceeded "User Rate Limit Exceeded"', async () => {
    emu.hub.limits.set({ drive: { createRateReason: 'userRateLimitExceeded', createRate: { perSecond: 1, burst: 1 } } });
    await folder('one');
    const err = await rejection(folder('two'));
    assert.deepEqual(err.response?.data.error?.errors?.[0], {
      message: 'User Rate Limit Exceeded',
      domain: 'usageLimits',
      reason: 'userRateLimitExceeded',
    });
  });
});

describe('Drive: upload bytes per window', () => {
  const upload = (bytes: number) =>
    c.drive.files.create(
      {
        requestBody: { name: `${bytes}.bin` },
        media: { mimeType: 'application/octet-stream', body: Readable.from([Buffer.alloc(bytes)]) },
        fields: 'id',
      },
      c.media,
    );

  test('an upload may start while under the limit; past it, 403 userRateLimitExceeded until resetAfterMs has passed', async () => {
    emu.hub.limits.set({ drive: { createRate: null } });
    await upload(600);
    await upload(600); // started under the limit: completes
    const err = await rejection(upload(1));
    assert.deepEqual(err.response?.data, {
      error: {
        code: 403,
        message: 'User rate limit exceeded.',
        errors: [{ message: 'User rate limit exceeded.', domain: 'usageLimits', reason: 'userRateLimitExceeded' }],
      },
    });
    await clock.advance(59_999);
    assert.equal((await rejection(upload(1))).status, 403);
    await clock.advance(1);
    await upload(1);
  });
});

describe('Cloud Storage: one mutation per second per object name', () => {
  before(() => emu.gcs.createBucket('rate-bucket'));

  test('create, update and delete of one name share its bucket; other names do not; reads are free', async () => {
    const bucket = storage.bucket('rate-bucket');
    const file = bucket.file('state/record.json');
    await file.save('{"v":1}', { resumable: false });
    const err = await file.setMetadata({ metadata: { k: 'v' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 429);
    assert.deepEqual(err.errors, [
      {
        domain: 'usageLimits',
        reason: 'rateLimitExceeded',
        message:
          'The object rate-bucket/state/record.json exceeded the rate limit for object mutation operations (create, update, and delete). Please reduce your request rate. See https://cloud.google.com/storage/docs/gcs429.',
      },
    ]);
    await bucket.file('state/other.json').save('x', { resumable: false });
    await file.getMetadata();
    await file.download();
    await clock.advance(999);
    await assert.rejects(file.delete(), (e: { code?: number }) => e.code === 429);
    await clock.advance(1);
    await file.setMetadata({ metadata: { k: 'v' } });
    await clock.advance(1000);
    await file.delete();
  });

  test('a resumable upload refused with 429 keeps its session: the retried last request completes it', async () => {
    const base = emu.env.STORAGE_EMULATOR_HOST;
    await storage.bucket('rate-bucket').file('busy').save('v1', { resumable: false });
    const open = await fetch(`${base}/upload/storage/v1/b/rate-bucket/o?uploadType=resumable&name=busy`, { method: 'POST', body: '{}' });
    const session = open.headers.get('location')!;
    const put = () => fetch(session, { method: 'PUT', headers: { 'content-range': 'bytes 0-1/2' }, body: 'v2' });
    assert.equal((await put()).status, 429);
    await clock.advance(1000);
    assert.equal((await put()).status, 200);
    assert.equal(emu.gcs.getObject('rate-bucket', 'busy')?.content.toBuffer().toString(), 'v2');
  });
});
