/**
 * Tests for the failure classification: a table of error objects built the way each library builds them
 * (gaxios 6 and 7, storage's ApiError, google-gax's GoogleError, undici/Node network errors, our own
 * classes) → expected kind and service; then errors thrown for real by the Drive, OAuth and Storage
 * clients and by `fetch` against a throwaway local server; then the helpers (Retry-After, redaction,
 * predicates).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gaxios, OAuth2Client } from 'google-auth-library';
import { Storage } from '@google-cloud/storage';
import { Status } from 'google-gax';
import { drive } from '@googleapis/drive';
import { classifyFailure, STATE_RECORD_WRITE_INTERVAL_MS } from '../../../src/core/classify.js';
import { driveLimitOf } from '../../../src/core/drive-reasons.js';
import { isNotFound } from '../../../src/core/error-shapes.js';
import { markService, type Failure, type Service } from '../../../src/core/failure.js';
import { RetriesExhaustedError } from '../../../src/core/retry.js';
import { ObjectTooLargeError } from '../../../src/backup/pipeline.js';
import { RootFolderError, RootFolderFullError } from '../../../src/backup/folders/folders.js';
import { DriveHttpError, SessionGoneError } from '../../../src/backup/upload/session.js';
import { ObjectGoneError } from '../../../src/gcs/source.js';
import { driveError, gaxios7Error, gcsError, grpcError, netError, oauthError, requestConfig } from './library-errors.js';

type Row = [
  name: string,
  error: () => unknown,
  where: Service,
  kind: Failure['kind'],
  reasonOrAction?: RegExp,
  /** The service named, when not `where` (OAuth and gRPC errors name their own). */
  service?: Service,
];

const rows: Row[] = [
  // Drive
  ['Drive 429', () => driveError(429, 'rateLimitExceeded'), 'drive', 'rate-limited'],
  ['Drive 500', () => driveError(500, 'backendError'), 'drive', 'transient'],
  ['Drive 502', () => driveError(502, 'badGateway'), 'drive', 'transient'],
  ['Drive 503', () => driveError(503, 'backendError'), 'drive', 'transient'],
  ['Drive 504', () => driveError(504, 'gatewayTimeout'), 'drive', 'transient'],
  ['Drive 408', () => driveError(408, 'requestTimeout'), 'drive', 'transient'],
  ['Drive 401 (token expired)', () => driveError(401, 'authError'), 'drive', 'transient'],
  ['Drive 403 userRateLimitExceeded', () => driveError(403, 'userRateLimitExceeded'), 'drive', 'rate-limited'],
  ['Drive 403 rateLimitExceeded', () => driveError(403, 'rateLimitExceeded'), 'drive', 'rate-limited'],
  [
    'Drive 403 userRateLimitExceeded, per-request rate',
    () =>
      driveError(403, 'userRateLimitExceeded', {}, 'User Rate Limit Exceeded. Rate of requests for user exceed configured project quota.'),
    'drive',
    'rate-limited',
  ],
  [
    'Drive 403 userRateLimitExceeded, the daily upload limit',
    () => driveError(403, 'userRateLimitExceeded', {}, 'User rate limit exceeded.'),
    'drive',
    'operator',
    /daily upload limit/,
  ],
  [
    'DriveHttpError 403, the daily upload limit',
    () =>
      new DriveHttpError(
        403,
        'userRateLimitExceeded',
        JSON.stringify({
          error: {
            code: 403,
            message: 'User rate limit exceeded.',
            errors: [{ reason: 'userRateLimitExceeded', message: 'User rate limit exceeded.' }],
          },
        }),
      ),
    'drive',
    'operator',
    /daily upload limit/,
  ],
  ['Drive 403 sharingRateLimitExceeded', () => driveError(403, 'sharingRateLimitExceeded'), 'drive', 'rate-limited'],
  [
    'Drive 403 storageQuotaExceeded',
    () => driveError(403, 'storageQuotaExceeded'),
    'drive',
    'operator',
    /storage of the authorized user is full/,
  ],
  ['Drive 403 quotaExceeded', () => driveError(403, 'quotaExceeded'), 'drive', 'operator', /full/],
  ['Drive 403 dailyLimitExceeded', () => driveError(403, 'dailyLimitExceeded'), 'drive', 'operator', /daily upload limit/],
  ['Drive 403 uploadLimitExceeded', () => driveError(403, 'uploadLimitExceeded'), 'drive', 'operator', /daily upload limit/],
  ['Drive 403 insufficientPermissions', () => driveError(403, 'insufficientPermissions'), 'drive', 'operator', /permission/],
  ['Drive 403 forbidden', () => driveError(403, 'forbidden'), 'drive', 'operator', /permission/],
  ['Drive 403 appNotAuthorizedToFile', () => driveError(403, 'appNotAuthorizedToFile'), 'drive', 'operator', /drive\.file/],
  [
    'the root folder missing (RootFolderError)',
    () => new RootFolderError('1AbCdEfGhIjKlMn', new Error('gone')),
    'state',
    'operator',
    /DRIVE_FOLDER_ID.*run authorize/,
    'drive',
  ],
  // Drive's limits (the backup finds a way on; these are what an escaped one means)
  [
    'Drive 403 numChildrenInNonRootLimitExceeded',
    () => driveError(403, 'numChildrenInNonRootLimitExceeded'),
    'drive',
    'operator',
    /500,000 items.*move items out/,
  ],
  [
    'Drive 403 teamDriveFileLimitExceeded',
    () => driveError(403, 'teamDriveFileLimitExceeded'),
    'drive',
    'operator',
    /shared drive .*500,000 items.*empty its trash/,
  ],
  [
    'Drive 403 myDriveHierarchyDepthLimitExceeded',
    () => driveError(403, 'myDriveHierarchyDepthLimitExceeded'),
    'drive',
    'operator',
    /100 folder levels/,
  ],
  ['Drive 403 teamDriveHierarchyTooDeep', () => driveError(403, 'teamDriveHierarchyTooDeep'), 'drive', 'operator', /100 folder levels/],
  ['Drive 403 keepForeverLimitExceeded', () => driveError(403, 'keepForeverLimitExceeded'), 'drive', 'operator', /KEEP_REVISIONS_FOREVER/],
  [
    'Drive 403 of another reason saying "kept forever"',
    () => driveError(403, 'forbidden', {}, 'This file already has the maximum of 200 revisions kept forever.'),
    'drive',
    'operator',
    /KEEP_REVISIONS_FOREVER/,
  ],
  ['Drive 403 fileNotDownloadable', () => driveError(403, 'fileNotDownloadable'), 'drive', 'permanent', /Workspace/],
  ['Drive 400 fileIdNotUsable', () => driveError(400, 'fileIdNotUsable'), 'drive', 'backup-file-gone'],
  ['DriveHttpError 400 fileIdNotUsable', () => new DriveHttpError(400, 'fileIdNotUsable', '{}'), 'drive', 'backup-file-gone'],
  [
    'Drive 400 illegalKeepForeverModification',
    () => driveError(400, 'illegalKeepForeverModification'),
    'drive',
    'permanent',
    /keepForever|kept forever/,
  ],
  [
    'the backup root full with no folder possible beside it (RootFolderFullError)',
    () => new RootFolderFullError('1AbCdEfGhIjKlMn', new Error('no parent')),
    'drive',
    'operator',
    /500,000 items.*move items out of the DRIVE_FOLDER_ID folder/,
  ],
  ['Drive 404 on a file of ours', () => driveError(404, 'notFound'), 'drive', 'transient'],
  ['Drive 400 invalid', () => driveError(400, 'invalid'), 'drive', 'permanent', /report a bug/],
  ['Drive 400 badRequest', () => driveError(400, 'badRequest'), 'drive', 'permanent'],
  ['Drive 413', () => driveError(413, 'uploadTooLarge'), 'drive', 'permanent', /too large/],
  ['DriveHttpError 503', () => new DriveHttpError(503, 'backendError', '{}', 2000), 'drive', 'transient'],
  ['DriveHttpError 403 storageQuotaExceeded', () => new DriveHttpError(403, 'storageQuotaExceeded', '{}'), 'drive', 'operator', /full/],
  ['DriveHttpError 400 without a reason', () => new DriveHttpError(400, undefined, '<html>'), 'drive', 'permanent'],
  ['SessionGoneError', () => new SessionGoneError(410), 'drive', 'session-gone'],
  ['ObjectTooLargeError', () => new ObjectTooLargeError(6e12, 5e12), 'drive', 'permanent'],
  // Cloud Storage, the watched bucket
  ['GCS 404', () => gcsError(404, 'notFound'), 'gcs-source', 'object-gone'],
  ['GCS 412 on a generation-pinned read', () => gcsError(412, 'conditionNotMet'), 'gcs-source', 'object-gone'],
  ['GCS 403', () => gcsError(403, 'forbidden'), 'gcs-source', 'operator', /storage\.objects\.get/],
  ['GCS 429', () => gcsError(429, 'rateLimitExceeded'), 'gcs-source', 'rate-limited'],
  ['GCS 503', () => gcsError(503, 'backendError'), 'gcs-source', 'transient'],
  ['GCS 400', () => gcsError(400, 'invalid'), 'gcs-source', 'permanent'],
  ['GCS 503 via gaxios 7', () => gaxios7Error(503, {}), 'gcs-source', 'transient'],
  ['GCS download hash mismatch', () => netError('CONTENT_DOWNLOAD_MISMATCH', 'hash mismatch'), 'gcs-source', 'transient'],
  // Cloud Storage, the state bucket: its 403 and 404 are the operator's, never "the object is gone"
  ['state bucket 403', () => gcsError(403, 'forbidden'), 'state', 'operator', /storage\.objectUser on STATE_BUCKET/],
  ['state bucket 404 (no such bucket)', () => gcsError(404, 'notFound'), 'state', 'operator', /STATE_BUCKET does not exist/],
  ['state bucket 503', () => gcsError(503, 'backendError'), 'state', 'transient', /state bucket/],
  ['state bucket 412 (not handled by the store)', () => gcsError(412, 'conditionNotMet'), 'state', 'permanent', /report a bug/],
  // Secret Manager
  ['Secret Manager NOT_FOUND', () => grpcError(Status.NOT_FOUND), 'secret-manager', 'operator', /run authorize/],
  ['Secret Manager PERMISSION_DENIED', () => grpcError(Status.PERMISSION_DENIED), 'secret-manager', 'operator', /secretAccessor/],
  [
    'Secret Manager FAILED_PRECONDITION',
    () => grpcError(Status.FAILED_PRECONDITION),
    'secret-manager',
    'operator',
    /disabled or destroyed/,
  ],
  ['Secret Manager UNAVAILABLE', () => grpcError(Status.UNAVAILABLE), 'secret-manager', 'transient'],
  [
    'Secret Manager NOT_FOUND inside a Drive call',
    () => grpcError(Status.NOT_FOUND),
    'drive',
    'operator',
    /run authorize/,
    'secret-manager',
  ],
  ['Secret Manager DEADLINE_EXCEEDED', () => grpcError(Status.DEADLINE_EXCEEDED), 'secret-manager', 'transient'],
  ['Secret Manager RESOURCE_EXHAUSTED', () => grpcError(Status.RESOURCE_EXHAUSTED), 'secret-manager', 'transient'],
  ['Secret Manager UNAUTHENTICATED', () => grpcError(Status.UNAUTHENTICATED), 'secret-manager', 'transient'],
  // Cloud Tasks (google-gax codes, marked by its gateway)
  ['Cloud Tasks NOT_FOUND (no queue)', () => grpcError(Status.NOT_FOUND), 'cloud-tasks', 'operator', /TASKS_QUEUE does not exist/],
  ['Cloud Tasks PERMISSION_DENIED', () => grpcError(Status.PERMISSION_DENIED), 'cloud-tasks', 'operator', /cloudtasks\.enqueuer/],
  ['Cloud Tasks INVALID_ARGUMENT', () => grpcError(Status.INVALID_ARGUMENT), 'cloud-tasks', 'operator', /TASKS_TARGET_URL/],
  ['Cloud Tasks FAILED_PRECONDITION', () => grpcError(Status.FAILED_PRECONDITION), 'cloud-tasks', 'operator', /disabled/],
  ['Cloud Tasks RESOURCE_EXHAUSTED', () => grpcError(Status.RESOURCE_EXHAUSTED), 'cloud-tasks', 'rate-limited'],
  ['Cloud Tasks UNAVAILABLE', () => grpcError(Status.UNAVAILABLE), 'cloud-tasks', 'transient', /^Cloud Tasks: gRPC status 14 /],
  [
    'a Cloud Tasks error marked by its gateway, surfacing elsewhere',
    () => {
      const err = grpcError(Status.PERMISSION_DENIED);
      markService(err, 'cloud-tasks');
      return err;
    },
    'drive',
    'operator',
    /actAs on TASKS_SERVICE_ACCOUNT/,
    'cloud-tasks',
  ],
  ['Cloud Tasks HTTP 404 from the transport', () => gaxios7Error(404, {}), 'cloud-tasks', 'operator', /TASKS_QUEUE/],
  // OAuth
  ['OAuth invalid_grant', () => oauthError(400, 'invalid_grant'), 'oauth', 'reauthorize'],
  ['invalid_grant surfacing from a Drive call', () => oauthError(400, 'invalid_grant'), 'drive', 'reauthorize', undefined, 'oauth'],
  ['OAuth invalid_client', () => oauthError(401, 'invalid_client'), 'oauth', 'operator', /secret rotated/],
  ['OAuth unauthorized_client', () => oauthError(400, 'unauthorized_client'), 'oauth', 'operator', /run authorize/],
  ['OAuth 503', () => oauthError(503, 'temporarily_unavailable'), 'oauth', 'transient'],
  // Network
  ['ECONNRESET', () => netError('ECONNRESET'), 'drive', 'transient'],
  ['ECONNREFUSED', () => netError('ECONNREFUSED'), 'gcs-source', 'transient', /^Cloud Storage: network: ECONNREFUSED/],
  ['ETIMEDOUT', () => netError('ETIMEDOUT'), 'drive', 'transient'],
  ['EPIPE', () => netError('EPIPE'), 'drive', 'transient'],
  ['EAI_AGAIN', () => netError('EAI_AGAIN'), 'oauth', 'transient'],
  ['socket hang up', () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'drive', 'transient'],
  [
    'fetch failed (UND_ERR_SOCKET)',
    () => new TypeError('fetch failed', { cause: netError('UND_ERR_SOCKET', 'other side closed') }),
    'drive',
    'transient',
  ],
  [
    'fetch failed (connect timeout)',
    () => new TypeError('fetch failed', { cause: netError('UND_ERR_CONNECT_TIMEOUT') }),
    'drive',
    'transient',
  ],
  ['AbortError', () => new DOMException('This operation was aborted', 'AbortError'), 'drive', 'transient'],
  ['TimeoutError', () => new DOMException('The operation timed out', 'TimeoutError'), 'drive', 'transient'],
  [
    'gaxios network error',
    () => new gaxios.GaxiosError('read ECONNRESET', requestConfig('https://x'), undefined, netError('ECONNRESET')),
    'drive',
    'transient',
  ],
  // Ours
  [
    'ObjectGoneError (a GCS read of a replaced generation)',
    () => new ObjectGoneError('gs://b/o#1'),
    'drive',
    'object-gone',
    undefined,
    'gcs-source',
  ],
  [
    'a ClassifiedError carries its own failure',
    () => Object.assign(new Error('lease held'), { failure: { kind: 'busy', service: 'state', reason: 'lease held' } }),
    'drive',
    'busy',
    undefined,
    'state',
  ],
  [
    'a ClassifiedError wins over its HTTP status',
    () =>
      Object.assign(new Error('saved'), {
        code: 503,
        failure: { kind: 'checkpoint', service: 'drive', reason: 'deadline', offset: 1, total: 2 },
      }),
    'drive',
    'checkpoint',
  ],
  [
    'RetriesExhaustedError keeps its failure',
    () => new RetriesExhaustedError(6, { kind: 'transient', service: 'drive', reason: 'r' }, 'attempts', { cause: 1 }),
    'drive',
    'transient',
  ],
  ['unknown error (retried on purpose)', () => new Error('something odd'), 'drive', 'transient', /unrecognised/],
  ['a thrown string', () => 'boom', 'gcs-source', 'transient'],
  [
    "a Drive error marked by the Drive gateway stays Drive's in another service's step",
    () => {
      const err = driveError(403, 'storageQuotaExceeded');
      return err.then((e) => (markService(e, 'drive'), e));
    },
    'state',
    'operator',
    /storage of the authorized user is full/,
    'drive',
  ],
];

describe('classifyFailure: library-shaped errors', () => {
  for (const [name, make, where, kind, pattern, service] of rows) {
    test(`${name} (${where}) → ${kind}`, async () => {
      const failure = classifyFailure(await make(), where);
      assert.equal(failure.kind, kind, JSON.stringify(failure));
      assert.equal(failure.service, service ?? where, JSON.stringify(failure));
      if (failure.kind === 'operator' || failure.kind === 'permanent' || failure.kind === 'reauthorize') {
        assert.match(failure.problemCode, /^[a-z]+(-[a-z]+)*$/, 'a kebab-case problem code');
      }
      if (pattern) {
        const text = `${failure.reason} ${'action' in failure ? (failure.action ?? '') : ''}`;
        assert.match(text, pattern);
      }
    });
  }
});

describe('classifyFailure: Retry-After', () => {
  const cases: [name: string, make: () => unknown, expected: number | undefined][] = [
    ['seconds on a Drive 429 (Headers object)', () => driveError(429, 'rateLimitExceeded', { 'retry-after': '7' }), 7000],
    ['seconds on a gaxios 7 503 (Headers)', () => gaxios7Error(503, { 'Retry-After': '3' }), 3000],
    ['carried by DriveHttpError', () => new DriveHttpError(503, undefined, '', 1500), 1500],
    ['absent', () => driveError(503, 'backendError'), undefined],
  ];
  for (const [name, make, expected] of cases) {
    test(name, async () => {
      const failure = classifyFailure(await make(), 'drive');
      assert.ok(failure.kind === 'transient' || failure.kind === 'rate-limited', failure.kind);
      assert.equal('retryAfterMs' in failure ? failure.retryAfterMs : undefined, expected);
    });
  }

  test('an HTTP-date becomes the wait until that date', async () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    const failure = classifyFailure(await driveError(503, 'backendError', { 'retry-after': at }), 'drive');
    assert.ok(failure.kind === 'transient' && failure.retryAfterMs !== undefined);
    assert.ok(failure.retryAfterMs > 55_000 && failure.retryAfterMs <= 60_000, String(failure.retryAfterMs));
  });
});

describe("driveLimitOf: which of Drive's limits an error reports", () => {
  const rows: [name: string, make: () => unknown, expected: ReturnType<typeof driveLimitOf>][] = [
    ['full folder', () => driveError(403, 'numChildrenInNonRootLimitExceeded'), 'folder-full'],
    ['full shared drive', () => driveError(403, 'teamDriveFileLimitExceeded'), 'shared-drive-full'],
    ['too deep (My Drive)', () => driveError(403, 'myDriveHierarchyDepthLimitExceeded'), 'too-deep'],
    ['too deep (shared drive)', () => driveError(403, 'teamDriveHierarchyTooDeep'), 'too-deep'],
    ['kept forever (the guessed reason)', () => driveError(403, 'keepForeverLimitExceeded'), 'keep-forever-cap'],
    ['kept forever (by its message)', () => driveError(403, 'forbidden', {}, 'Too many revisions kept forever.'), 'keep-forever-cap'],
    ['refused id (client error)', () => driveError(400, 'fileIdNotUsable'), 'id-refused'],
    ['refused id (upload protocol error)', () => new DriveHttpError(400, 'fileIdNotUsable', '{}'), 'id-refused'],
    ['full folder reason on another status', () => driveError(500, 'numChildrenInNonRootLimitExceeded'), undefined],
    ['a rate limit', () => driveError(403, 'rateLimitExceeded'), undefined],
    ['permission', () => driveError(403, 'insufficientPermissions'), undefined],
    ['invalid_grant', () => oauthError(400, 'invalid_grant'), undefined],
    ['a network error', () => netError('ECONNRESET'), undefined],
  ];
  for (const [name, make, expected] of rows) test(`${name} → ${expected}`, async () => assert.equal(driveLimitOf(await make()), expected));
});

describe('Cloud Storage 429 on a state record', () => {
  test('waits at least the second its name allows between writes, whatever Retry-After says', async () => {
    const cases: [make: () => unknown, expected: number][] = [
      [() => gcsError(429, 'rateLimitExceeded'), STATE_RECORD_WRITE_INTERVAL_MS],
      [() => gaxios7Error(429, { 'Retry-After': '3' }), 3000],
      [() => gaxios7Error(429, { 'Retry-After': '0' }), STATE_RECORD_WRITE_INTERVAL_MS],
    ];
    for (const [make, expected] of cases) {
      const failure = classifyFailure(await make(), 'state');
      assert.equal(failure.kind, 'rate-limited');
      assert.equal('retryAfterMs' in failure ? failure.retryAfterMs : undefined, expected);
    }
    assert.equal(STATE_RECORD_WRITE_INTERVAL_MS, 1000);
  });

  test("the watched bucket's 429 keeps only what the server said", () => {
    const failure = classifyFailure(gcsError(429, 'rateLimitExceeded'), 'gcs-source');
    assert.deepEqual(failure, { kind: 'rate-limited', service: 'gcs-source', reason: 'Cloud Storage replied 429 rateLimitExceeded' });
  });
});

test('an unknown error carrying a token in its message is reported without it', () => {
  const failure = classifyFailure(new Error('PUT https://x/?upload_id=SESSIONSECRET failed with Bearer ya29.TOKEN'), 'drive');
  assert.doesNotMatch(failure.reason, /SESSIONSECRET|ya29\.TOKEN/);
});

describe('errors thrown for real by the client libraries', () => {
  let server: Server;
  let base = '';
  let reply: { status: number; body: unknown; headers?: Record<string, string> } = { status: 500, body: {} };
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const caught = async (run: () => Promise<unknown>): Promise<unknown> => {
    try {
      await run();
    } catch (err) {
      return err;
    }
    assert.fail('expected the call to throw');
  };

  test('@googleapis/drive: 403 storageQuotaExceeded → operator', async () => {
    reply = {
      status: 403,
      body: { error: { code: 403, message: 'full', errors: [{ reason: 'storageQuotaExceeded', domain: 'usageLimits', message: 'full' }] } },
    };
    const client = drive({ version: 'v3', rootUrl: `${base}/`, retry: false });
    const err = await caught(() => client.files.get({ fileId: 'x' }));
    const failure = classifyFailure(err, 'drive');
    assert.equal(failure.kind, 'operator');
    assert.match(failure.kind === 'operator' ? failure.action : '', /storage of the authorized user is full/);
  });

  test('@googleapis/drive: 429 with Retry-After → transient with the wait', async () => {
    reply = {
      status: 429,
      headers: { 'retry-after': '4' },
      body: { error: { code: 429, message: 'slow', errors: [{ reason: 'rateLimitExceeded' }] } },
    };
    const client = drive({ version: 'v3', rootUrl: `${base}/`, retry: false });
    const failure = classifyFailure(await caught(() => client.files.get({ fileId: 'x' })), 'drive');
    assert.deepEqual(failure, {
      kind: 'rate-limited',
      service: 'drive',
      reason: 'Drive replied 429 rateLimitExceeded',
      retryAfterMs: 4000,
    });
  });

  test('google-auth-library: a refused refresh token → reauthorize', async () => {
    reply = { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } };
    const client = new OAuth2Client({ clientId: 'id', clientSecret: 'secret', endpoints: { oauth2TokenUrl: `${base}/token` } });
    client.setCredentials({ refresh_token: '1//refresh-secret' });
    const err = await caught(() => client.getAccessToken());
    const failure = classifyFailure(err, 'oauth');
    assert.equal(failure.kind, 'reauthorize');
    assert.doesNotMatch(failure.reason, /refresh-secret/);
  });

  test('@google-cloud/storage: 404 on a read → object-gone', async () => {
    reply = {
      status: 404,
      body: { error: { code: 404, message: 'No such object', errors: [{ reason: 'notFound', message: 'No such object' }] } },
    };
    const storage = new Storage({ apiEndpoint: base, projectId: 'p', retryOptions: { autoRetry: false } });
    const err = await caught(() => storage.bucket('b').file('o').getMetadata());
    assert.equal(classifyFailure(err, 'gcs-source').kind, 'object-gone');
    assert.equal(isNotFound(err), true);
  });

  test('fetch to a closed port → transient (ECONNREFUSED in the cause)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const failure = classifyFailure(await caught(() => fetch(`http://127.0.0.1:${port}/`)), 'drive');
    assert.deepEqual(failure, { kind: 'transient', service: 'drive', reason: 'Drive: network: ECONNREFUSED' });
  });
});
