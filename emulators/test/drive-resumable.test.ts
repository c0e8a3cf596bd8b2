/**
 * Contract tests of Drive's resumable upload protocol on the wire (raw fetch, as a hand-written client
 * speaks it): session URIs, chunk rules, status probes, interrupted chunks, expiry, user binding, and a
 * 64 MiB upload in several chunks (throughput is reported as a diagnostic).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, RATE_LIMITS_OFF, startEmulators, type Emulators } from '../index.js';
import { bearer, body, driveClient, md5Hex, otherClient, SCOPE_DRIVE, testBytes, type DriveClient } from './drive/helpers.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const G = 256 * KiB;

let emu: Emulators;
let c: DriveClient;
let auth: Record<string, string>;

before(async () => {
  emu = await startEmulators({ limits: RATE_LIMITS_OFF });
  c = driveClient(emu);
  auth = await bearer(c);
});
after(async () => {
  await emu?.stop();
});

interface InitOptions {
  metadata?: Record<string, unknown>;
  total?: number;
  contentType?: string;
  query?: string;
  fileId?: string;
  headers?: Record<string, string>;
}

async function initiate(opts: InitOptions = {}): Promise<string> {
  const path = opts.fileId ? `/upload/drive/v3/files/${opts.fileId}` : '/upload/drive/v3/files';
  const headers: Record<string, string> = { ...(opts.headers ?? auth), 'content-type': 'application/json; charset=UTF-8' };
  if (opts.total !== undefined) headers['x-upload-content-length'] = String(opts.total);
  if (opts.contentType) headers['x-upload-content-type'] = opts.contentType;
  const res = await fetch(`${emu.env.DRIVE_EMULATOR_HOST}${path}?uploadType=resumable${opts.query ? `&${opts.query}` : ''}`, {
    method: opts.fileId ? 'PATCH' : 'POST',
    headers,
    body: JSON.stringify(opts.metadata ?? { name: 'resumable.bin' }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const location = res.headers.get('location');
  assert.ok(location);
  return location;
}

function put(session: string, chunk: Buffer, first: number, total: number | '*', headers: Record<string, string> = {}): Promise<Response> {
  const range = chunk.length ? `bytes ${first}-${first + chunk.length - 1}/${total}` : `bytes */${total}`;
  return fetch(session, { method: 'PUT', headers: { 'content-range': range, ...headers }, body: body(chunk) });
}

const probe = (session: string, total: number | '*' = '*') =>
  fetch(session, { method: 'PUT', headers: { 'content-range': `bytes */${total}` }, body: body(Buffer.alloc(0)) });

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

describe('resumable sessions', () => {
  test('session URI shape (Location), with the upload id', async () => {
    const session = await initiate();
    assert.match(
      session,
      new RegExp(`^${emu.env.DRIVE_EMULATOR_HOST}/upload/drive/v3/files\\?uploadType=resumable&upload_id=[A-Za-z0-9_-]+$`),
    );
  });

  test('64 MiB in 8 MiB chunks (total unknown until the last), byte-exact; throughput', async (t) => {
    const bytes = testBytes(64 * MiB, 64);
    const session = await initiate({
      metadata: { name: 'big.bin' },
      contentType: 'application/x-big',
      query: 'fields=id,size,md5Checksum,mimeType',
    });
    const chunk = 8 * MiB;
    const t0 = performance.now();
    let final: Response | undefined;
    for (let first = 0; first < bytes.length; first += chunk) {
      const last = first + chunk >= bytes.length;
      const res = await put(session, bytes.subarray(first, first + chunk), first, last ? bytes.length : '*');
      if (!last) {
        assert.equal(res.status, 308);
        assert.equal(res.headers.get('range'), `bytes=0-${first + chunk - 1}`);
        await res.arrayBuffer();
      } else final = res;
    }
    assert.equal(final?.status, 200);
    const file = await json(final!);
    const upMs = performance.now() - t0;
    assert.deepEqual(file, { id: file.id, size: String(64 * MiB), md5Checksum: md5Hex(bytes), mimeType: 'application/x-big' });
    const t1 = performance.now();
    const down = await fetch(`${emu.env.DRIVE_EMULATOR_HOST}/drive/v3/files/${String(file.id)}?alt=media`, { headers: auth });
    const got = Buffer.from(await down.arrayBuffer());
    const downMs = performance.now() - t1;
    assert.ok(got.equals(bytes));
    t.diagnostic(`64 MiB upload ${((64 * 1000) / upMs).toFixed(0)} MiB/s, download ${((64 * 1000) / downMs).toFixed(0)} MiB/s`);
  });

  test('a non-final chunk under 256 KiB is 400 (Google’s message); the session stays usable', async () => {
    const bytes = testBytes(G + 10, 2);
    const session = await initiate({ query: 'fields=size,md5Checksum' });
    const bad = await put(session, bytes.subarray(0, 1000), 0, '*');
    assert.equal(bad.status, 400);
    assert.match(
      String(((await json(bad)).error as { message: string }).message),
      /required to be equal or greater than 262144, except for the final request .* contained 1000 bytes/,
    );
    const status = await probe(session);
    assert.equal(status.status, 308);
    assert.equal(status.headers.get('range'), null, 'no Range header while nothing is persisted');
    assert.equal((await put(session, bytes.subarray(0, G), 0, '*')).status, 308);
    const done = await put(session, bytes.subarray(G), G, bytes.length);
    assert.equal(done.status, 200);
    assert.deepEqual(await json(done), { size: String(G + 10), md5Checksum: md5Hex(bytes) });
  });

  test('a non-final chunk off the 256 KiB multiple is kept up to its last whole 256 KiB; the Range says so', async () => {
    const bytes = testBytes(3 * G + 10, 12);
    const session = await initiate({ query: 'fields=size,md5Checksum' });
    const first = await put(session, bytes.subarray(0, G + 1000), 0, '*');
    assert.equal(first.status, 308);
    assert.equal(first.headers.get('range'), `bytes=0-${G - 1}`);
    const done = await put(session, bytes.subarray(G), G, bytes.length);
    assert.deepEqual(await json(done), { size: String(bytes.length), md5Checksum: md5Hex(bytes) });
  });

  test('interrupted PUT: the probe reports the offset rounded down to 256 KiB; finishing from there is byte-exact', async () => {
    const total = 3 * MiB + 123;
    const bytes = testBytes(total, 3);
    const session = await initiate({ metadata: { name: 'interrupted.bin' }, total, query: 'fields=id,name,size,md5Checksum' });
    emu.hub.faults.add({ route: 'drive.upload.session', action: { kind: 'reset', direction: 'request', afterBytes: 5 * G + 1000 } });
    await assert.rejects(put(session, bytes, 0, total));
    const status = await probe(session, total);
    assert.equal(status.status, 308);
    assert.equal(status.headers.get('range'), `bytes=0-${5 * G - 1}`);
    const resumed = await put(session, bytes.subarray(5 * G), 5 * G, total);
    assert.equal(resumed.status, 200);
    const file = await json(resumed);
    assert.deepEqual(file, { id: file.id, name: 'interrupted.bin', size: String(total), md5Checksum: md5Hex(bytes) });
    assert.ok(emu.drive.readContent(String(file.id))?.toBuffer().equals(bytes));
  });

  test('a chunk starting past the persisted offset is 400; an overlapping resend is accepted', async () => {
    const bytes = testBytes(3 * G, 4);
    const session = await initiate({ query: 'fields=md5Checksum' });
    assert.equal((await put(session, bytes.subarray(G, 2 * G), G, '*')).status, 400);
    assert.equal((await put(session, bytes.subarray(0, G), 0, '*')).status, 308);
    const overlap = await put(session, bytes.subarray(0, 2 * G), 0, '*');
    assert.equal(overlap.status, 308);
    assert.equal(overlap.headers.get('range'), `bytes=0-${2 * G - 1}`);
    const done = await put(session, bytes.subarray(2 * G), 2 * G, bytes.length);
    assert.deepEqual(await json(done), { md5Checksum: md5Hex(bytes) });
  });

  test('probes: bytes */* reports progress; bytes */TOTAL equal to what is persisted completes', async () => {
    const bytes = testBytes(2 * G, 5);
    const session = await initiate({ query: 'fields=size' });
    assert.equal((await put(session, bytes, 0, '*')).status, 308);
    const p = await probe(session, '*');
    assert.equal(p.status, 308);
    assert.equal(p.headers.get('range'), `bytes=0-${2 * G - 1}`);
    const done = await probe(session, 2 * G);
    assert.equal(done.status, 200);
    assert.deepEqual(await json(done), { size: String(2 * G) });
    const again = await probe(session, '*');
    assert.equal(again.status, 200, 'a completed session answers with the resource');
  });

  test('an empty file: bytes */0', async () => {
    const session = await initiate({ total: 0, query: 'fields=size,md5Checksum' });
    const done = await probe(session, 0);
    assert.equal(done.status, 200);
    assert.deepEqual(await json(done), { size: '0', md5Checksum: md5Hex(Buffer.alloc(0)) });
  });

  test('unknown session → 404; expireUploadSessions() → 404', async () => {
    const session = await initiate();
    const unknown = session.replace(/upload_id=[^&]+/, 'upload_id=nope');
    assert.equal((await probe(unknown)).status, 404);
    assert.equal((await probe(session)).status, 308);
    emu.drive.expireUploadSessions();
    assert.equal((await probe(session)).status, 404);
    assert.equal((await put(session, testBytes(10), 0, 10)).status, 404);
  });

  test('a session is bound to its user: another user’s token gets 404; no token is fine', async () => {
    const session = await initiate({ query: 'fields=size' });
    const stranger = await bearer(driveClient(emu, otherClient(emu, [SCOPE_DRIVE], 'stranger@example.com')));
    assert.equal((await put(session, testBytes(10), 0, 10, stranger)).status, 404);
    const done = await put(session, testBytes(10), 0, 10);
    assert.equal(done.status, 200);
  });

  test('resumable update (PATCH) adds a revision; keepRevisionForever is honoured', async () => {
    const v1 = testBytes(100, 6);
    const v2 = testBytes(G + 5, 7);
    const created = await json(await put(await initiate({ query: 'fields=id' }), v1, 0, v1.length));
    const id = String(created.id);
    const session = await initiate({
      fileId: id,
      metadata: {},
      total: v2.length,
      query: 'keepRevisionForever=true&fields=id,size,md5Checksum',
    });
    assert.match(session, new RegExp(`/upload/drive/v3/files/${id}\\?`));
    assert.equal((await put(session, v2.subarray(0, G), 0, v2.length)).status, 308);
    const done = await put(session, v2.subarray(G), G, v2.length);
    assert.deepEqual(await json(done), { id, size: String(v2.length), md5Checksum: md5Hex(v2) });
    const revs = await c.drive.revisions.list({ fileId: id, fields: 'revisions(md5Checksum,keepForever)' });
    assert.deepEqual(revs.data.revisions, [
      { md5Checksum: md5Hex(v1), keepForever: false },
      { md5Checksum: md5Hex(v2), keepForever: true },
    ]);
  });

  test('storage quota is checked when a session starts with a known length, and at completion', async () => {
    const user = otherClient(emu, [SCOPE_DRIVE], 'resumable-quota@example.com');
    const headers = await bearer(driveClient(emu, user));
    emu.drive.setStorageQuota(G);
    try {
      const res = await fetch(`${emu.env.DRIVE_EMULATOR_HOST}/upload/drive/v3/files?uploadType=resumable`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'x-upload-content-length': String(G + 1) },
        body: '{}',
      });
      assert.equal(res.status, 403);
      assert.equal(((await json(res)).error as { errors: Array<{ reason: string }> }).errors[0]!.reason, 'storageQuotaExceeded');
      const session = await initiate({ headers });
      assert.equal((await put(session, testBytes(G), 0, '*')).status, 308);
      const last = await put(session, testBytes(1), G, G + 1);
      assert.equal(last.status, 403);
    } finally {
      emu.drive.setStorageQuota(undefined);
    }
  });

  test('an invalid parent is refused when the session starts', async () => {
    const res = await fetch(`${emu.env.DRIVE_EMULATOR_HOST}/upload/drive/v3/files?uploadType=resumable`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', parents: ['doesNotExist123'] }),
    });
    assert.equal(res.status, 404);
  });
});

describe('session lifetime (sessionTtlMs)', () => {
  let short: Emulators;
  // The session lifetime on a clock the test moves: however slow the machine, the session is alive until moved past it.
  const clock = new ManualClock();
  before(async () => {
    short = await startEmulators({ limits: RATE_LIMITS_OFF, clock, drive: { sessionTtlMs: 150 } });
  });
  after(async () => {
    await short?.stop();
  });

  test('a session dies after its lifetime', async () => {
    const headers = await bearer(driveClient(short));
    const res = await fetch(`${short.env.DRIVE_EMULATOR_HOST}/upload/drive/v3/files?uploadType=resumable`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{}',
    });
    const session = res.headers.get('location')!;
    assert.equal((await probe(session)).status, 308);
    await clock.advance(149);
    assert.equal((await probe(session)).status, 308, 'alive until its lifetime is over');
    await clock.advance(1);
    assert.equal((await probe(session)).status, 404);
  });
});
