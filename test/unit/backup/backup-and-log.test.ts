/**
 * The one line a failed object attempt writes, for every kind of failure: the event and severity the
 * failure table names, and the log contract's fields (failed outcome lines carry `failureClass` and
 * `service`; operator, reauthorize and permanent lines carry `problem`, `action`, `problemCode`,
 * `outcome: "failed"`, `failureClass` and `service`). Keyed by kind: a new kind fails to compile here.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { logFailedAttempt } from '../../../src/backup/backup-and-log.js';
import type { Failure, FailureKind } from '../../../src/core/failure.js';
import { FAILURE_TABLE } from '../../../src/core/failure-table.js';
import { createLogger } from '../../../src/core/logs.js';

const FAILURES: { [K in FailureKind]: Extract<Failure, { kind: K }> } = {
  transient: { kind: 'transient', service: 'state', reason: 'Cloud Storage (state bucket) replied 503' },
  'rate-limited': { kind: 'rate-limited', service: 'drive', reason: 'Drive replied 429' },
  busy: { kind: 'busy', service: 'state', reason: 'another instance is uploading this object' },
  'session-gone': { kind: 'session-gone', service: 'drive', reason: 'the session is gone' },
  'backup-file-gone': { kind: 'backup-file-gone', service: 'drive', reason: 'the backup file was deleted' },
  checkpoint: { kind: 'checkpoint', service: 'drive', reason: 'checkpointed', offset: 8, total: 20 },
  operator: { kind: 'operator', service: 'drive', reason: 'Drive replied 403', problemCode: 'drive-storage-full', action: 'free space' },
  reauthorize: { kind: 'reauthorize', service: 'oauth', reason: 'invalid_grant', problemCode: 'reauthorize' },
  permanent: { kind: 'permanent', service: 'drive', reason: 'too large', problemCode: 'object-too-large', action: 'none' },
  'object-gone': { kind: 'object-gone', service: 'gcs-source', reason: 'no longer exists' },
};

const OBJECT = { bucket: 'src', name: 'a/b.txt', generation: '17' };

describe('logFailedAttempt', () => {
  for (const failure of Object.values(FAILURES) as Failure[]) {
    test(failure.kind, () => {
      const lines: Record<string, unknown>[] = [];
      const logger = createLogger({ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
      logFailedAttempt(logger, {
        object: OBJECT,
        failure,
        error: new Error(failure.reason),
        durationMs: 5,
        attempts: 2,
        secret: 'projects/p/secrets/s/versions/latest',
      });
      assert.equal(lines.length, 1, 'exactly one line');
      const [line] = lines as [Record<string, unknown>];
      const { log, outcome } = FAILURE_TABLE[failure.kind];
      assert.deepEqual([line.event, line.severity], [log.event, log.severity]);
      assert.deepEqual([line.bucket, line.name, line.generation], [OBJECT.bucket, OBJECT.name, OBJECT.generation]);
      if (log.event === 'objectOutcome') {
        assert.equal(line.outcome, outcome);
        if (outcome === 'failed') assert.deepEqual([line.failureClass, line.service, line.attempts], [failure.kind, failure.service, 2]);
        else assert.equal(line.reason, 'generation-gone');
      }
      if (['operatorActionRequired', 'reauthorizeRequired', 'permanentFailure'].includes(log.event)) {
        assert.deepEqual([line.outcome, line.failureClass, line.service], ['failed', failure.kind, failure.service]);
        assert.match(String(line.problemCode), /^[a-z]+(-[a-z]+)*$/);
        assert.equal(typeof line.problem, 'string');
        assert.equal(typeof line.action, 'string');
      }
      if (log.event === 'uploadCheckpoint') assert.deepEqual([line.offset, line.total], [8, 20]);
    });
  }
});
