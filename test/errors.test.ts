/**
 * Tests for the failure classification: a table of error objects built the way each library builds them
 * (gaxios 6 and 7, storage's ApiError, google-gax's GoogleError, undici/Node network errors, our own
 * classes) → expected kind; then errors thrown for real by the Drive, OAuth and Storage clients and by
 * `fetch` against a throwaway local server; then the helpers (Retry-After, redaction, predicates).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GaxiosError as GaxiosError7 } from 'gaxios';
import { GaxiosError as DriveGaxiosError } from 'googleapis-common';
import { gaxios, OAuth2Client } from 'google-auth-library';
import { ApiError, Storage } from '@google-cloud/storage';
import { GoogleError, Status } from 'google-gax';
import { drive } from '@googleapis/drive';
import {
  classifyFailure,
  DriveHttpError,
  isConflict,
  isNotFound,
  isPreconditionFailed,
  ObjectGoneError,
  ObjectTooLargeError,
  parseRetryAfter,
  redact,
  RetriesExhaustedError,
  SessionGoneError,
  type Failure,
  type FailureSource,
} from '../src/errors.js';

/** A gaxios 7 request config, as gaxios prepares it. */
const requestConfig = (url: string) => ({ url: new URL(url), headers: new Headers() });

/** A fetch `Response` made into a gaxios 7 response, as `Gaxios#_defaultAdapter` does (body read, `data` set). */
async function gaxios7Response(status: number, body: unknown, headers: Record<string, string> = {}) {
  const res = new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  const data: unknown = await res.json();
  return Object.assign(res, { config: requestConfig(res.url || 'https://www.googleapis.com/'), data }) as never;
}

/** What googleapis (gaxios 7) throws for a Drive JSON error reply. */
async function driveError(status: number, reason: string, headers: Record<string, string> = {}, message = `${reason} happened`) {
  const body = { error: { code: status, message, errors: [{ domain: 'usageLimits', reason, message }] } };
  const response = await gaxios7Response(status, body, headers);
  // gaxios' own (internal) extractor, as `Gaxios#_request` calls it: its result becomes the error's cause.
  const extract = (DriveGaxiosError as unknown as { extractAPIErrorFromResponse(r: Response): { message: string } | undefined })
    .extractAPIErrorFromResponse;
  const info = extract(response);
  return new DriveGaxiosError(info?.message ?? 'failed', requestConfig('https://www.googleapis.com/drive/v3/files'), response, info);
}

/** What google-auth-library (gaxios 7) throws when the token endpoint refuses a refresh. */
async function oauthError(status: number, code: string) {
  const response = await gaxios7Response(status, { error: code, error_description: 'Bad Request' });
  return new gaxios.GaxiosError(code, requestConfig('https://oauth2.googleapis.com/token'), response);
}

/** What storage's JSON API calls throw. */
const gcsError = (code: number, reason: string): ApiError => {
  const errors = [{ reason, message: `${reason} happened` }];
  // The response as teeny-request hands it over: ApiError re-reads `errors` from its JSON body.
  const response = { statusCode: code, body: JSON.stringify({ error: { code, message: `${reason} happened`, errors } }), headers: {} };
  return new ApiError({ code, message: `${reason} happened`, errors, response: response as never });
};

/** gaxios 7 (storage 8's resumable and XML paths): a fetch `Headers` object. */
const gaxios7Error = (status: number, headers: Record<string, string>) =>
  new GaxiosError7(
    'failed',
    { url: new URL('https://storage.googleapis.com/x'), headers: new Headers() } as never,
    {
      status,
      statusText: '',
      headers: new Headers(headers),
      data: '',
      config: {},
      request: { responseURL: 'https://storage.googleapis.com/x' },
    } as never,
  );

const grpcError = (code: Status): GoogleError => Object.assign(new GoogleError(`${code} status`), { code });

const netError = (code: string, message = `read ${code}`): Error => Object.assign(new Error(message), { code, syscall: 'read' });

type Row = [name: string, error: () => unknown | Promise<unknown>, where: FailureSource, kind: Failure['kind'], reasonOrAction?: RegExp];

const rows: Row[] = [
  // Drive
  ['Drive 429', () => driveError(429, 'rateLimitExceeded'), 'drive', 'transient'],
  ['Drive 500', () => driveError(500, 'backendError'), 'drive', 'transient'],
  ['Drive 502', () => driveError(502, 'badGateway'), 'drive', 'transient'],
  ['Drive 503', () => driveError(503, 'backendError'), 'drive', 'transient'],
  ['Drive 504', () => driveError(504, 'gatewayTimeout'), 'drive', 'transient'],
  ['Drive 408', () => driveError(408, 'requestTimeout'), 'drive', 'transient'],
  ['Drive 401 (token expired)', () => driveError(401, 'authError'), 'drive', 'transient'],
  ['Drive 403 userRateLimitExceeded', () => driveError(403, 'userRateLimitExceeded'), 'drive', 'transient'],
  ['Drive 403 rateLimitExceeded', () => driveError(403, 'rateLimitExceeded'), 'drive', 'transient'],
  [
    'Drive 403 userRateLimitExceeded, per-request rate',
    () =>
      driveError(403, 'userRateLimitExceeded', {}, 'User Rate Limit Exceeded. Rate of requests for user exceed configured project quota.'),
    'drive',
    'transient',
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
  ['Drive 403 sharingRateLimitExceeded', () => driveError(403, 'sharingRateLimitExceeded'), 'drive', 'transient'],
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
  ['Drive 404 on the root folder', () => driveError(404, 'notFound'), 'drive-root', 'operator', /DRIVE_FOLDER_ID.*run authorize/],
  ['Drive 404 on a file of ours', () => driveError(404, 'notFound'), 'drive', 'transient'],
  ['Drive 400 invalid', () => driveError(400, 'invalid'), 'drive', 'permanent'],
  ['Drive 400 badRequest', () => driveError(400, 'badRequest'), 'drive', 'permanent'],
  ['Drive 413', () => driveError(413, 'uploadTooLarge'), 'drive', 'permanent', /too large/],
  ['DriveHttpError 503', () => new DriveHttpError(503, 'backendError', '{}', 2000), 'drive', 'transient'],
  ['DriveHttpError 403 storageQuotaExceeded', () => new DriveHttpError(403, 'storageQuotaExceeded', '{}'), 'drive', 'operator', /full/],
  ['DriveHttpError 400 without a reason', () => new DriveHttpError(400, undefined, '<html>'), 'drive', 'permanent'],
  ['SessionGoneError', () => new SessionGoneError(410), 'drive', 'session-gone'],
  ['ObjectTooLargeError', () => new ObjectTooLargeError(6e12, 5e12), 'drive', 'permanent'],
  // Cloud Storage
  ['GCS 404', () => gcsError(404, 'notFound'), 'gcs', 'object-gone'],
  ['GCS 412 on a generation-pinned read', () => gcsError(412, 'conditionNotMet'), 'gcs', 'object-gone'],
  ['GCS 403', () => gcsError(403, 'forbidden'), 'gcs', 'operator', /storage\.objects\.get/],
  ['GCS 429', () => gcsError(429, 'rateLimitExceeded'), 'gcs', 'transient'],
  ['GCS 503', () => gcsError(503, 'backendError'), 'gcs', 'transient'],
  ['GCS 400', () => gcsError(400, 'invalid'), 'gcs', 'permanent'],
  ['GCS 503 via gaxios 7', () => gaxios7Error(503, {}), 'gcs', 'transient'],
  ['GCS download hash mismatch', () => netError('CONTENT_DOWNLOAD_MISMATCH', 'hash mismatch'), 'gcs', 'transient'],
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
  ['Secret Manager DEADLINE_EXCEEDED', () => grpcError(Status.DEADLINE_EXCEEDED), 'secret-manager', 'transient'],
  ['Secret Manager RESOURCE_EXHAUSTED', () => grpcError(Status.RESOURCE_EXHAUSTED), 'secret-manager', 'transient'],
  ['Secret Manager UNAUTHENTICATED', () => grpcError(Status.UNAUTHENTICATED), 'secret-manager', 'transient'],
  // OAuth
  ['OAuth invalid_grant', () => oauthError(400, 'invalid_grant'), 'oauth', 'reauthorize'],
  ['invalid_grant surfacing from a Drive call', () => oauthError(400, 'invalid_grant'), 'drive', 'reauthorize'],
  ['OAuth invalid_client', () => oauthError(401, 'invalid_client'), 'oauth', 'operator', /secret rotated/],
  ['OAuth unauthorized_client', () => oauthError(400, 'unauthorized_client'), 'oauth', 'operator', /run authorize/],
  ['OAuth 503', () => oauthError(503, 'temporarily_unavailable'), 'oauth', 'transient'],
  // Network
  ['ECONNRESET', () => netError('ECONNRESET'), 'drive', 'transient'],
  ['ECONNREFUSED', () => netError('ECONNREFUSED'), 'gcs', 'transient'],
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
  ['ObjectGoneError (a GCS read of a replaced generation)', () => new ObjectGoneError('gs://b/o#1'), 'gcs', 'object-gone'],
  [
    'a ClassifiedError carries its own failure',
    () => Object.assign(new Error('lease held'), { failure: { kind: 'busy', reason: 'lease held' } as Failure }),
    'gcs',
    'busy',
  ],
  [
    'a ClassifiedError wins over its HTTP status',
    () => Object.assign(new Error('saved'), { code: 503, failure: { kind: 'checkpoint', reason: 'deadline' } as Failure }),
    'drive',
    'checkpoint',
  ],
  [
    'RetriesExhaustedError keeps its failure',
    () => new RetriesExhaustedError(6, { kind: 'transient', reason: 'r' }, 'attempts', { cause: 1 }),
    'drive',
    'transient',
  ],
  ['unknown error (retried on purpose)', () => new Error('something odd'), 'drive', 'transient', /unrecognised/],
  ['a thrown string', () => 'boom', 'gcs', 'transient'],
];

describe('classifyFailure: library-shaped errors', () => {
  for (const [name, make, where, kind, pattern] of rows) {
    test(`${name} (${where}) → ${kind}`, async () => {
      const failure = classifyFailure(await make(), where);
      assert.equal(failure.kind, kind, JSON.stringify(failure));
      if (pattern) {
        const text = `${failure.reason} ${'action' in failure ? (failure.action ?? '') : ''}`;
        assert.match(text, pattern);
      }
    });
  }
});

describe('classifyFailure: Retry-After', () => {
  const cases: [name: string, make: () => Promise<unknown> | unknown, expected: number | undefined][] = [
    ['seconds on a Drive 429 (Headers object)', () => driveError(429, 'rateLimitExceeded', { 'retry-after': '7' }), 7000],
    ['seconds on a gaxios 7 503 (Headers)', () => gaxios7Error(503, { 'Retry-After': '3' }), 3000],
    ['carried by DriveHttpError', () => new DriveHttpError(503, undefined, '', 1500), 1500],
    ['absent', () => driveError(503, 'backendError'), undefined],
  ];
  for (const [name, make, expected] of cases) {
    test(name, async () => {
      const failure = classifyFailure(await make(), 'drive');
      assert.equal(failure.kind, 'transient');
      assert.equal(failure.kind === 'transient' ? failure.retryAfterMs : -1, expected);
    });
  }

  test('an HTTP-date becomes the wait until that date', async () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    const failure = classifyFailure(await driveError(503, 'backendError', { 'retry-after': at }), 'drive');
    assert.ok(failure.kind === 'transient' && failure.retryAfterMs !== undefined);
    assert.ok(failure.retryAfterMs > 55_000 && failure.retryAfterMs <= 60_000, String(failure.retryAfterMs));
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-05-01T10:00:00Z');
  const cases: [string | null | undefined, number | undefined][] = [
    ['0', 0],
    ['120', 120_000],
    [' 2 ', 2000],
    ['1.5', 1500],
    ['Wed, 01 May 2024 10:00:30 GMT', 30_000],
    ['Wed, 01 May 2024 09:00:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ];
  for (const [value, expected] of cases) {
    test(`${JSON.stringify(value)} → ${expected}`, () => assert.equal(parseRetryAfter(value, now), expected));
  }
});

describe('redact', () => {
  const cases: [string, RegExp][] = [
    ['Authorization: Bearer ya29.a0AfB_byC-secret', /ya29|secret/],
    ['token ya29.A0ARrdaM-abc.def in text', /ya29/],
    ['refresh 1//0gLk-secret-token', /1\/\/0g|secret/],
    ['https://www.googleapis.com/upload/drive/v3/files?uploadType=resumable&upload_id=ADPycdu-secret', /ADPycdu/],
    ['grant_type=refresh_token&refresh_token=abc123&client_secret=shh', /abc123|shh/],
  ];
  for (const [input, secret] of cases) {
    test(`removes the secret from ${JSON.stringify(input.slice(0, 30))}…`, () => {
      const output = redact(input);
      assert.doesNotMatch(output, secret);
      assert.match(output, /\[redacted\]/);
    });
  }

  test('an unknown error carrying a token in its message is reported without it', () => {
    const failure = classifyFailure(new Error('PUT https://x/?upload_id=SESSIONSECRET failed with Bearer ya29.TOKEN'), 'drive');
    assert.doesNotMatch(failure.reason, /SESSIONSECRET|ya29\.TOKEN/);
  });
});

describe('status predicates', () => {
  type P = [name: string, make: () => unknown | Promise<unknown>, notFound: boolean, conflict: boolean, precondition: boolean];
  const cases: P[] = [
    ['GCS 404', () => gcsError(404, 'notFound'), true, false, false],
    ['GCS 412', () => gcsError(412, 'conditionNotMet'), false, false, true],
    ['Drive 409', () => driveError(409, 'conflict'), false, true, false],
    ['Drive 404', () => driveError(404, 'notFound'), true, false, false],
    ['gRPC NOT_FOUND', () => grpcError(Status.NOT_FOUND), true, false, false],
    ['gRPC ALREADY_EXISTS', () => grpcError(Status.ALREADY_EXISTS), false, true, false],
    ['network error', () => netError('ECONNRESET'), false, false, false],
    ['gaxios 7 412', () => gaxios7Error(412, {}), false, false, true],
  ];
  for (const [name, make, notFound, conflict, precondition] of cases) {
    test(name, async () => {
      const err = await make();
      assert.deepEqual([isNotFound(err), isConflict(err), isPreconditionFailed(err)], [notFound, conflict, precondition]);
    });
  }
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
    assert.deepEqual(failure, { kind: 'transient', reason: 'Drive replied 429 rateLimitExceeded', retryAfterMs: 4000 });
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
    assert.equal(classifyFailure(err, 'gcs').kind, 'object-gone');
    assert.equal(isNotFound(err), true);
  });

  test('fetch to a closed port → transient (ECONNREFUSED in the cause)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const failure = classifyFailure(await caught(() => fetch(`http://127.0.0.1:${port}/`)), 'drive');
    assert.deepEqual(failure, { kind: 'transient', reason: 'network: ECONNREFUSED' });
  });
});
