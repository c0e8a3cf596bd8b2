/**
 * Tests for sendToSession against the Drive emulator, with an in-memory source that can fail after K
 * bytes: sizes from 0 B to 64 MiB byte-exact from one read of the source, a connection cut mid-PUT (the
 * unconfirmed tail read again from the source), a source failure while a PUT is in flight (the PUT waits
 * for the re-opened source) and one that keeps failing, a 503, a stalled PUT, a lost last reply, an
 * expired session, and a deadline between chunks that stops the transfer so a second call finishes it.
 */
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '@gcs-drive-backup/emulators';
import { Gateway, type Retry } from '../../../src/core/gateway.js';
import { RETRY_DEFAULTS, RetriesExhaustedError } from '../../../src/core/retry.js';
import { querySessionStatus, SessionGoneError, startUploadSession, type AuthHeaders } from '../../../src/backup/upload/session.js';
import { sendToSession, type SendToSessionOptions } from '../../../src/backup/upload/transfer.js';
import { startStallingProxy } from '../../support/stalling-proxy.js';
import { driveClient } from '@gcs-drive-backup/emulators/test/drive/helpers.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const md5Hex = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex');
const reset = () => Object.assign(new Error('source stream reset'), { code: 'ECONNRESET' });

/**
 * The object's bytes from `offset`, in 64 KiB pieces. `failAt(n, offset)`: where the n-th opened stream
 * (0-based) breaks, if it does.
 */
function memorySource(content: Buffer, failAt: (n: number, offset: number) => number | undefined = () => undefined) {
  const opens: number[] = [];
  const open = (offset: number): Readable => {
    const breakAt = failAt(opens.length, offset);
    opens.push(offset);
    const pieces = function* (): Generator<Buffer> {
      for (let at = offset; at < content.length; at += 64 * KiB) {
        const end = Math.min(at + 64 * KiB, content.length);
        if (breakAt !== undefined && end > breakAt) {
          if (breakAt > at) yield content.subarray(at, breakAt);
          throw reset();
        }
        yield content.subarray(at, end);
      }
    };
    return Readable.from(pieces(), { objectMode: false });
  };
  return { open, opens };
}

/** The first stream opened breaks at `at`; the others do not. */
const failOnceAt = (at: number) => (n: number) => (n === 0 ? at : undefined);

describe('sendToSession against the Drive emulator', () => {
  let emulators: Emulators;
  let authHeaders: AuthHeaders;
  let retries: number;
  /** The Drive gateway's calls, as the upload makes them, without the waits. */
  const retry: Retry<{ authHeaders: AuthHeaders }> = new Gateway({
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
    const { auth } = driveClient(emulators);
    authHeaders = async () => ({ authorization: (await auth.getRequestHeaders()).get('authorization') ?? '' });
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
    const result = await sendToSession({
      sessionUri,
      total: content.length,
      chunkBytes,
      openSource: source.open,
      startOffset: 0,
      md5: true,
      retry,
      ...extra,
    });
    return { result, opens: source.opens, sessionUri };
  }

  /** Drive's copy of `content` is complete and exact, and the transfer's MD5 is the content's. */
  function assertLanded(result: Awaited<ReturnType<typeof sendToSession>>, content: Buffer): void {
    assert.ok(result.complete);
    assert.equal(result.md5Hex, md5Hex(content), 'the MD5 covers every byte once, in order');
    assert.equal(result.file.md5Checksum, md5Hex(content));
    assert.equal(emulators.drive.readContent(result.file.id!)?.md5Hex, md5Hex(content));
    assert.equal(emulators.drive.readContent(result.file.id!)?.size, content.length);
  }

  const sessionPuts = () => emulators.hub.counters()['drive.upload.session'];
  const bytesToDrive = () => emulators.hub.bodyBytes()['drive.upload.session'] ?? 0;

  const sizes: [name: string, size: number, chunkBytes: number, puts: number][] = [
    ['0 B', 0, 256 * KiB, 1],
    ['1 B', 1, 256 * KiB, 1],
    ['256 KiB + 1', 256 * KiB + 1, 256 * KiB, 2],
    ['64 MiB', 64 * MiB, 8 * MiB, 8],
    ['64 MiB in one chunk', 64 * MiB, 64 * MiB, 1],
  ];
  for (const [name, size, chunkBytes, puts] of sizes) {
    test(`${name} arrives byte-exact in ${puts} PUT(s), from one read of the source`, async () => {
      const content = randomBytes(size);
      const { result, opens } = await transfer(content, chunkBytes);
      assertLanded(result, content);
      assert.equal(result.bytesSent, size);
      assert.equal(bytesToDrive(), size);
      assert.deepEqual(opens, size === 0 ? [] : [0]);
      assert.equal(sessionPuts(), puts);
    });
  }

  test('a connection cut mid-PUT: probes, goes on from what Drive kept, reads the unconfirmed tail again from the source', async () => {
    const content = randomBytes(4 * MiB);
    const chunkBytes = MiB;
    emulators.hub.faults.add({
      service: 'drive',
      route: 'drive.upload.session',
      nth: 2,
      action: { kind: 'reset', direction: 'request', afterBytes: 700 * KiB },
    });
    const { result, opens } = await transfer(content, chunkBytes);
    assertLanded(result, content);
    assert.equal(retries, 1);
    // Drive kept the 2 whole 256 KiB units of the ~700 KiB that got through: the next chunk starts there.
    const kept = MiB + 512 * KiB;
    assert.deepEqual(opens, [0, kept], 'the source was read again from the first byte Drive lacked');
    // PUT 1, the cut PUT 2, the probe, then [1.5, 2.5), [2.5, 3.5), [3.5, 4) MiB.
    assert.equal(sessionPuts(), 6);
    assert.ok(bytesToDrive() > content.length, 'part of the cut chunk went twice');
    assert.ok(bytesToDrive() <= content.length + chunkBytes - 512 * KiB, `bytes to Drive ${bytesToDrive()}`);
    assert.ok(result.bytesSent >= bytesToDrive());
  });

  test('a cut before Drive kept a whole 256 KiB unit: the chunk goes again from its start, read again from the source', async () => {
    const content = randomBytes(3 * MiB + 5);
    emulators.hub.faults.add({
      service: 'drive',
      route: 'drive.upload.session',
      nth: 2,
      action: { kind: 'reset', direction: 'request', afterBytes: 100 * KiB },
    });
    const { result, opens } = await transfer(content, MiB);
    assertLanded(result, content);
    assert.equal(retries, 1);
    assert.deepEqual(opens, [0, MiB]);
    assert.ok(bytesToDrive() < content.length + 256 * KiB, `bytes to Drive ${bytesToDrive()}`);
  });

  test("the last PUT's reply lost after Drive finished the file: the probe finds it complete, nothing is sent again", async () => {
    const content = randomBytes(MiB + 3);
    emulators.hub.faults.add({
      service: 'drive',
      route: 'drive.upload.session',
      nth: 3,
      action: { kind: 'reset', direction: 'response', afterBytes: 0 },
    });
    const { result } = await transfer(content, 512 * KiB);
    assertLanded(result, content);
    assert.equal(retries, 1);
    assert.equal(bytesToDrive(), content.length);
  });

  test('a source failure while a PUT is in flight: the PUT waits for the source, re-opened at the next unread byte', async () => {
    const content = randomBytes(2 * MiB);
    const source = memorySource(content, failOnceAt(300 * KiB + 7));
    const { result, opens } = await transfer(content, 2 * MiB, { source });
    assertLanded(result, content);
    assert.deepEqual(opens, [0, 300 * KiB + 7]);
    assert.equal(retries, 0, 'the PUT was not aborted');
    assert.equal(sessionPuts(), 1);
    assert.equal(result.bytesSent, content.length);
    assert.equal(bytesToDrive(), content.length);
  });

  test('a source that keeps failing aborts the PUT in flight with its error; the session keeps what arrived for the next call', async () => {
    const content = randomBytes(2 * MiB);
    const brokenFrom = MiB + 100 * KiB;
    const broken = memorySource(content, (_, offset) => Math.max(offset, brokenFrom));
    const sessionUri = await openSession(content.length);
    const options = { sessionUri, total: content.length, chunkBytes: 2 * MiB, startOffset: 0, retry };
    const failed = await sendToSession({ ...options, openSource: broken.open, md5: true }).catch((err: unknown) => err);
    assert.ok(failed instanceof RetriesExhaustedError);
    assert.match(String((failed.cause as Error).message), /source stream reset/);
    // The first retry's probe found Drive at 1 MiB (progress: a new round of attempts from there), whose
    // attempts all probed, then read the source again.
    assert.equal(retries, 1 + RETRY_DEFAULTS.maxAttempts - 1);
    // Drive kept every whole 256 KiB unit of what the aborted PUT carried before the source broke.
    const status = await querySessionStatus({ sessionUri, authHeaders, total: content.length });
    assert.deepEqual(status, { complete: false, persisted: MiB });
    const source = memorySource(content);
    const second = await sendToSession({ ...options, openSource: source.open, startOffset: MiB });
    assert.ok(second.complete);
    assert.deepEqual(source.opens, [MiB]);
    assert.equal(emulators.drive.readContent(second.file.id!)?.md5Hex, md5Hex(content));
  });

  test('a 503 on a chunk is retried and the upload completes', async () => {
    const content = randomBytes(MiB + 5);
    emulators.hub.faults.add({
      service: 'drive',
      route: 'drive.upload.session',
      nth: 2,
      action: { kind: 'status', status: 503, body: { error: { code: 503, message: 'busy', errors: [{ reason: 'backendError' }] } } },
    });
    const { result } = await transfer(content, 512 * KiB);
    assertLanded(result, content);
    assert.equal(retries, 1);
  });

  test('a PUT that moves nothing for idleTimeoutMs is aborted, then probed and resumed', async () => {
    const proxy = await startStallingProxy(emulators.env.DRIVE_EMULATOR_HOST);
    try {
      const content = randomBytes(MiB);
      const sessionUri = new URL(await openSession(content.length));
      const proxied = `${proxy.url}${sessionUri.pathname}${sessionUri.search}`;
      proxy.stall(2, (req) => req.method === 'PUT');
      const source = memorySource(content);
      const result = await sendToSession({
        sessionUri: proxied,
        total: content.length,
        chunkBytes: 256 * KiB,
        openSource: source.open,
        startOffset: 0,
        md5: true,
        retry,
        idleTimeoutMs: 500,
      });
      assertLanded(result, content);
      assert.equal(proxy.held, 1);
      assert.equal(proxy.abandoned, 1, 'the stalled PUT was given up');
      // At least the stalled PUT was retried; on a loaded machine another may have idled that long too.
      assert.ok(retries >= 1);
    } finally {
      await proxy.stop();
    }
  });

  test('an expired session surfaces as SessionGoneError for the caller to restart', async () => {
    const content = randomBytes(MiB);
    const attempt = transfer(content, 256 * KiB, { onChunk: () => emulators.drive.expireUploadSessions() });
    await assert.rejects(attempt, SessionGoneError);
    assert.equal(retries, 0);
  });

  test('the deadline between chunks: asked before each one; saying no stops at a chunk boundary, and a second call from the probed offset finishes byte-exact', async () => {
    const content = randomBytes(5 * 256 * KiB + 123);
    const chunkBytes = 256 * KiB;
    let allowed = 2;
    const asked: number[] = [];
    const first = await transfer(content, chunkBytes, {
      md5: false,
      deadline: { canStart: (estimatedMs) => (asked.push(estimatedMs), allowed-- > 0) },
    });
    assert.deepEqual(first.result, { complete: false, offset: 2 * chunkBytes, bytesSent: 2 * chunkBytes });
    assert.equal(asked.length, 3, 'once before each chunk, and once more to stop');
    assert.ok(asked.every((ms) => Number.isFinite(ms) && ms > 0));
    assert.equal(bytesToDrive(), 2 * chunkBytes, 'nothing read ahead was sent');
    assert.deepEqual(first.opens, [0]);

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
    assert.equal(second.md5Hex, undefined);
    assert.deepEqual(source.opens, [2 * chunkBytes]);
    assert.equal(second.bytesSent, content.length - 2 * chunkBytes);
    assert.equal(emulators.drive.readContent(second.file.id!)?.md5Hex, md5Hex(content));
  });

  test('a PUT the deadline cannot fit is halved instead of stopping: the time left is still used, and the halves land byte-exact', async () => {
    const content = randomBytes(24 * MiB);
    const asked: number[] = [];
    // No to the first PUT asked about (the whole object), yes to everything after.
    const { result, opens } = await transfer(content, 32 * MiB, { deadline: { canStart: (ms) => asked.push(ms) > 1 } });
    assertLanded(result, content);
    assert.equal(asked.length, 3, 'the whole object (no), its half (yes), the other half (yes)');
    assert.equal(sessionPuts(), 2);
    assert.equal(bytesToDrive(), content.length);
    assert.deepEqual(opens, [0]);
  });

  test("the deadline is asked for the chunk's own bytes: an object far smaller than the chunk is not estimated at a whole chunk's time", async () => {
    const content = randomBytes(300 * KiB);
    const asked: number[] = [];
    const { result } = await transfer(content, 256 * MiB, { md5: false, deadline: { canStart: (ms) => (asked.push(ms), true) } });
    assert.ok(result.complete);
    assert.equal(asked.length, 1);
    // Before any chunk is timed the speed is assumed (8 MiB/s): 300 KiB is about 37 ms of it, 256 MiB 32 s.
    assert.ok(asked[0] > 0 && asked[0] < 100, `estimated ${asked[0]} ms`);
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
    ['an md5 over a resumed transfer', { startOffset: 5, md5: true }, /md5/],
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
