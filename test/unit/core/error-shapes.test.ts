/**
 * Tables for reading errors by their shape: Retry-After values, the redaction of anything credential-like
 * from text bound for a log line, the status predicates over every library's error shape, and the
 * fields the classification reads (status, gRPC code, API reason, OAuth error, network code).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Status } from 'google-gax';
import {
  apiReasonOf,
  grpcCodeOf,
  httpStatusOf,
  isConflict,
  isNotFound,
  isPreconditionFailed,
  networkCodeOf,
  oauthErrorOf,
  parseRetryAfter,
  redact,
} from '../../../src/core/error-shapes.js';
import { driveError, gaxios7Error, gcsError, grpcError, netError, oauthError } from './library-errors.js';

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
});

describe('status predicates', () => {
  type P = [name: string, make: () => unknown, notFound: boolean, conflict: boolean, precondition: boolean];
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

describe('the fields classification reads', () => {
  type Row = [name: string, make: () => unknown, status?: number, grpc?: number, reason?: string, oauth?: string, network?: string];
  const rows: Row[] = [
    ['Drive JSON error', () => driveError(403, 'storageQuotaExceeded'), 403, undefined, 'storageQuotaExceeded'],
    ['storage ApiError', () => gcsError(404, 'notFound'), 404, undefined, 'notFound'],
    ['gaxios 7 without a body', () => gaxios7Error(503, {}), 503],
    ['gRPC status', () => grpcError(Status.PERMISSION_DENIED), undefined, 7],
    ['OAuth token endpoint', () => oauthError(400, 'invalid_grant'), 400, undefined, undefined, 'invalid_grant'],
    ['socket reset', () => netError('ECONNRESET'), undefined, undefined, undefined, undefined, 'ECONNRESET'],
    [
      'fetch failed',
      () => new TypeError('fetch failed', { cause: netError('UND_ERR_SOCKET') }),
      undefined,
      undefined,
      undefined,
      undefined,
      'UND_ERR_SOCKET',
    ],
    [
      'an abort is not a gRPC code',
      () => new DOMException('aborted', 'AbortError'),
      undefined,
      undefined,
      undefined,
      undefined,
      'AbortError',
    ],
  ];
  for (const [name, make, status, grpc, reason, oauth, network] of rows) {
    test(name, async () => {
      const err = await make();
      assert.deepEqual(
        [httpStatusOf(err), grpcCodeOf(err), apiReasonOf(err), oauthErrorOf(err), networkCodeOf(err)],
        [status, grpc, reason, oauth, network],
      );
    });
  }
});
