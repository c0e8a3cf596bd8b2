/**
 * Tests for sendToSession against the Drive emulator, with an in-memory source that can fail once after
 * K bytes: sizes from 0 B to 64 MiB byte-exact, a connection cut mid-chunk, a 503, a source reset, an
 * expired session, and a deadline that stops the transfer so a second call finishes it.
 */
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { OAuth2Client } from 'google-auth-library';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '../../emulators/index.js';
import { Gateway } from '../../src/core/gateway.js';
import { querySessionStatus, SessionGoneError, startUploadSession, type AuthHeaders } from '../../src/backup/09-resumable-session.js';
import { sendToSession, type SendToSessionOptions } from '../../src/backup/08-chunked-transfer.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const md5Hex = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex');

/** The object's bytes from `offset`, in 64 KiB pieces; optionally the first stream to pass byte `failAt` breaks there. */
function memorySource(content: Buffer, options: { failOnceAt?: number } = {}) {
  const opens: number[] = [];
  let failAt = options.failOnceAt;
  const open = (offset: number): Readable => {
    opens.push(offset);
    const pieces = function* (): Generator<Buffer> {
      for (let at = offset; at < content.length; at += 64 * KiB) {
        const end = Math.min(at + 64 * KiB, content.length);
        if (failAt !== undefined && end > failAt && at <= failAt) {
          const cut = failAt;
          failAt = undefined;
          if (cut > at) yield content.subarray(at, cut);
          throw Object.assign(new Error('source stream reset'), { code: 'ECONNRESET' });
        }
        yield content.subarray(at, end);
      }
    };
    return Readable.from(pieces(), { objectMode: false });
  };
  return { open, opens };
}

describe('sendToSession against the Drive emulator', () => {
  let emulators: Emulators;
  let authHeaders: AuthHeaders;
  let retries: number;
  /** The Drive gateway's calls, as the upload makes them, without the waits. */
  const retry = new Gateway({
    service: 'drive',
    client: async () => ({ authHeaders }),
    sleep: async () => undefined,
    onRetry: () => void retries++,
  }).retry();

  before(async () => {
    emulators = await startEmulators({ limits: RATE_LIMITS_OFF });
  });
  beforeEach(() => {
    emulators.hub.reset();
    retries = 0;
    const { clientId, clientSecret, refreshToken } = emulators.seed;
    const client = new OAuth2Client({
      clientId,
      clientSecret,
      endpoints: { oauth2TokenUrl: `${emulators.env.OAUTH_EMULATOR_HOST}/token` },
    });
    client.setCredentials({ refresh_token: refreshToken });
    authHeaders = async () => ({ authorization: (await client.getRequestHeaders()).get('authorization') ?? '' });
  });
  after(() => emulators.stop());

  const openSession = (total: number) =>
    startUploadSession({
      baseUrl: emulators.env.DRIVE_EMULATOR_HOST,
      authHeaders,
      metadata: { name: `object-${total}.bin` },
      contentType: 'application/octet-stream',
      size: total,
      query: { fields: 'id,size,md5Checksum' },
    });

  /** Opens a session for `content` and transfers it from byte 0 with an md5. */
  async function transfer(
    content: Buffer,
    chunkBytes: number,
    extra: Partial<SendToSessionOptions> & { source?: ReturnType<typeof memorySource> } = {},
  ) {
    const source = extra.source ?? memorySource(content);
    const sessionUri = await openSession(content.length);
    const md5 = createHash('md5');
    const result = await sendToSession({
      sessionUri,
      total: content.length,
      chunkBytes,
      openSource: source.open,
      startOffset: 0,
      md5,
      retry,
      ...extra,
    });
    return { result, md5: md5.digest('hex'), opens: source.opens, sessionUri };
  }

  const sizes: [name: string, size: number, chunkBytes: number, puts: number][] = [
    ['0 B', 0, 256 * KiB, 1],
    ['1 B', 1, 256 * KiB, 1],
    ['256 KiB + 1', 256 * KiB + 1, 256 * KiB, 2],
    ['64 MiB', 64 * MiB, 8 * MiB, 8],
  ];
  for (const [name, size, chunkBytes, puts] of sizes) {
    test(`${name} arrives byte-exact in ${puts} PUT(s), read at most once from the source`, async () => {
      const content = randomBytes(size);
      const { result, md5, opens } = await transfer(content, chunkBytes);
      assert.ok(result.complete);
      assert.equal(md5, md5Hex(content));
      assert.equal(result.file.md5Checksum, md5Hex(content));
      assert.equal(emulators.drive.readContent(result.file.id!)?.md5Hex, md5Hex(content));
      assert.equal(emulators.drive.readContent(result.file.id!)?.size, size);
      assert.equal(result.bytesSent, size);
      assert.deepEqual(opens, size === 0 ? [] : [0]);
      assert.equal(emulators.hub.counters()['drive.upload.session'], puts);
    });
  }

  test('a connection cut mid-chunk: probes, resends only what Drive lacks, reuses the buffered tail', async () => {
    const content = randomBytes(4 * MiB);
    const chunkBytes = MiB;
    emulators.hub.faults.add({
      service: 'drive',
      route: 'drive.upload.session',
      nth: 2,
      action: { kind: 'reset', direction: 'request', afterBytes: 700 * KiB },
    });
    const { result, md5, opens } = await transfer(content, chunkBytes);
    assert.ok(result.complete);
    assert.equal(emulators.drive.readContent(result.file.id!)?.md5Hex, md5Hex(content));
    assert.equal(md5, md5Hex(content));
    assert.equal(retries, 1);
    assert.ok(result.bytesSent > content.length, 'the cut chunk was partly sent twice');
    assert.ok(result.bytesSent <= content.length + chunkBytes, `bytesSent ${result.bytesSent}`);
    // Drive kept at least one 256 KiB unit of the ~700 KiB that got through; those are not sent again.
    assert.ok(result.bytesSent <= content.length + chunkBytes - 256 * KiB, `bytesSent ${result.bytesSent}`);
    assert.deepEqual(opens, [0], 'the unconfirmed tail came from memory, not from a second read');
  });

  test('a 503 on a chunk is retried and the upload completes', async () => {
    const content = randomBytes(MiB + 5);
    emulators.hub.faults.add({
      service: 'drive',
      route: 'drive.upload.session',
      nth: 2,
      action: { kind: 'status', status: 503, body: { error: { code: 503, message: 'busy', errors: [{ reason: 'backendError' }] } } },
    });
    const { result, md5 } = await transfer(content, 512 * KiB);
    assert.ok(result.complete);
    assert.equal(retries, 1);
    assert.equal(md5, md5Hex(content));
    assert.equal(emulators.drive.readContent(result.file.id!)?.md5Hex, md5Hex(content));
  });

  test('a stalled PUT is aborted after requestTimeoutMs, then probed and resumed', async () => {
    const content = randomBytes(MiB);
    emulators.hub.faults.add({ service: 'drive', route: 'drive.upload.session', nth: 2, action: { kind: 'latency', ms: 1500 } });
    const { result, md5 } = await transfer(content, 256 * KiB, { requestTimeoutMs: 300 });
    assert.ok(result.complete);
    assert.equal(retries, 1);
    assert.equal(md5, md5Hex(content));
    assert.equal(emulators.drive.readContent(result.file.id!)?.md5Hex, md5Hex(content));
  });

  test('a source reset re-opens the source at the next unread byte', async () => {
    const content = randomBytes(MiB);
    const source = memorySource(content, { failOnceAt: 300 * KiB + 7 });
    const { result, md5, opens } = await transfer(content, 256 * KiB, { source });
    assert.ok(result.complete);
    assert.deepEqual(opens, [0, 300 * KiB + 7]);
    assert.equal(md5, md5Hex(content));
    assert.equal(emulators.drive.readContent(result.file.id!)?.md5Hex, md5Hex(content));
    assert.equal(result.bytesSent, content.length);
  });

  test('an expired session surfaces as SessionGoneError for the caller to restart', async () => {
    const content = randomBytes(MiB);
    const attempt = transfer(content, 256 * KiB, { onChunk: () => emulators.drive.expireUploadSessions() });
    await assert.rejects(attempt, SessionGoneError);
    assert.equal(retries, 0);
  });

  test('a deadline that says no after 2 chunks stops; a second call from the probed offset finishes byte-exact', async () => {
    const content = randomBytes(5 * 256 * KiB + 123);
    const chunkBytes = 256 * KiB;
    let allowed = 2;
    const estimates: number[] = [];
    const first = await transfer(content, chunkBytes, {
      md5: undefined,
      deadline: { canStart: (estimatedMs) => (estimates.push(estimatedMs), allowed-- > 0) },
    });
    assert.deepEqual(first.result, { complete: false, offset: 2 * chunkBytes, bytesSent: 2 * chunkBytes });
    assert.equal(estimates.length, 3);
    assert.ok(estimates.every((ms) => Number.isFinite(ms) && ms > 0));

    const status = await querySessionStatus({ sessionUri: first.sessionUri, authHeaders, total: content.length });
    assert.deepEqual(status, { complete: false, persisted: 2 * chunkBytes });
    const source = memorySource(content);
    const second = await sendToSession({
      sessionUri: first.sessionUri,
      total: content.length,
      chunkBytes,
      openSource: source.open,
      startOffset: status.persisted,
      retry,
    });
    assert.ok(second.complete);
    assert.deepEqual(source.opens, [2 * chunkBytes]);
    assert.equal(second.bytesSent, content.length - 2 * chunkBytes);
    assert.equal(emulators.drive.readContent(second.file.id!)?.md5Hex, md5Hex(content));
  });

  test('onChunk reports each confirmed range in order', async () => {
    const content = randomBytes(600 * KiB);
    const seen: [number, number][] = [];
    const { result } = await transfer(content, 256 * KiB, { onChunk: ({ offset, bytes }) => void seen.push([offset, bytes]) });
    assert.ok(result.complete);
    assert.deepEqual(seen, [
      [0, 256 * KiB],
      [256 * KiB, 256 * KiB],
      [512 * KiB, 88 * KiB],
    ]);
  });

  const refusals: [name: string, options: Partial<SendToSessionOptions>, error: RegExp][] = [
    ['a chunk size not a multiple of 256 KiB', { chunkBytes: 100 * KiB }, /multiple of 262144/],
    ['a start offset past the end', { startOffset: 11 }, /outside/],
    ['an md5 over a resumed transfer', { startOffset: 5, md5: createHash('md5') }, /md5/],
  ];
  for (const [name, options, error] of refusals) {
    test(`refuses ${name}`, async () => {
      const source = memorySource(Buffer.alloc(10));
      const base: SendToSessionOptions = {
        sessionUri: 'http://127.0.0.1:1/x',
        total: 10,
        chunkBytes: 256 * KiB,
        openSource: source.open,
        startOffset: 0,
        retry,
      };
      await assert.rejects(sendToSession({ ...base, ...options }), error);
      assert.deepEqual(source.opens, []);
    });
  }
});
