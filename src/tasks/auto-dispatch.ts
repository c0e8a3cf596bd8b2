/**
 * `DISPATCH=auto`, one event: backed up directly while Drive accepts writes (as fast as direct mode), or
 * handed to the queue while it refuses them (as safe as tasks mode). The route comes from the shared
 * back-pressure record (back-pressure.ts). A direct backup gives up on Drive's first refusal for rate (or
 * its daily upload limit) instead of waiting it out: the object is enqueued under its deterministic task
 * name (so an object both tried directly and queued still makes one task, and its claim one file), the
 * event is acknowledged, and back-pressure is recorded so every instance enqueues for a while. The
 * refused attempt writes no failed line: the enqueue's line, and the one `backPressureRaised`, say it.
 * Before Drive refuses anything, the instance's own direct lane (direct-lane.ts) does the same when its
 * direct backups in flight would wait on its pacer longer than the queue would take: enqueue, raise.
 */
import { backupAndLog, type OneBackup } from '../backup/backup-and-log.js';
import type { Dispatch, Runtime } from './dispatch.js';
import { enqueueBackup, type EnqueueResult } from './enqueue.js';
import type { Failure } from '../core/failure.js';
import type { ObjectRef } from '../core/object-ref.js';
import type { Deadline } from '../core/time-budget.js';
import type { BackPressure } from './back-pressure.js';
import { isDailyUploadLimit } from './pause-route.js';

export interface AutoOptions {
  deadline: Deadline;
  invocationId: string;
  trace?: string;
  /** Reconcile's objects: Drive lacks them, whatever their record says. */
  restoreMissing?: boolean;
}

/** A failure that says Drive wants fewer writes now: its rate limits, or its daily upload limit. */
export function drivePushesBack(failure: Failure): boolean {
  return failure.service === 'drive' && (failure.kind === 'rate-limited' || isDailyUploadLimit(failure));
}

/** Backs `ref` up directly or enqueues it, as back-pressure says; its line is written. */
export async function autoBackup(
  runtime: Runtime,
  dispatch: Dispatch & { pressure: BackPressure },
  ref: ObjectRef,
  options: AutoOptions,
): Promise<OneBackup | EnqueueResult> {
  const { deadline, trace, restoreMissing } = options;
  const enqueue = () => enqueueBackup(runtime, dispatch, ref, { deadline, trace, restoreMissing });
  const { lane } = dispatch;
  // Alone on the instance, a stale "no record" is read again after this backup, not beside it (back-pressure.ts).
  const busy = lane === undefined || lane.inFlight > 0;
  // A state read that fails goes direct: the backup needs the state bucket too, and says what is wrong.
  const route = await dispatch.pressure.route({ deadline }, { busy }).catch(() => 'direct' as const);
  if (route === 'enqueue') return enqueue();
  if (lane !== undefined && !lane.tryEnter()) {
    await raisePressure(runtime, dispatch, ref, { reason: lane.fullReason(), forMs: runtime.config.backPressureMs, deadline, trace });
    return enqueue();
  }

  let result: OneBackup;
  try {
    result = await backupAndLog(runtime, ref, {
      deadline,
      invocationId: options.invocationId,
      trace,
      restoreMissing,
      onRateLimit: { drive: 'give-up' },
      quiet: drivePushesBack,
    });
  } finally {
    lane?.leave();
  }
  // The read this event owes the next ones, now that its Drive file is written (or refused): off its path.
  await dispatch.pressure.refresh({ deadline });
  if (result.ok || !drivePushesBack(result.failure)) return result;

  const { failure } = result;
  const forMs = isDailyUploadLimit(failure) ? runtime.config.uploadLimitPauseMs : runtime.config.backPressureMs;
  await raisePressure(runtime, dispatch, ref, { reason: failure.reason, forMs, deadline, trace });
  return enqueue();
}

/** Records back-pressure for `forMs` (one `backPressureRaised` line from the instance that wrote it). */
async function raisePressure(
  runtime: Runtime,
  dispatch: Dispatch & { pressure: BackPressure },
  ref: ObjectRef,
  { reason, forMs, deadline, trace }: { reason: string; forMs: number; deadline: Deadline; trace?: string },
): Promise<void> {
  try {
    const raised = await dispatch.pressure.raise(reason, forMs, { deadline });
    if (raised.byThisCall) {
      const { bucket, name, generation } = ref;
      const until = new Date(raised.record.untilMs).toISOString();
      runtime.logger.backPressureRaised({
        bucket,
        name,
        generation,
        trace,
        queue: dispatch.queue.shortName,
        until,
        reason,
      });
    }
  } catch {
    // Not recorded: this object is enqueued all the same, and the next refused instance records it.
  }
}

/** The dispatch, when it is `auto` with its back-pressure. */
export function autoDispatch(dispatch: Dispatch | undefined): (Dispatch & { pressure: BackPressure }) | undefined {
  return dispatch?.mode === 'auto' && dispatch.pressure !== undefined ? (dispatch as Dispatch & { pressure: BackPressure }) : undefined;
}
