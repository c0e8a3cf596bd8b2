/**
 * The one line a failed object attempt writes, for every kind of failure: the event and severity the
 * failure table names, and the log contract's fields (failed outcome lines carry `failureClass` and
 * `service`; operator, reauthorize and permanent lines carry `problem`, `action`, `problemCode`,
 * `outcome: "failed"`, `failureClass` and `service`). The expected lines are written out here, not read
 * off the failure table, so a wrong row or a writer that drops a field fails. Keyed by kind: a new kind
 * fails to compile here until its line is written.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { logFailedAttempt } from '../../../src/backup/backup-and-log.js';
import type { Failure, FailureKind } from '../../../src/core/failure.js';
import { createLogger } from '../../../src/core/logs.js';

const OPERATOR = { problem: 'Drive replied 403', action: 'free space', problemCode: 'drive-storage-full' } as const;
const PERMANENT = { problem: 'too large', action: 'none', problemCode: 'object-too-large' } as const;

/** Each kind's failure, and the fields of the one line it writes beyond bucket, name and generation. */
const ROWS: { [K in FailureKind]: [Extract<Failure, { kind: K }>, Record<string, unknown>] } = {
  transient: [
    { kind: 'transient', service: 'state', reason: 'Cloud Storage (state bucket) replied 503' },
    { event: 'objectOutcome', severity: 'ERROR', outcome: 'failed', failureClass: 'transient', service: 'state', attempts: 2 },
  ],
  'rate-limited': [
    { kind: 'rate-limited', service: 'drive', reason: 'Drive replied 429' },
    { event: 'objectOutcome', severity: 'ERROR', outcome: 'failed', failureClass: 'rate-limited', service: 'drive', attempts: 2 },
  ],
  busy: [
    { kind: 'busy', service: 'state', reason: 'another instance is uploading this object' },
    { event: 'objectOutcome', severity: 'ERROR', outcome: 'failed', failureClass: 'busy', service: 'state', attempts: 2 },
  ],
  'session-gone': [
    { kind: 'session-gone', service: 'drive', reason: 'the session is gone' },
    { event: 'objectOutcome', severity: 'ERROR', outcome: 'failed', failureClass: 'session-gone', service: 'drive', attempts: 2 },
  ],
  'backup-file-gone': [
    { kind: 'backup-file-gone', service: 'drive', reason: 'the backup file was deleted' },
    { event: 'objectOutcome', severity: 'ERROR', outcome: 'failed', failureClass: 'backup-file-gone', service: 'drive', attempts: 2 },
  ],
  checkpoint: [
    { kind: 'checkpoint', service: 'drive', reason: 'checkpointed', offset: 8, total: 20 },
    { event: 'uploadCheckpoint', severity: 'INFO', offset: 8, total: 20 },
  ],
  operator: [
    { kind: 'operator', service: 'drive', reason: OPERATOR.problem, problemCode: OPERATOR.problemCode, action: OPERATOR.action },
    { event: 'operatorActionRequired', severity: 'ERROR', ...OPERATOR, outcome: 'failed', failureClass: 'operator', service: 'drive' },
  ],
  reauthorize: [
    { kind: 'reauthorize', service: 'oauth', reason: 'invalid_grant', problemCode: 'reauthorize' },
    {
      event: 'reauthorizeRequired',
      severity: 'ERROR',
      problemCode: 'reauthorize',
      outcome: 'failed',
      failureClass: 'reauthorize',
      service: 'oauth',
    },
  ],
  permanent: [
    { kind: 'permanent', service: 'drive', reason: PERMANENT.problem, problemCode: PERMANENT.problemCode, action: PERMANENT.action },
    { event: 'permanentFailure', severity: 'ERROR', ...PERMANENT, outcome: 'failed', failureClass: 'permanent', service: 'drive' },
  ],
  'object-gone': [
    { kind: 'object-gone', service: 'gcs-source', reason: 'no longer exists' },
    { event: 'objectOutcome', severity: 'INFO', outcome: 'skipped', reason: 'generation-gone', attempts: 2 },
  ],
};

const OBJECT = { bucket: 'src', name: 'a/b.txt', generation: '17' };

describe('logFailedAttempt', () => {
  for (const [failure, expected] of Object.values(ROWS) as [Failure, Record<string, unknown>][]) {
    test(`${failure.kind} → ${String(expected.event)} ${String(expected.severity)}`, () => {
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
      assert.deepEqual([line.bucket, line.name, line.generation], [OBJECT.bucket, OBJECT.name, OBJECT.generation]);
      const seen = Object.fromEntries(Object.keys(expected).map((key) => [key, line[key]]));
      assert.deepEqual(seen, expected);
    });
  }
});
