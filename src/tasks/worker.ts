/**
 * `POST /backup` as a Cloud Tasks dispatch (a request carrying `X-CloudTasks-TaskName`, DISPATCH=tasks):
 * the same backup as any `POST /backup`, answered so that the task's fate is right. 2xx deletes the task:
 * done, or nothing to do (the generation is gone, the body is malformed, retrying cannot help); anything
 * else retries it with the queue's backoff (the failure table's `task` column). Drive's rate limits are
 * not retried inside the invocation: the worker answers 429 at once and Cloud Tasks slows the queue down.
 * Drive's daily upload limit pauses the queue (pause-route.ts). Every dispatch writes its object's line, so
 * duplicate executions (Cloud Tasks may run a task twice) meet the exactly-once claim and end `skipped`.
 */
import { randomUUID } from 'node:crypto';
import { backupAndLog, logFailedAttempt } from '../backup/backup-and-log.js';
import type { Runtime } from './dispatch.js';
import { classifyFailure } from '../core/classify.js';
import { createDeadline } from '../core/time-budget.js';
import { objectMetadata } from '../gcs/source.js';
import { taskFailureReply, type HttpReply } from '../core/failure-status.js';
import type { Parsed } from '../core/names.js';
import type { BackupTaskBody } from './backup-queue.js';
import { isDailyUploadLimit, pauseForDailyLimit } from './pause-route.js';
import { describeRef } from '../core/object-ref.js';

/** The `X-CloudTasks-*` headers of the dispatch. */
export interface TaskDispatch {
  /** `X-CloudTasks-TaskName`: the task's ID. */
  task: string;
}

/** A task's body as `POST /backup` parsed it (src/http/validate.ts); a task may leave out the generation. */
export type ParsedTaskBody = Parsed<Omit<BackupTaskBody, 'generation'> & { generation?: string }>;

export async function backupTask(runtime: Runtime, parsed: ParsedTaskBody, dispatch: TaskDispatch, trace?: string): Promise<HttpReply> {
  const started = Date.now();
  const { logger, config } = runtime;
  if (!parsed.ok) {
    // Retrying the same body cannot make it valid: acknowledged, with one ERROR line, like a malformed event.
    logger.malformedEvent({ id: dispatch.task, problems: parsed.problems, trace });
    return { status: 200, body: { acknowledged: true, error: `invalid task body: ${parsed.problems.join('; ')}` } };
  }
  const { bucket, name, generation, restoreMissing } = parsed.value;
  const deadline = createDeadline(config.deadlineMs);
  const object = { bucket, name, generation: generation ?? 'live', trace };

  let ref;
  try {
    ref = await objectMetadata(runtime.source, { bucket, name, generation }, { deadline });
  } catch (err) {
    // 404: the generation was overwritten or deleted since the event: nothing to back up (`skipped`).
    const failure = classifyFailure(err, 'gcs-source');
    const secret = config.tokenSecretVersion;
    logFailedAttempt(logger, { object, failure, error: err, durationMs: Date.now() - started, attempts: 1, secret });
    return taskFailureReply(failure, describeRef(object));
  }

  const dispatching = runtime.dispatch;
  const pauses = (failure: Parameters<typeof isDailyUploadLimit>[0]) => dispatching !== undefined && isDailyUploadLimit(failure);
  const result = await backupAndLog(runtime, ref, {
    deadline,
    invocationId: `task-${dispatch.task}/${randomUUID()}`,
    trace,
    restoreMissing,
    onRateLimit: { drive: 'give-up' },
    quiet: pauses,
  });
  if (result.ok) {
    const { ok: _ok, ...outcome } = result;
    return { status: 200, body: { bucket, name, generation: ref.generation, ...outcome } };
  }
  const { failure } = result;
  if (dispatching !== undefined && failure.kind === 'operator' && pauses(failure)) {
    const attempt = {
      object: { ...object, generation: ref.generation },
      failure,
      error: result.error,
      durationMs: Date.now() - started,
      attempts: result.attempts,
    };
    return pauseForDailyLimit(runtime, dispatching, attempt);
  }
  return taskFailureReply(failure, describeRef(ref));
}
