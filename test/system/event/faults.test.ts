/**
 * The emulators' fault matrix against the event path: each fault is injected while a 9 MiB object
 * (9 chunks of 1 MiB: the chunk count is what the faults are placed by, not the bytes; chunk 8, the
 * highest placed by number, is not the last, and the Cloud Storage reset after 5 MiB is mid-object) goes up. Either the file lands byte-exact on the first delivery, or the event fails
 * with one ERROR line telling the operator what to do and succeeds on redelivery once the fault clears.
 * Every case ends with exactly one Drive file holding the object's bytes: no duplicates.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFunctionWorld, type FunctionWorld } from '../../../harness/function-world.js';
import type { LogCapture } from '../../../harness/log-capture.js';
import { md5Hex, testBytes, type World } from '../../support/world.js';
import { deliverStorageEvent, deliverUntilAcked } from '../../../harness/deliver.js';
import type { FaultRule } from '@gcs-drive-backup/emulators/harness/faults.js';

const MiB = 1024 * 1024;
const SIZE = 9 * MiB;
const CHUNK = 1 * MiB;
const DRIVE_SCOPES = ['https://www.googleapis.com/auth/drive.file', 'https://www.googleapis.com/auth/drive'];

let world: World;
let fn: { url: string };
let setup: FunctionWorld | undefined;
let content: Buffer;
let contentMd5: string;
let logCapture: LogCapture | undefined;
const logLines = (): string[] => logCapture?.lines ?? [];

before(async () => {
  // The idle watchdog an hour away: no fault here needs it (each breaks a connection or answers), and a
  // short one could fire on a machine merely busy — a verdict that would then depend on its speed.
  setup = await startFunctionWorld({ targets: ['event'], env: { UPLOAD_CHUNK_MIB: String(CHUNK / MiB), IO_IDLE_TIMEOUT_SEC: '3600' } });
  world = setup;
  fn = { url: setup.url('event') };
  logCapture = setup.logs;
  content = testBytes(SIZE, 'fault-matrix');
  contentMd5 = md5Hex(content);
});

after(async () => {
  await setup?.stop();
});

type ObjectData = { bucket: string; name: string; generation: string };

/** The same 9 MiB under a new name (the GCS emulator has no copy/rewrite route). */
async function uploadCopy(name: string): Promise<ObjectData> {
  const file = world.storage.bucket(world.sourceBucket).file(name);
  await file.save(content, { resumable: false, contentType: 'application/octet-stream' });
  const [metadata] = await file.getMetadata();
  return metadata as ObjectData;
}

function assertOneByteExactBackup(name: string): void {
  const files = world.emulators.drive.listAll().filter((f) => !f.trashed && f.appProperties['gdb.object'] === name);
  assert.equal(files.length, 1, `exactly one Drive file for ${name}, got ${files.length}`);
  assert.equal(Number(files[0].size ?? 0), SIZE);
  assert.equal(files[0].md5Checksum, contentMd5, 'byte-exact');
  const stored = world.emulators.drive.readContent(files[0].id);
  assert.ok(stored, 'Drive holds content');
  assert.equal(stored.size, SIZE);
}

const parsedSince = (from: number) =>
  logLines()
    .slice(from)
    .map((l) => JSON.parse(l) as { severity: string; event?: string; message: string });

const sessionPut = (nth: number, action: FaultRule['action'], times = 1): FaultRule => ({
  service: 'drive',
  route: 'drive.upload.session',
  method: 'PUT',
  nth,
  times,
  action,
});

const driveError = (code: number, reason: string, message: string) => ({
  error: { code, message, errors: [{ domain: 'usageLimits', reason, message }] },
});

/** Faults the function rides out within the invocation: acknowledged on the first delivery. */
interface RiddenOut {
  label: string;
  rules: FaultRule[];
  /** Delivery attempts allowed (GCS faults may surface only on a later one). Default 1. */
  deliveries?: number;
}

/** Faults only the operator can fix: the first delivery fails with one ERROR line; the next succeeds once fixed. */
interface OperatorFault {
  label: string;
  arm: () => void;
  clear: () => void;
  event: string;
  /** What the ERROR line must tell the operator. */
  says: RegExp;
}

describe('fault matrix during a 9 MiB upload', () => {
  // Runs first: the function's first Drive request is the first that needs an access token.
  const ridden: RiddenOut[] = [
    {
      label: 'oauth token endpoint 500 once',
      rules: [
        { service: 'oauth', route: 'oauth.token.grant', action: { kind: 'status', status: 500, body: { error: 'internal_failure' } } },
      ],
    },
    {
      label: 'drive 503 on chunk 5',
      rules: [sessionPut(5, { kind: 'status', status: 503, body: driveError(503, 'backendError', 'Backend Error') })],
    },
    {
      label: 'drive 500 on chunk 7',
      rules: [sessionPut(7, { kind: 'status', status: 500, body: driveError(500, 'internalError', 'Internal Error') })],
    },
    {
      label: 'drive 429 with Retry-After: 1 on chunk 3',
      rules: [
        sessionPut(3, {
          kind: 'status',
          status: 429,
          headers: { 'retry-after': '1' },
          body: driveError(429, 'rateLimitExceeded', 'Too Many Requests'),
        }),
      ],
    },
    {
      label: 'drive 403 rateLimitExceeded on chunk 4',
      rules: [sessionPut(4, { kind: 'status', status: 403, body: driveError(403, 'rateLimitExceeded', 'Rate Limit Exceeded') })],
    },
    {
      label: 'request reset after 384 KiB of chunk 6',
      rules: [sessionPut(6, { kind: 'reset', direction: 'request', afterBytes: 0.375 * MiB })],
    },
    { label: 'request reset after 0 bytes of chunk 2', rules: [sessionPut(2, { kind: 'reset', direction: 'request', afterBytes: 0 })] },
    {
      label: 'response reset of chunk 8 (bytes persisted, reply lost)',
      rules: [sessionPut(8, { kind: 'reset', direction: 'response', afterBytes: 0 })],
    },
    {
      label: 'response reset of the last chunk (file created, reply lost)',
      rules: [sessionPut(SIZE / CHUNK, { kind: 'reset', direction: 'response', afterBytes: 0 })],
    },
    { label: 'latency 200 ms on every chunk', rules: [sessionPut(1, { kind: 'latency', ms: 200 }, 0)] },
    {
      label: 'gcs download response reset after 5 MiB',
      rules: [{ service: 'gcs', route: 'gcs.objects.download', action: { kind: 'reset', direction: 'response', afterBytes: 5 * MiB } }],
      deliveries: 3,
    },
    {
      label: 'gcs download 503',
      rules: [
        {
          service: 'gcs',
          route: 'gcs.objects.download',
          action: { kind: 'status', status: 503, body: { error: { code: 503, message: 'Service Unavailable' } } },
        },
      ],
      deliveries: 3,
    },
  ];
  ridden.forEach((c, i) => {
    test(`${c.label}: acknowledged, one byte-exact file`, async () => {
      const name = `faults/ridden-${i}.bin`;
      const data = await uploadCopy(name);
      world.emulators.hub.faults.clear();
      for (const rule of c.rules) world.emulators.hub.faults.add(rule);
      try {
        // No stopwatch of our own: a stalled invocation is caught by the test runner's timeout.
        const statuses = await deliverUntilAcked(fn.url, data, c.deliveries ?? 1);
        assert.equal(statuses.at(-1), 204, `statuses ${statuses.join(',')}`);
        for (const rule of world.emulators.hub.faults.list()) assert.ok(rule.fired >= 1, `fault ${rule.route} fired`);
      } finally {
        world.emulators.hub.faults.clear();
      }
      assertOneByteExactBackup(name);
    });
  });

  const operator: OperatorFault[] = [
    {
      label: 'drive storage quota exceeded',
      arm: () => world.emulators.drive.setStorageQuota(1),
      clear: () => world.emulators.drive.setStorageQuota(undefined),
      event: 'operatorActionRequired',
      says: /storageQuotaExceeded.*action required: Drive storage of the authorized user is full: free space or add storage/,
    },
    {
      label: 'drive daily upload limit (userRateLimitExceeded "User rate limit exceeded.")',
      arm: () => world.emulators.drive.setDailyUploadLimit(1),
      clear: () => world.emulators.drive.setDailyUploadLimit(undefined),
      event: 'operatorActionRequired',
      says: /userRateLimitExceeded.*action required: the Drive daily upload limit of the authorized user is exhausted/,
    },
  ];
  operator.forEach((c, i) => {
    test(`${c.label}: fails with one ERROR line, succeeds once cleared`, async () => {
      const name = `faults/operator-${i}.bin`;
      const data = await uploadCopy(name);
      const eventId = `operator-${i}`;
      const from = logLines().length;
      c.arm();
      let first: number;
      try {
        first = await deliverStorageEvent(fn.url, data, { id: eventId });
      } finally {
        c.clear();
      }
      assert.equal(first, 500, 'the first delivery fails so Eventarc retries');
      const errors = parsedSince(from).filter((l) => l.severity === 'ERROR');
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.equal(errors[0].event, c.event);
      assert.match(errors[0].message, c.says);
      assert.equal(world.emulators.drive.listAll().filter((f) => f.appProperties['gdb.object'] === name).length, 0, 'nothing uploaded');

      assert.equal(await deliverStorageEvent(fn.url, data, { id: eventId }), 204, 'redelivery succeeds');
      assertOneByteExactBackup(name);
    });
  });

  // Last: it replaces the seeded refresh token.
  test('revoked refresh token: one reauthorizeRequired ERROR line, succeeds after a new secret version', async () => {
    const name = 'faults/revoked.bin';
    const data = await uploadCopy(name);
    const { oauth, secrets, seed } = world.emulators;
    assert.equal(oauth.revokeRefreshToken(seed.refreshToken), true);
    const from = logLines().length;
    assert.equal(await deliverStorageEvent(fn.url, data, { id: 'revoked' }), 500);
    const errors = parsedSince(from).filter((l) => l.severity === 'ERROR');
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0].event, 'reauthorizeRequired');
    assert.match(errors[0].message, /authorize/);

    const refreshToken = oauth.issueRefreshToken({ clientId: seed.clientId, user: 'user@example.com', scopes: DRIVE_SCOPES });
    secrets.addVersion(
      world.secretName,
      JSON.stringify({ type: 'authorized_user', client_id: seed.clientId, client_secret: seed.clientSecret, refresh_token: refreshToken }),
    );
    assert.equal(await deliverStorageEvent(fn.url, data, { id: 'revoked' }), 204, 'redelivery succeeds with the new secret version');
    assertOneByteExactBackup(name);
  });
});
