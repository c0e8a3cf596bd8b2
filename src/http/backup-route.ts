/**
 * `POST /backup {"bucket", "name", "generation"?}`: back up one object generation now (the live one when
 * no generation is given) and answer with the outcome — or 404 when the bucket or object does not exist.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import { classifyFailure, isNotFound } from '../errors.js';
import { bucketExists, objectMetadata } from '../gcs/source.js';
import { withRetry } from '../retry.js';
import type { Runtime } from '../runtime.js';
import { createDeadline } from '../time-budget.js';
import { backupAndLog } from '../backup-and-log.js';
import { badRequest, failureReply, verdictOfFailure, type HttpReply } from './failure-status.js';
import { parseBackupBody, type ValidationContext } from './validate.js';

export function validationContext(config: Config): ValidationContext {
  return {
    sourceBucket: config.sourceBucket,
    stateBucket: config.stateBucket,
    defaultMaxSeconds: config.reconcileMaxSeconds,
    maxSecondsLimit: config.deadlineMs / 1000,
  };
}

export async function backupRoute(runtime: Runtime, body: unknown, trace?: string): Promise<HttpReply> {
  const parsed = parseBackupBody(body, validationContext(runtime.config));
  if (!parsed.ok) return badRequest(parsed.problems);
  const { bucket, name, generation } = parsed.value;
  const deadline = createDeadline(runtime.config.deadlineMs);
  const subject = `gs://${bucket}/${name}${generation !== undefined ? `#${generation}` : ''}`;

  let ref;
  try {
    ref = await withRetry(() => objectMetadata(runtime.storage, bucket, name, generation), {
      classify: (err) => classifyFailure(err, 'gcs'),
      deadline,
    });
  } catch (err) {
    if (isNotFound(err)) {
      const found = await bucketExists(runtime.storage, bucket);
      return { status: 404, body: { error: found ? `object ${subject} not found` : `bucket ${bucket} not found` } };
    }
    return failureReply(verdictOfFailure(classifyFailure(err, 'gcs')), subject);
  }

  const result = await backupAndLog(runtime, ref, { deadline, invocationId: `http-${randomUUID()}`, trace });
  if (!result.ok) return failureReply(result.verdict, `gs://${bucket}/${name}#${ref.generation}`);
  const { ok: _ok, ...outcome } = result;
  return { status: 200, body: { bucket, name, generation: ref.generation, ...outcome } };
}
