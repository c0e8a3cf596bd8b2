/**
 * `POST /reconcile {"bucket"?, "prefix"?, "dryRun"?, "maxSeconds"?}` (Cloud Scheduler posts `{}`): back
 * up whatever the event trigger missed, within the time budget, and answer with the run's report. A run
 * stopped by a failure answers 503 with the partial report, so Scheduler retries it.
 */
import type { Runtime } from '../backup/deps.js';
import { classifyFailure } from '../core/classify.js';
import { createDeadline } from '../core/time-budget.js';
import { bucketExists } from '../gcs/source.js';
import { reconcileBucket } from '../reconcile/reconcile.js';
import { badRequest, failureReply, RETRY_AFTER_SECONDS, type HttpReply } from './failure-status.js';
import { parseReconcileBody, validationContext } from './validate.js';

export async function reconcileRoute(runtime: Runtime, body: unknown): Promise<HttpReply> {
  const parsed = parseReconcileBody(body, validationContext(runtime.config));
  if (!parsed.ok) return badRequest(parsed.problems);
  const request = parsed.value;
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
  if (error === undefined) return { status: 200, body: { ...report } };
  const reason = classifyFailure(error, 'drive').reason;
  return {
    status: 503,
    body: { error: `${subject} stopped: ${reason}`, retry: true, ...report },
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  };
}
