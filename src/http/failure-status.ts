/**
 * The HTTP answer for a failed backup, pure, read off the failure table (src/core/failure-table.ts): the
 * object generation is gone → 404; retrying cannot help → 422; everything worth retrying (busy,
 * transient, quota, a revoked authorization) → 503 with `Retry-After`, carrying the operator's action.
 */
import type { Failure } from '../core/failure.js';
import { FAILURE_TABLE } from '../core/failure-table.js';

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

export function badRequest(problems: readonly string[]): HttpReply {
  return { status: 400, body: { error: `invalid request: ${problems.join('; ')}`, problems } };
}
