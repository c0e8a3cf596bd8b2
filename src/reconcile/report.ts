/**
 * The result of one reconcile run, as `POST /reconcile` returns it and the CLI summarises it, and the
 * tally that builds it, pure. `failures` is capped (the count is not) so a bad day cannot produce an
 * unbounded reply.
 */
import type { ObjectPlan } from './diff.js';

export interface ReconcileFailure {
  name: string;
  generation: string;
  /** Worth retrying (the next run or the object's event retry will); false: needs a person. */
  retry: boolean;
  reason: string;
  action?: string;
}

export interface ReconcileReport {
  bucket: string;
  prefix: string;
  dryRun: boolean;
  /** Objects listed in Cloud Storage during this run. */
  scanned: number;
  uploaded: number;
  revised: number;
  /** Left alone: up to date in Drive, filtered out, or already done by someone else. */
  skipped: number;
  failed: number;
  /** DISPATCH=tasks: objects handed to the queue (a task created, or one already there). */
  enqueued?: number;
  /**
   * Objects that need a backup, found after this run stopped copying for time (its copy budget spent):
   * the next run copies them (the cursor is before the first). Counted as far as the listing got.
   */
  remaining?: number;
  /** How long `remaining` would take at this run's copy rate, in seconds. */
  estimatedSeconds?: number;
  /** Bytes sent to Drive. */
  bytes: number;
  /** With dryRun: what a real run would do. */
  plan?: { upload: number; revise: number; sample: { name: string; action: 'upload' | 'revise' }[] };
  /** The whole listing was handled; false: time ran out, the next run continues after `cursor`. */
  done: boolean;
  cursor?: string;
  failures: ReconcileFailure[];
  /** Backed-up objects found in Drive for this bucket (and prefix). */
  driveIndexSize: number;
  durationMs: number;
}

export const MAX_REPORTED_FAILURES = 100;
export const MAX_PLAN_SAMPLE = 100;

export class ReportTally {
  readonly report: ReconcileReport;

  constructor({ enqueues, ...scope }: { bucket: string; prefix: string; dryRun: boolean; enqueues?: boolean }) {
    this.report = {
      ...scope,
      scanned: 0,
      uploaded: 0,
      revised: 0,
      skipped: 0,
      failed: 0,
      bytes: 0,
      done: false,
      failures: [],
      driveIndexSize: 0,
      durationMs: 0,
    };
    if (scope.dryRun) this.report.plan = { upload: 0, revise: 0, sample: [] };
    if (enqueues) this.report.enqueued = 0;
  }

  enqueued(): void {
    this.report.enqueued = (this.report.enqueued ?? 0) + 1;
  }

  remaining(): void {
    this.report.remaining = (this.report.remaining ?? 0) + 1;
  }

  scanned(): void {
    this.report.scanned++;
  }

  planned(name: string, plan: ObjectPlan): void {
    const p = this.report.plan;
    if (!p || plan.action === 'leave') return;
    p[plan.action]++;
    if (p.sample.length < MAX_PLAN_SAMPLE) p.sample.push({ name, action: plan.action });
  }

  skipped(): void {
    this.report.skipped++;
  }

  backedUp(outcome: 'uploaded' | 'revised' | 'skipped', bytes = 0): void {
    this.report[outcome]++;
    if (outcome !== 'skipped') this.report.bytes += bytes;
  }

  failed(failure: ReconcileFailure): void {
    this.report.failed++;
    if (this.report.failures.length < MAX_REPORTED_FAILURES) this.report.failures.push(failure);
  }
}
