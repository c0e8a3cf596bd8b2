/**
 * The HTTP function's side of the backup queue's pause (DISPATCH=tasks): a worker that meets Drive's daily
 * upload limit pauses the queue until UPLOAD_LIMIT_PAUSE_SEC from now (queue-pause.ts) and
 * answers 503 with `Retry-After` up to then, so its task is retried after the resume; the scheduler's tick
 * (`POST /reconcile`) resumes the queue once that time has passed. One ERROR line at the pause
 * (`queuePaused`), one INFO line at the resume (`queueResumed`); a worker that finds the pause already in
 * force writes an INFO `taskDeferred` instead.
 */
import type { Dispatch, Runtime } from './dispatch.js';
import { logFailedAttempt } from '../backup/backup-and-log.js';
import type { Failure } from '../core/failure.js';
import type { TickOutcome } from './queue-pause.js';
import type { HttpReply } from '../core/failure-status.js';

/** Drive's daily upload limit, as the failure table's operator kind names it. */
export function isDailyUploadLimit(failure: Failure): boolean {
  return failure.kind === 'operator' && failure.service === 'drive' && failure.problemCode === 'drive-daily-limit';
}

const iso = (ms: number): string => new Date(ms).toISOString();

interface Attempt {
  object: { bucket: string; name: string; generation: string; trace?: string };
  failure: Failure & { kind: 'operator' };
  error: unknown;
  durationMs: number;
  attempts: number;
}

/** Pauses the queue (or finds it paused) for an attempt that met the daily limit; the task's answer. */
export async function pauseForDailyLimit(runtime: Runtime, dispatch: Dispatch, attempt: Attempt): Promise<HttpReply> {
  const { logger } = runtime;
  const { object, failure } = attempt;
  const queue = dispatch.queue.shortName;
  let paused;
  try {
    paused = await dispatch.pause.pause(failure.reason);
  } catch (err) {
    // The queue could not be paused: the attempt's own line says what happened, and the task is retried.
    logFailedAttempt(logger, { ...attempt, secret: runtime.config.tokenSecretVersion });
    const reason = err instanceof Error ? err.message : String(err);
    return { status: 503, body: { error: `pausing the queue ${queue} failed: ${reason}`, retry: true } };
  }
  const resumeAt = iso(paused.record.resumeAtMs);
  if (paused.byThisCall) {
    const { reason: problem, problemCode, kind: failureClass, service } = failure;
    const action = `none: the queue resumes by itself after ${resumeAt} (UPLOAD_LIMIT_PAUSE_SEC); Drive allows 750 GB of uploads per user per day`;
    logger.queuePaused({ ...object, problem, action, problemCode, failureClass, service, queue, resumeAt });
  } else {
    logger.taskDeferred({ ...object, queue, resumeAt, reason: failure.reason });
  }
  const seconds = Math.max(1, Math.ceil((paused.record.resumeAtMs - Date.now()) / 1000));
  return {
    status: 503,
    body: { error: `Drive's daily upload limit: the queue ${queue} is paused until ${resumeAt}`, retry: true, resumeAt },
    headers: { 'retry-after': String(seconds) },
  };
}

export interface QueueStatus {
  queue: string;
  state: 'running' | 'paused' | 'resumed';
  resumeAt?: string;
}

/** The scheduler's tick: resumes the queue when its pause is over; what the queue's state is now. */
export async function queueTick(runtime: Runtime, dispatch: Dispatch): Promise<QueueStatus> {
  const queue = dispatch.queue.shortName;
  const outcome: TickOutcome = await dispatch.pause.tick();
  switch (outcome.state) {
    case 'running':
    case 'raced':
      return { queue, state: 'running' };
    case 'paused':
      return { queue, state: 'paused', resumeAt: iso(outcome.record.resumeAtMs) };
    case 'resumed': {
      const { pausedAtMs, resumeAtMs } = outcome.record;
      runtime.logger.queueResumed({ queue, pausedAt: iso(pausedAtMs), resumeAt: iso(resumeAtMs) });
      return { queue, state: 'resumed', resumeAt: iso(resumeAtMs) };
    }
  }
}
