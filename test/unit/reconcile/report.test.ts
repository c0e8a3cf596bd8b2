/** The reconcile tally: counts, bytes, the capped failure list and the dry run's capped plan sample. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PLAN_SAMPLE, MAX_REPORTED_FAILURES, ReportTally } from '../../../src/reconcile/report.js';

const scope = { bucket: 'b', prefix: 'p/', dryRun: false };

describe('ReportTally', () => {
  test('counts outcomes; only uploads and revisions add bytes', () => {
    const tally = new ReportTally(scope);
    tally.scanned();
    tally.scanned();
    tally.backedUp('uploaded', 10);
    tally.backedUp('revised', 5);
    tally.backedUp('skipped', 99);
    tally.skipped();
    const { scanned, uploaded, revised, skipped, bytes, plan } = tally.report;
    assert.deepEqual(
      { scanned, uploaded, revised, skipped, bytes, plan },
      { scanned: 2, uploaded: 1, revised: 1, skipped: 2, bytes: 15, plan: undefined },
    );
  });

  test('failures are all counted but only the first are listed', () => {
    const tally = new ReportTally(scope);
    for (let i = 0; i < MAX_REPORTED_FAILURES + 5; i++) tally.failed({ name: `o${i}`, generation: '1', retry: true, reason: 'r' });
    assert.equal(tally.report.failed, MAX_REPORTED_FAILURES + 5);
    assert.equal(tally.report.failures.length, MAX_REPORTED_FAILURES);
    assert.equal(tally.report.failures[0]?.name, 'o0');
  });

  test('a dry run plans: counts every upload and revision, samples the first, ignores what it leaves', () => {
    const tally = new ReportTally({ ...scope, dryRun: true });
    for (let i = 0; i < MAX_PLAN_SAMPLE + 3; i++) tally.planned(`u${i}`, { action: 'upload' });
    tally.planned('r', { action: 'revise', from: '1' });
    tally.planned('l', { action: 'leave', reason: 'up-to-date' });
    assert.equal(tally.report.plan?.upload, MAX_PLAN_SAMPLE + 3);
    assert.equal(tally.report.plan?.revise, 1);
    assert.equal(tally.report.plan?.sample.length, MAX_PLAN_SAMPLE);
  });

  test('a real run keeps no plan', () => {
    const tally = new ReportTally(scope);
    tally.planned('u', { action: 'upload' });
    assert.equal(tally.report.plan, undefined);
  });
});
