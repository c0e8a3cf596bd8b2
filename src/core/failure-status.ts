/**
 * The HTTP answer for a failed backup, pure, read off the failure table (src/core/failure-table.ts): the
 * object generation is gone → 404; retrying cannot help → 422; everything worth retrying (busy,
 * transient, quota, a revoked authorization) → 503 with `Retry-After`, carrying the operator's action.
 * A Cloud Tasks dispatch gets the answer that decides its task's fate instead (`taskFailureReply`).
 */
import type { Failure } from './failure.js';
import { FAILURE_TABLE } from './failure-table.js';

export interface HttpReply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Seconds a caller should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 30;

export function failureReply(failure: Failure, subject: string): HttpReply {
  const { http } = FAILURE_TABLE[failure.kind];
  const action = ('action' in failure ? failure.action : undefined) ?? http.action;
  const body = { error: http.error(subject, failure.reason), ...(action !== undefined ? { action } : {}) };
  if (http.status !== 503) return { status: http.status, body };
  return { status: 503, body: { ...body, retry: true }, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } };
}

/**
 * The answer to a Cloud Tasks dispatch of `POST /backup` that failed (the table's `task` column): 200
 * acknowledges what retrying cannot change (the task is deleted; the line was written), anything else
 * has the task retried with the queue's backoff, after Drive's `Retry-After` when it gave one.
 */
export function taskFailureReply(failure: Failure, subject: string): HttpReply {
  const { http, task } = FAILURE_TABLE[failure.kind];
  const action = ('action' in failure ? failure.action : undefined) ?? http.action;
  const body = { error: http.error(subject, failure.reason), ...(action !== undefined ? { action } : {}) };
  if (task === 200) return { status: 200, body: { ...body, acknowledged: true } };
  const retryAfterMs = 'retryAfterMs' in failure ? failure.retryAfterMs : undefined;
  const headers = retryAfterMs !== undefined ? { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) } : undefined;
  return { status: task, body: { ...body, retry: true }, ...(headers ? { headers } : {}) };
}

export function badRequest(problems: readonly string[]): HttpReply {
  return { status: 400, body: { error: `invalid request: ${problems.join('; ')}`, problems } };
}
