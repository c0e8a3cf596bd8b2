/**
 * Step 1 of the event path with DISPATCH=tasks: no Drive work. The object's backup becomes one Cloud
 * Tasks task named after (bucket, name, generation), so duplicate events make one task; the HTTP function's
 * `POST /backup` runs it at the queue's pace. Objects the filters leave out get their `skipped` line here
 * and no task; a canary of `verify` passes them, as on the direct path. A failed enqueue writes the attempt's line (core/failure-table.ts) and comes back, for the
 * event to be retried or acknowledged as the table says. Reconcile (DISPATCH=tasks) enqueues through here
 * too, instead of copying.
 */
import { classifyFailure } from '../core/classify.js';
import type { Failure } from '../core/failure.js';
import type { ObjectRef } from '../core/object-ref.js';
import type { Deadline } from '../core/time-budget.js';
import { logFailedAttempt } from '../backup/backup-and-log.js';
import { selectObject } from '../backup/select.js';
import type { Dispatch, Runtime } from './dispatch.js';

export type EnqueueResult =
  | { ok: true; outcome: 'enqueued'; task: string; created: boolean; attempts: number }
  | { ok: true; outcome: 'skipped'; reason: string; attempts: number }
  | { ok: false; failure: Failure; error: unknown; attempts: number };

export interface EnqueueOptions {
  deadline: Deadline;
  trace?: string;
  /** Reconcile's tasks: Drive lacks the object, whatever its record says (see BackupRequest.restoreMissing). */
  restoreMissing?: boolean;
}

/** Enqueues the backup of `ref` (the event path, and reconcile's fan-out); its line is written. */
export async function enqueueBackup(runtime: Runtime, dispatch: Dispatch, ref: ObjectRef, options: EnqueueOptions): Promise<EnqueueResult> {
  const started = Date.now();
  const { logger, config } = runtime;
  const object = { bucket: ref.bucket, name: ref.name, generation: ref.generation, trace: options.trace };
  // The event's custom metadata: a canary of `verify` is enqueued whatever the filters say, as the direct
  // path backs it up (src/backup/select.ts); the worker reads the same generation's metadata again (worker.ts).
  const selection = selectObject(ref.name, config, ref.metadata);
  if (!selection.backup) {
    logger.objectOutcome({ ...object, outcome: 'skipped', reason: selection.reason, durationMs: Date.now() - started, attempts: 1 });
    return { ok: true, outcome: 'skipped', reason: selection.reason, attempts: 1 };
  }
  let attempts = 1;
  try {
    const { restoreMissing } = options;
    const scope = { deadline: options.deadline, onRetry: () => void attempts++ };
    const { task, created } = await dispatch.queue.enqueue(ref, { restoreMissing }, scope);
    logger.backupEnqueued({ ...object, queue: dispatch.queue.shortName, task, created, ...(restoreMissing ? { restoreMissing } : {}) });
    return { ok: true, outcome: 'enqueued', task, created, attempts };
  } catch (err) {
    const failure = classifyFailure(err, 'cloud-tasks');
    const durationMs = Date.now() - started;
    logFailedAttempt(logger, { object, failure, error: err, durationMs, attempts, secret: config.tokenSecretVersion });
    return { ok: false, failure, error: err, attempts };
  }
}
