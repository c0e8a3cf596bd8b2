/**
 * Table-driven tests of `POST /backup`'s answer for each kind of failure (read off the failure table), to
 * a caller and to a Cloud Tasks dispatch.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { badRequest, failureReply, taskFailureReply } from '../../../src/core/failure-status.js';
import type { Failure } from '../../../src/core/failure.js';

describe('failureReply', () => {
  const rows: [failure: Failure, status: number, error: RegExp, action?: RegExp][] = [
    [{ kind: 'object-gone', service: 'gcs-source', reason: 'deleted' }, 404, /^gs:\/\/b\/n not found: deleted$/],
    [
      { kind: 'permanent', service: 'drive', reason: 'too large', problemCode: 'object-too-large', action: 'nothing to do' },
      422,
      /cannot be backed up: too large/,
      /nothing to do/,
    ],
    [
      { kind: 'operator', service: 'drive', reason: 'quota', action: 'free space', problemCode: 'drive-storage-full' },
      503,
      /quota/,
      /free space/,
    ],
    [
      { kind: 'reauthorize', service: 'oauth', reason: 'invalid_grant', problemCode: 'reauthorize' },
      503,
      /revoked or expired/,
      /authorize/,
    ],
    [{ kind: 'transient', service: 'drive', reason: 'Drive replied 500' }, 503, /Drive replied 500/],
    [{ kind: 'rate-limited', service: 'drive', reason: 'Drive replied 429' }, 503, /Drive replied 429/],
    [{ kind: 'busy', service: 'state', reason: 'another instance' }, 503, /another instance/],
    [{ kind: 'session-gone', service: 'drive', reason: 'session expired' }, 503, /session expired/],
    [{ kind: 'backup-file-gone', service: 'drive', reason: 'file deleted' }, 503, /file deleted/],
    [{ kind: 'checkpoint', service: 'drive', reason: 'stopped at 5 of 9', offset: 5, total: 9 }, 503, /stopped at 5 of 9/, /call again/],
  ];
  for (const [failure, status, error, action] of rows) {
    test(`${failure.kind} → ${status}`, () => {
      const reply = failureReply(failure, 'gs://b/n');
      assert.equal(reply.status, status);
      assert.match(String(reply.body.error), error);
      if (action) assert.match(String(reply.body.action), action);
      else assert.equal(reply.body.action, undefined);
      assert.equal(reply.headers?.['retry-after'] !== undefined, status === 503);
      assert.equal(reply.body.retry, status === 503 ? true : undefined);
    });
  }
});

describe('taskFailureReply: the answer to a Cloud Tasks dispatch', () => {
  const rows: [failure: Failure, status: number, retryAfter?: string][] = [
    [{ kind: 'object-gone', service: 'gcs-source', reason: 'deleted' }, 200],
    [{ kind: 'permanent', service: 'drive', reason: 'too large', problemCode: 'object-too-large', action: 'none' }, 200],
    [{ kind: 'rate-limited', service: 'drive', reason: 'Drive replied 403 userRateLimitExceeded' }, 429],
    [{ kind: 'rate-limited', service: 'drive', reason: 'Drive replied 429', retryAfterMs: 1500 }, 429, '2'],
    [{ kind: 'transient', service: 'drive', reason: 'Drive replied 503', retryAfterMs: 100 }, 503, '1'],
    [{ kind: 'operator', service: 'drive', reason: 'full', action: 'free space', problemCode: 'drive-storage-full' }, 503],
    [{ kind: 'busy', service: 'state', reason: 'another instance' }, 500],
    [{ kind: 'checkpoint', service: 'drive', reason: 'stopped at 5 of 9', offset: 5, total: 9 }, 500],
  ];
  for (const [failure, status, retryAfter] of rows) {
    test(`${failure.kind}${retryAfter ? ' with Retry-After' : ''} → ${status}`, () => {
      const reply = taskFailureReply(failure, 'gs://b/n#1');
      assert.equal(reply.status, status);
      assert.match(String(reply.body.error), new RegExp(failure.reason));
      assert.equal(reply.body.acknowledged, status === 200 ? true : undefined);
      assert.equal(reply.body.retry, status === 200 ? undefined : true);
      assert.equal(reply.headers?.['retry-after'], retryAfter);
    });
  }
});

test('badRequest names every problem', () => {
  const reply = badRequest(['a is wrong', 'b is missing']);
  assert.equal(reply.status, 400);
  assert.deepEqual(reply.body.problems, ['a is wrong', 'b is missing']);
  assert.equal(reply.body.error, 'invalid request: a is wrong; b is missing');
});
