/**
 * `POST /reconcile {"bucket"?, "prefix"?, "dryRun"?, "maxSeconds"?}` (Cloud Scheduler posts `{}`): back
 * up whatever the event trigger missed, within the time budget, and answer with the run's report. A run
 * stopped by a failure answers 503 with the partial report, so Scheduler retries it.
 */
import { classifyFailure } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { createDeadline } from '../time-budget.js';
import { failureVerdict } from '../verdict.js';
import { reconcileBucket } from '../reconcile/reconcile.js';
import { bucketExists } from '../gcs/source.js';
import { validationContext } from './backup-route.js';
import { badRequest, failureReply, RETRY_AFTER_SECONDS, verdictOfFailure, type HttpReply } from './failure-status.js';
import { parseReconcileBody } from './validate.js';

export async function reconcileRoute(runtime: Runtime, body: unknown): Promise<HttpReply> {
  const parsed = parseReconcileBody(body, validationContext(runtime.config));
  if (!parsed.ok) return badRequest(parsed.problems);
  const request = parsed.value;
  const subject = `reconcile of gs://${request.bucket}/${request.prefix}`;
  const deadline = createDeadline(runtime.config.deadlineMs);

  try {
    const exists = await bucketExists(runtime.storage, request.bucket);
    if (!exists) return { status: 404, body: { error: `bucket ${request.bucket} not found` } };
  } catch (err) {
    return failureReply(verdictOfFailure(classifyFailure(err, 'gcs')), subject);
  }

  let result;
  try {
    result = await reconcileBucket(runtime, request, { objectDeadline: () => deadline });
  } catch (err) {
    return failureReply(failureVerdict(err), subject);
  }
  const { error, ...report } = result;
  if (error === undefined) return { status: 200, body: { ...report } };
  const reason = failureVerdict(error).reason;
  return {
    status: 503,
    body: { error: `${subject} stopped: ${reason}`, retry: true, ...report },
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  };
}
