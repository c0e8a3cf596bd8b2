/**
 * Reconcile wired to a function instance's runtime: the entry `POST /reconcile` and the `reconcile`
 * command share. Reads the stored cursor, runs run-loop.ts against the real listings and backupObject,
 * then stores the new cursor (or clears it when the bucket is done) and logs one summary line.
 *
 * Why this diff strategy: one paged Drive query for the whole bucket (drive-listing.ts) costs
 * ⌈backed-up files / 1000⌉ list calls and no per-object or per-folder lookup, and finds files wherever
 * they are; Cloud Storage is streamed one page at a time against it. Memory is therefore bounded by the
 * compact index (28 bytes per backed-up object of the bucket/prefix) plus one listing page — never
 * the bucket listing and the Drive tree together. A per-folder comparison would bound memory by the
 * largest folder instead, but costs one Drive list per folder per run and a tree walk whose order is not
 * the listing order the cursor relies on.
 *
 * With DISPATCH=tasks the run enqueues what needs a backup instead of copying it (one task per object
 * generation, the same name its event's task has, so an object already queued is not queued twice): a
 * run is bounded by listing speed, not upload speed; the cursor and the time budget stay. With
 * DISPATCH=auto it copies (its writes waiting on the Drive pacer) until its copy budget is spent and
 * enqueues the rest, or enqueues everything while back-pressure is on.
 *
 * Dry runs read nothing from and write nothing to the cursor: they report the plan from the start.
 */
import { randomUUID } from 'node:crypto';
import type { CallScope, Gateway, Retry } from '../core/gateway.js';
import { createDeadline, type Deadline } from '../core/time-budget.js';
import { enqueueBackup } from '../tasks/enqueue.js';
import { backupAndLog } from '../backup/backup-and-log.js';
import type { Runtime } from '../tasks/dispatch.js';
import type { ObjectRef } from '../core/object-ref.js';
import { ReconcileCursorStore } from './cursor-store.js';
import { BACKUP_UNITS, heapCollector } from './heap-collector.js';
import { ReportTally } from './report.js';
import { listingCorpus, loadDriveIndex } from './drive-listing.js';
import { listObjectPages } from './gcs-listing.js';
import { runReconcile, type Handled, type Progress, type RunResult } from './run-loop.js';

export interface ReconcileRequest {
  bucket: string;
  prefix: string;
  dryRun: boolean;
  /** Stop starting new work after this long; `Infinity` runs to the end (the CLI). */
  maxSeconds: number;
}

export interface ReconcileHooks {
  /** The deadline each backup gets: the invocation's (function) or a fresh one per object (CLI). */
  objectDeadline: () => Deadline;
  onProgress?: (progress: Progress) => void;
  parallelism?: number;
}

/** Longest budget `createDeadline` is given for an unlimited run (ten years). */
const UNLIMITED_MS = 10 * 365 * 24 * 3600 * 1000;

export async function reconcileBucket(runtime: Runtime, request: ReconcileRequest, hooks: ReconcileHooks): Promise<RunResult> {
  const { config, logger } = runtime;
  const runId = randomUUID();
  /** The gateways' deadline for the run's own calls (listings, cursor). */
  const scope = (): CallScope => ({ deadline: hooks.objectDeadline() });
  const each =
    <C>(gateway: Gateway<C>): Retry<C> =>
    (what, operation) =>
      gateway.call(what, operation, scope());
  const cursors = new ReconcileCursorStore(runtime.store, request.bucket, request.prefix, scope);
  const started = Date.now();
  // Whatever fails, the run ends with its one reconcileFinished line. A Cloud Storage listing failing
  // mid-run comes back as the report's `error` (the work done is kept); the cursor's read or write, or the
  // Drive listing the run starts with, throw — logged here, then the caller answers the failure as
  // classified (an HTTP status and action, the CLI's explanation).
  let report: RunResult = new ReportTally(request).report;
  let cursorSaved = false;
  let thrown: { error: unknown } | undefined;
  try {
    const resumeAfter = request.dryRun ? undefined : await cursors.read();
    let backups = 0;
    const collect = heapCollector();
    const queue = runtime.dispatch;
    // DISPATCH=tasks enqueues every object; auto copies while Drive accepts writes (waiting on the pacer)
    // and enqueues what the copy budget leaves, or everything while back-pressure is on.
    const pressured = queue?.mode === 'auto' && (await queue.pressure?.route(scope()).catch(() => 'direct' as const)) === 'enqueue';
    const enqueuesAll = queue !== undefined && (queue.mode === 'tasks' || pressured);
    const enqueue =
      queue && ((ref: ObjectRef) => enqueueBackup(runtime, queue, ref, { deadline: hooks.objectDeadline(), restoreMissing: true }));
    const counted = async <T>(work: () => Promise<T>): Promise<T> => {
      try {
        return await work();
      } finally {
        collect(BACKUP_UNITS);
      }
    };
    report = await runReconcile(
      {
        loadIndex: async () =>
          loadDriveIndex(
            each(runtime.drive),
            { bucket: request.bucket, prefix: request.prefix, everyGeneration: config.onNewGeneration === 'copy' },
            await listingCorpus(each(runtime.drive), config.driveFolderId),
          ),
        listObjects: (startAfter) =>
          collectingPages(listObjectPages(each(runtime.source), request.bucket, { prefix: request.prefix, startAfter }), collect),
        backup: (ref) =>
          counted<Handled>(() =>
            enqueuesAll && enqueue
              ? enqueue(ref)
              : backupAndLog(runtime, ref, {
                  deadline: hooks.objectDeadline(),
                  invocationId: `reconcile-${runId}/${backups++}`,
                  restoreMissing: true,
                }),
          ),
        ...(queue?.mode === 'auto' && enqueue ? { handOver: (ref: ObjectRef) => counted(() => enqueue(ref)) } : {}),
      },
      {
        bucket: request.bucket,
        prefix: request.prefix,
        dryRun: request.dryRun,
        settings: config,
        enqueues: queue !== undefined,
        parallelism: hooks.parallelism ?? config.reconcileParallelism,
        ...budgets(request.maxSeconds, enqueuesAll),
        resumeAfter,
        onProgress: hooks.onProgress,
      },
    );
    if (!request.dryRun) {
      const cursor = report.cursor;
      if (report.done && resumeAfter !== undefined) await cursors.clear();
      else if (cursor !== undefined && cursor !== resumeAfter) cursorSaved = await cursors.save(cursor);
    }
  } catch (err) {
    thrown = { error: err };
    report.durationMs = Date.now() - started;
  }
  const { failures: _failures, plan: _plan, error: reported, ...summary } = report;
  const error = thrown !== undefined ? thrown.error : reported;
  logger.reconcileFinished({ ...summary, cursorSaved, ...(error !== undefined ? { error } : {}) });
  if (thrown !== undefined) throw thrown.error;
  return report;
}

/**
 * The run's budget, and the part of it copies may start in: the rest (a fifth, at most a minute) is kept
 * to diff the remaining listing, so the report can say what is left (or, dispatch `auto`, enqueue it).
 * A run that enqueues everything (DISPATCH=tasks) copies nothing: all of its budget is for enqueueing.
 */
function budgets(maxSeconds: number, enqueuesAll: boolean): { budget: Deadline; copyBudget: Deadline } {
  const budget = createDeadline(Number.isFinite(maxSeconds) ? maxSeconds * 1000 : UNLIMITED_MS);
  if (!Number.isFinite(maxSeconds) || enqueuesAll) return { budget, copyBudget: budget };
  const ms = maxSeconds * 1000;
  return { budget, copyBudget: createDeadline(ms - Math.min(COPY_RESERVE_MS, ms / 5)) };
}

const COPY_RESERVE_MS = 60_000;

/** The listing's pages, counting each page's objects as work done once the run has handled them. */
async function* collectingPages<T>(pages: AsyncIterable<T[]>, collect: (units: number) => void): AsyncGenerator<T[]> {
  for await (const page of pages) {
    yield page;
    collect(page.length);
  }
}
