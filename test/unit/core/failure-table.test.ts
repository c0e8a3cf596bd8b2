/**
 * The failure table, row by row: for every kind of failure, whether the gateway retries it now, the
 * event's fate, the line a failed attempt writes, how reconcile counts it, what `POST /backup` answers, and
 * what it answers a Cloud Tasks dispatch.
 * The row list is keyed by kind, so a new kind fails to compile here until its expectations are written.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FailureKind } from '../../../src/core/failure.js';
import { FAILURE_TABLE, type AttemptLogEvent } from '../../../src/core/failure-table.js';

type Expected = [
  retryNow: boolean,
  event: 'retry' | 'acknowledge',
  log: AttemptLogEvent,
  severity: string,
  outcome: string,
  status: number,
  task: number,
];

const EXPECTED: { [K in FailureKind]: Expected } = {
  transient: [true, 'retry', 'objectOutcome', 'ERROR', 'failed', 503, 503],
  'rate-limited': [true, 'retry', 'objectOutcome', 'ERROR', 'failed', 503, 429],
  busy: [false, 'retry', 'objectOutcome', 'ERROR', 'failed', 503, 500],
  'session-gone': [false, 'retry', 'objectOutcome', 'ERROR', 'failed', 503, 500],
  'backup-file-gone': [false, 'retry', 'objectOutcome', 'ERROR', 'failed', 503, 500],
  checkpoint: [false, 'retry', 'uploadCheckpoint', 'INFO', 'failed', 503, 500],
  operator: [false, 'retry', 'operatorActionRequired', 'ERROR', 'failed', 503, 503],
  reauthorize: [false, 'retry', 'reauthorizeRequired', 'ERROR', 'failed', 503, 503],
  permanent: [false, 'acknowledge', 'permanentFailure', 'ERROR', 'failed', 422, 200],
  'object-gone': [false, 'acknowledge', 'objectOutcome', 'INFO', 'skipped', 404, 200],
};

describe('FAILURE_TABLE', () => {
  for (const [kind, [retryNow, event, log, severity, outcome, status, task]] of Object.entries(EXPECTED)) {
    test(kind, () => {
      const row = FAILURE_TABLE[kind as FailureKind];
      assert.deepEqual(
        [row.retryNow, row.event, row.log.event, row.log.severity, row.outcome, row.http.status, row.task],
        [retryNow, event, log, severity, outcome, status, task],
      );
    });
  }

  test('every kind has a row and every row a kind', () => {
    assert.deepEqual(Object.keys(FAILURE_TABLE).sort(), Object.keys(EXPECTED).sort());
  });

  test('what the event retries, HTTP asks to retry (503); what it acknowledges, HTTP does not', () => {
    for (const [kind, row] of Object.entries(FAILURE_TABLE)) {
      assert.equal(row.event === 'retry', row.http.status === 503, kind);
    }
  });

  test('a task is retried exactly when the event would be; only rate limits and service trouble slow the queue', () => {
    for (const [kind, row] of Object.entries(FAILURE_TABLE)) {
      assert.equal(row.event === 'retry', row.task !== 200, kind);
      assert.equal(row.task === 429, kind === 'rate-limited', kind);
    }
  });
});
