/**
 * What each kind of failure does, seen where the code reads the failure table rather than in the table
 * itself: whether the gateway's retry loop tries again at once (core/retry.ts), whether reconcile counts
 * it as a failure to be retried by its event, a failure left for good, or a skip (reconcile/run-loop.ts),
 * and what `POST /backup` answers a caller and a Cloud Tasks dispatch (core/failure-status.ts).
 * The expectations are written out here from the product's promises, not
 * read off the table, so a wrong row or a consumer reading the wrong column fails a test.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Failure } from '../../../src/core/failure.js';
import { failureReply, taskFailureReply } from '../../../src/core/failure-status.js';
import { retriedNow } from '../../../src/core/retry.js';
import { runReconcile } from '../../../src/reconcile/run-loop.js';
import { DriveIndex } from '../../../src/reconcile/drive-index.js';

/** How reconcile reports one object that failed this way. */
type Counted = 'retried-later' | 'failed-for-good' | 'skipped';

const ROWS: [failure: Failure, retriedAtOnce: boolean, reconcile: Counted, httpStatus: number, taskStatus: number][] = [
  [{ kind: 'transient', service: 'drive', reason: 'Drive replied 500' }, true, 'retried-later', 503, 503],
  [{ kind: 'rate-limited', service: 'drive', reason: 'Drive replied 429' }, true, 'retried-later', 503, 429],
  [{ kind: 'busy', service: 'state', reason: 'another instance holds it' }, false, 'retried-later', 503, 500],
  [{ kind: 'session-gone', service: 'drive', reason: 'the session expired' }, false, 'retried-later', 503, 500],
  [{ kind: 'backup-file-gone', service: 'drive', reason: 'the file was deleted' }, false, 'retried-later', 503, 500],
  [{ kind: 'checkpoint', service: 'drive', reason: 'stopped at 5 of 9', offset: 5, total: 9 }, false, 'retried-later', 503, 500],
  [
    { kind: 'operator', service: 'drive', reason: 'Drive is full', problemCode: 'drive-storage-full', action: 'free space' },
    false,
    'retried-later',
    503,
    503,
  ],
  [{ kind: 'reauthorize', service: 'oauth', reason: 'invalid_grant', problemCode: 'reauthorize' }, false, 'retried-later', 503, 503],
  [
    { kind: 'permanent', service: 'drive', reason: 'too large', problemCode: 'object-too-large', action: 'none' },
    false,
    'failed-for-good',
    422,
    200,
  ],
  [{ kind: 'object-gone', service: 'gcs-source', reason: 'deleted' }, false, 'skipped', 404, 200],
];

/** Runs reconcile over one object whose backup fails with `failure`, and says how the report counts it. */
async function reconcileCounts(failure: Failure): Promise<Counted> {
  const report = await runReconcile(
    {
      loadIndex: async () => new DriveIndex({ bucket: 'b', prefix: '', everyGeneration: false }),
      async *listObjects() {
        yield [{ bucket: 'b', name: 'n', generation: '1', size: '3' }];
      },
      backup: async () => ({ ok: false, failure, error: new Error(failure.reason), attempts: 1 }),
    },
    {
      bucket: 'b',
      prefix: '',
      dryRun: false,
      settings: { onNewGeneration: 'revision', includePrefixes: [], excludeGlobs: [], canaryPrefix: '.canary/' },
      parallelism: 1,
      budget: { expired: () => false, remainingMs: () => 1000, canStart: () => true },
    },
  );
  if (report.skipped === 1 && report.failed === 0) return 'skipped';
  assert.deepEqual([report.failed, report.failures.length], [1, 1], 'one failure, listed');
  return report.failures[0].retry ? 'retried-later' : 'failed-for-good';
}

describe('each kind of failure, as the code that reads the failure table treats it', () => {
  for (const [failure, retriedAtOnce, reconcile, httpStatus, taskStatus] of ROWS) {
    test(`${failure.kind}: ${retriedAtOnce ? 'retried at once' : 'not retried at once'}, ${reconcile}, ${httpStatus}, task ${taskStatus}`, async () => {
      assert.equal(retriedNow(failure, 'backoff'), retriedAtOnce, 'the gateway retries it at once');
      assert.equal(await reconcileCounts(failure), reconcile, 'how reconcile counts it');
      assert.equal(failureReply(failure, 'gs://b/n#1').status, httpStatus, 'POST /backup');
      assert.equal(taskFailureReply(failure, 'gs://b/n#1').status, taskStatus, 'a Cloud Tasks dispatch');
    });
  }

  test('a rate limit is not retried at once when the caller gives up on rate limits (the task worker)', () => {
    assert.equal(retriedNow({ kind: 'rate-limited', service: 'drive', reason: 'Drive replied 429' }, 'give-up'), false);
    assert.equal(retriedNow({ kind: 'transient', service: 'drive', reason: 'Drive replied 500' }, 'give-up'), true);
  });
});
