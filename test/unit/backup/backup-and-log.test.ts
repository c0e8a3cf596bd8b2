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
import type { Failure, FailureKind, Service } from '../../../src/core/failure.js';
import { createLogger } from '../../../src/core/logs.js';

const OPERATOR = { problem: 'Drive replied 403', action: 'free space', problemCode: 'drive-storage-full' } as const;
const PERMANENT = { problem: 'too large', action: 'none', problemCode: 'object-too-large' } as const;

/** The kinds an attempt retries: one `objectOutcome` ERROR line, `failed`, classed by the kind, naming the service. */
type Retried = 'transient' | 'rate-limited' | 'busy' | 'session-gone' | 'backup-file-gone';
function retried<K extends Retried>(kind: K, service: Service, reason: string): [Extract<Failure, { kind: K }>, Record<string, unknown>] {
  const failure = { kind, service, reason } as Extract<Failure, { kind: K }>;
  return [failure, { event: 'objectOutcome', severity: 'ERROR', outcome: 'failed', failureClass: kind, service, attempts: 2 }];
}

/** Each kind's failure, and the fields of the one line it writes beyond bucket, name and generation. */
const ROWS: { [K in FailureKind]: [Extract<Failure, { kind: K }>, Record<string, unknown>] } = {
  transient: retried('transient', 'state', 'Cloud Storage (state bucket) replied 503'),
  'rate-limited': retried('rate-limited', 'drive', 'Drive replied 429'),
  busy: retried('busy', 'state', 'another instance is uploading this object'),
  'session-gone': retried('session-gone', 'drive', 'the session is gone'),
  'backup-file-gone': retried('backup-file-gone', 'drive', 'the backup file was deleted'),
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
