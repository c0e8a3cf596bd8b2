/**
 * One reconcile run, IO passed in: load the Drive index, stream the Cloud Storage listing page by page,
 * plan each object (diff.ts) and back up (or, DISPATCH=tasks, enqueue) what needs it with at most
 * `parallelism` in flight —
 * enough for many small objects to go fast, few enough to stay under Drive's per-user rate limits (the
 * occasional 403 rateLimitExceeded is retried with backoff inside backupObject).
 *
 * Time: before each object the run asks `budget`; once it is spent no new work starts, the backups in
 * flight finish (they carry the invocation's own deadline) and the run returns `done: false` with the
 * cursor (progress-cursor.ts). At least one object is handled per run, so consecutive runs always advance.
 * A backlog larger than one run can copy at Drive's rate: once `copyBudget` is spent no new copy starts,
 * and the rest of the listing is still diffed within `budget` — handed to the queue (`handOver`, dispatch
 * `auto`), or counted as `remaining` with the time it would take at this run's copy rate (direct), the
 * cursor staying after the last object copied.
 * The first backup into each new folder goes alone (folder-gate.ts), so a folder is looked up once.
 * Memory: the Drive index, one listing page and the in-flight backups.
 */
import { FAILURE_TABLE } from '../core/failure-table.js';
import type { ObjectRef } from '../core/object-ref.js';
import type { Deadline } from '../core/time-budget.js';
import { planObjectPath, sourceKey } from '../drive/object-path.js';
import type { EnqueueResult } from '../tasks/enqueue.js';
import type { OneBackup } from '../backup/backup-and-log.js';
import { planObject, type DiffSettings } from './diff.js';
import type { DriveIndex } from './drive-index.js';
import { FolderGate } from './folder-gate.js';
import { ProgressCursor } from './progress-cursor.js';
import { ReportTally, type ReconcileReport } from './report.js';

/** What handing one object over did: a backup attempt, or (DISPATCH=tasks) its task enqueued. */
export type Handled = OneBackup | EnqueueResult;

export interface ReconcileIO {
  loadIndex(): Promise<DriveIndex>;
  /** Pages of live objects in name order, strictly after `startAfter`. */
  listObjects(startAfter: string | undefined): AsyncIterable<ObjectRef[]>;
  backup(ref: ObjectRef): Promise<Handled>;
  /** Where objects go once `copyBudget` is spent (dispatch `auto`: the queue); absent: counted as remaining. */
  handOver?(ref: ObjectRef): Promise<Handled>;
}

export interface Progress {
  scanned: number;
  backedUp: number;
  failed: number;
  bytes: number;
}

export interface RunOptions {
  bucket: string;
  prefix: string;
  dryRun: boolean;
  settings: DiffSettings;
  /** `backup` enqueues (DISPATCH=tasks): the report counts `enqueued`. */
  enqueues?: boolean;
  parallelism: number;
  /** When it is spent, no new object is started. */
  budget: Deadline;
  /** When it is spent, no new copy starts: the rest is handed over or counted (default: `budget`). */
  copyBudget?: Deadline;
  /** The stored cursor: start after this name. */
  resumeAfter?: string;
  onProgress?: (progress: Progress) => void;
  now?: () => number;
}

export type RunResult = ReconcileReport & { error?: unknown };

export async function runReconcile(io: ReconcileIO, options: RunOptions): Promise<RunResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const tally = new ReportTally({ bucket: options.bucket, prefix: options.prefix, dryRun: options.dryRun, enqueues: options.enqueues });
  const report: RunResult = tally.report;
  const index = await io.loadIndex();
  report.driveIndexSize = index.size;

  const cursor = new ProgressCursor(options.resumeAfter);
  const running = new Set<Promise<void>>();
  const gate = new FolderGate();
  const progress = () => {
    const { scanned, uploaded, revised, failed, bytes } = report;
    options.onProgress?.({ scanned, backedUp: uploaded + revised, failed, bytes });
  };
  const outOfTime = () => report.scanned > 0 && options.budget.expired();
  const copyBudget = options.copyBudget ?? options.budget;
  /** Set once copying stopped for time. */
  let copiesStopped = false;
  const copying = () => {
    if (!copiesStopped && report.scanned > 0 && copyBudget.expired()) copiesStopped = true;
    return !copiesStopped;
  };
  /** When the last copy ended: the run's copy rate is the copies over the time up to then. */
  let lastCopyEndMs = started;

  let stopped = false;
  try {
    pages: for await (const page of io.listObjects(options.resumeAfter)) {
      for (const ref of page) {
        if (outOfTime()) {
          stopped = true;
          break pages;
        }
        const plan = planObject(ref, sourceKey(ref.bucket, ref.name), index, options.settings);
        const handOver = !options.dryRun && plan.action !== 'leave' && !copying() ? io.handOver?.bind(io) : undefined;
        if (copiesStopped && io.handOver === undefined) {
          // Counted, not copied: the cursor stays after the last object handled, so the next run copies these.
          tally.scanned();
          if (plan.action === 'leave' || options.dryRun) tally.skipped();
          else tally.remaining();
          continue;
        }
        if (plan.action === 'leave' || options.dryRun) {
          tally.scanned();
          if (plan.action === 'leave') tally.skipped();
          else tally.planned(ref.name, plan);
          cursor.settled(ref.name);
          continue;
        }
        while (running.size >= options.parallelism) await Promise.race(running);
        if (outOfTime()) {
          stopped = true;
          break pages;
        }
        const leave = await gate.admit(planObjectPath(ref.name).folders);
        tally.scanned();
        const ticket = cursor.begin(ref.name);
        const work: Promise<void> = (handOver ?? io.backup.bind(io))(ref)
          .then(
            (result) => {
              record(tally, ref, result);
              return result.ok;
            },
            (err: unknown) => {
              tally.failed({ name: ref.name, generation: ref.generation, retry: true, reason: String(err) });
              return false;
            },
          )
          .then((succeeded) => {
            if (handOver === undefined) lastCopyEndMs = now();
            leave(succeeded);
            cursor.finish(ticket);
            running.delete(work);
            progress();
          });
        running.add(work);
      }
      progress();
    }
  } catch (err) {
    // The listing failed (after its retries): keep what was done, report the rest as not done.
    report.error = err;
    stopped = true;
  } finally {
    await Promise.all(running);
  }

  if (report.remaining !== undefined && report.remaining > 0) {
    stopped = true;
    const perSecond = (report.uploaded + report.revised) / Math.max(1, (lastCopyEndMs - started) / 1000);
    if (perSecond > 0) report.estimatedSeconds = Math.ceil(report.remaining / perSecond);
  }
  report.done = !stopped;
  const position = cursor.position;
  if (stopped && position !== undefined) report.cursor = position;
  report.durationMs = now() - started;
  return report;
}

function record(tally: ReportTally, ref: ObjectRef, result: Handled): void {
  if (result.ok) {
    if (result.outcome === 'enqueued') return tally.enqueued();
    return tally.backedUp(result.outcome, 'bytes' in result ? result.bytes : undefined);
  }
  const { failure } = result;
  const treatment = FAILURE_TABLE[failure.kind];
  if (treatment.outcome === 'skipped') return tally.backedUp('skipped'); // deleted or overwritten since listed
  tally.failed({
    name: ref.name,
    generation: ref.generation,
    retry: treatment.event === 'retry',
    reason: failure.reason,
    ...('action' in failure && failure.action !== undefined ? { action: failure.action } : {}),
  });
}
