/** Table-driven tests of the HTTP status for each backup verdict and classified failure. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { badRequest, failureReply, verdictOfFailure } from '../../src/http/failure-status.js';
import type { Failure } from '../../src/errors.js';
import type { Verdict } from '../../src/verdict.js';

describe('failureReply', () => {
  const rows: [verdict: Verdict, status: number, error: RegExp, action?: RegExp][] = [
    [{ retry: false, log: 'gone', reason: 'deleted' }, 404, /^gs:\/\/b\/n not found: deleted$/],
    [
      { retry: false, log: 'permanent', reason: 'too large', action: 'nothing to do' },
      422,
      /cannot be backed up: too large/,
      /nothing to do/,
    ],
    [{ retry: true, log: 'operator', reason: 'quota', action: 'free space' }, 503, /quota/, /free space/],
    [{ retry: true, log: 'reauthorize', reason: 'invalid_grant' }, 503, /revoked or expired/, /authorize/],
    [{ retry: true, log: 'transient', reason: 'Drive replied 500' }, 503, /Drive replied 500/],
    [{ retry: true, log: 'busy', reason: 'another instance' }, 503, /another instance/],
    [{ retry: true, log: 'checkpoint', reason: 'stopped at 5 of 9' }, 503, /stopped at 5 of 9/, /call again/],
  ];
  for (const [verdict, status, error, action] of rows) {
    test(`${verdict.log} → ${status}`, () => {
      const reply = failureReply(verdict, 'gs://b/n');
      assert.equal(reply.status, status);
      assert.match(String(reply.body.error), error);
      if (action) assert.match(String(reply.body.action), action);
      assert.equal(reply.headers?.['retry-after'] !== undefined, status === 503);
    });
  }
});

describe('verdictOfFailure', () => {
  const rows: [failure: Failure, log: Verdict['log'], retry: boolean][] = [
    [{ kind: 'object-gone', reason: 'r' }, 'gone', false],
    [{ kind: 'permanent', reason: 'r' }, 'permanent', false],
    [{ kind: 'operator', reason: 'r', action: 'a' }, 'operator', true],
    [{ kind: 'reauthorize', reason: 'r' }, 'reauthorize', true],
    [{ kind: 'transient', reason: 'r' }, 'transient', true],
    [{ kind: 'session-gone', reason: 'r' }, 'transient', true],
  ];
  for (const [failure, log, retry] of rows) {
    test(`${failure.kind} → ${log}`, () =>
      assert.deepEqual([verdictOfFailure(failure).log, verdictOfFailure(failure).retry], [log, retry]));
  }
});

test('badRequest names every problem', () => {
  const reply = badRequest(['a is wrong', 'b is missing']);
  assert.equal(reply.status, 400);
  assert.deepEqual(reply.body.problems, ['a is wrong', 'b is missing']);
  assert.equal(reply.body.error, 'invalid request: a is wrong; b is missing');
});
