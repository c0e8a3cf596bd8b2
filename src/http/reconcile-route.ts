/**
 * `POST /reconcile {"bucket"?, "prefix"?, "dryRun"?, "maxSeconds"?, "queueOnly"?}` (Cloud Scheduler posts
 * `{}`): back up whatever the event trigger missed, within the time budget, and answer with the run's
 * report. A run stopped by a failure answers 503 with the partial report, so Scheduler retries it.
 * With DISPATCH=tasks it is also the queue's tick, first: it resumes the queue once a pause for Drive's
 * daily upload limit is over (src/tasks/pause-route.ts); `queueOnly: true` is the tick alone, for a frequent schedule.
 */
import type { Runtime } from '../tasks/dispatch.js';
import { classifyFailure } from '../core/classify.js';
import { createDeadline } from '../core/time-budget.js';
import { bucketExists } from '../gcs/source.js';
import { reconcileBucket } from '../reconcile/reconcile.js';
import { badRequest, failureReply, RETRY_AFTER_SECONDS, type HttpReply } from '../core/failure-status.js';
import { queueTick, type QueueStatus } from '../tasks/pause-route.js';
import { parseReconcileBody, validationContext } from './validate.js';

export async function reconcileRoute(runtime: Runtime, body: unknown): Promise<HttpReply> {
  const parsed = parseReconcileBody(body, validationContext(runtime.config));
  if (!parsed.ok) return badRequest(parsed.problems);
  const request = parsed.value;
  let queue: QueueStatus | undefined;
  if (runtime.dispatch) {
    try {
      queue = await queueTick(runtime, runtime.dispatch);
    } catch (err) {
      return failureReply(classifyFailure(err, 'cloud-tasks'), `the tick of the queue ${runtime.dispatch.queue.shortName}`);
    }
  }
  if (request.queueOnly) return { status: 200, body: { queue: queue ?? null } };
  const subject = `reconcile of gs://${request.bucket}/${request.prefix}`;
  const deadline = createDeadline(runtime.config.deadlineMs);

  try {
    const exists = await bucketExists(runtime.source, request.bucket, { deadline });
    if (!exists) return { status: 404, body: { error: `bucket ${request.bucket} not found` } };
  } catch (err) {
    return failureReply(classifyFailure(err, 'gcs-source'), subject);
  }

  let result;
  try {
    result = await reconcileBucket(runtime, request, { objectDeadline: () => deadline });
  } catch (err) {
    return failureReply(classifyFailure(err, 'drive'), subject);
  }
  const { error, ...report } = result;
  const queued = queue !== undefined ? { queue } : {};
  if (error === undefined) return { status: 200, body: { ...report, ...queued } };
  const reason = classifyFailure(error, 'drive').reason;
  return {
    status: 503,
    body: { error: `${subject} stopped: ${reason}`, retry: true, ...report, ...queued },
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  };
}
