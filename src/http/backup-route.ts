/**
 * `POST /backup {"bucket", "name", "generation"?, "restoreMissing"?}`: back up one object generation now
 * (the live one when no generation is given) and answer with the outcome — or 404 when the bucket or
 * object does not exist. A Cloud Tasks dispatch (DISPATCH=tasks) is answered for its task (src/tasks/worker.ts),
 * once its token proves it comes from the queue's dispatcher; the `X-CloudTasks-*` headers alone are
 * ignored (direct mode: silently; tasks mode: with a WARNING line).
 */
import { randomUUID } from 'node:crypto';
import { backupAndLog } from '../backup/backup-and-log.js';
import type { Runtime } from '../tasks/dispatch.js';
import { classifyFailure } from '../core/classify.js';
import { isNotFound } from '../core/error-shapes.js';
import { createDeadline } from '../core/time-budget.js';
import { bucketExists, objectMetadata } from '../gcs/source.js';
import { backupTask, type TaskDispatch } from '../tasks/worker.js';
import { badRequest, failureReply, type HttpReply } from '../core/failure-status.js';
import { parseBackupBody, validationContext } from './validate.js';
import { describeRef } from '../core/object-ref.js';

/** What a request claims to be: a dispatch of `task` (its `X-CloudTasks-TaskName`), with its `Authorization`. */
export interface ClaimedTask extends TaskDispatch {
  authorization?: string;
}

export async function backupRoute(runtime: Runtime, body: unknown, trace?: string, claimed?: ClaimedTask): Promise<HttpReply> {
  const parsed = parseBackupBody(body, validationContext(runtime.config));
  if (claimed !== undefined && runtime.dispatch !== undefined) {
    const verdict = await runtime.dispatch.verifyDispatcher(claimed.authorization);
    if (verdict.ok) return backupTask(runtime, parsed, { task: claimed.task }, trace);
    runtime.logger.taskHeadersIgnored({ task: claimed.task, reason: verdict.reason, trace });
  }
  if (!parsed.ok) return badRequest(parsed.problems);
  const { bucket, name, generation, restoreMissing } = parsed.value;
  const deadline = createDeadline(runtime.config.deadlineMs);
  const subject = describeRef({ bucket, name, generation });

  let ref;
  try {
    ref = await objectMetadata(runtime.source, { bucket, name, generation }, { deadline });
  } catch (err) {
    if (isNotFound(err)) {
      const found = await bucketExists(runtime.source, bucket, { deadline });
      return { status: 404, body: { error: found ? `object ${subject} not found` : `bucket ${bucket} not found` } };
    }
    return failureReply(classifyFailure(err, 'gcs-source'), subject);
  }

  const result = await backupAndLog(runtime, ref, { deadline, invocationId: `http-${randomUUID()}`, trace, restoreMissing });
  if (!result.ok) return failureReply(result.failure, describeRef(ref));
  const { ok: _ok, ...outcome } = result;
  return { status: 200, body: { bucket, name, generation: ref.generation, ...outcome } };
}
