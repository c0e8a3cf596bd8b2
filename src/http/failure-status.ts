/**
 * The HTTP answer for a failed backup, pure: the verdict (src/verdict.ts) decides. The object generation
 * is gone → 404; retrying cannot help → 422; everything worth retrying (busy, transient, quota, a
 * revoked authorization, a config problem) → 503 with `Retry-After`, carrying the operator's action.
 */
import type { Failure } from '../errors.js';
import type { Verdict } from '../verdict.js';

export interface HttpReply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Seconds a caller should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 30;

export function failureReply(verdict: Verdict, subject: string): HttpReply {
  const action = 'action' in verdict && verdict.action !== undefined ? { action: verdict.action } : {};
  switch (verdict.log) {
    case 'gone':
      return { status: 404, body: { error: `${subject} not found: ${verdict.reason}` } };
    case 'permanent':
      return { status: 422, body: { error: `${subject} cannot be backed up: ${verdict.reason}`, ...action } };
    case 'reauthorize':
      return retryLater(`the Drive authorization was revoked or expired: ${verdict.reason}`, {
        action: 'run `gcs-drive-backup authorize` again',
      });
    case 'operator':
      return retryLater(`${subject}: ${verdict.reason}`, action);
    case 'checkpoint':
      return retryLater(`${subject}: ${verdict.reason}`, { action: 'call again to continue the upload' });
    default:
      return retryLater(`${subject}: ${verdict.reason}`, {});
  }
}

function retryLater(error: string, extra: Record<string, unknown>): HttpReply {
  return { status: 503, body: { error, retry: true, ...extra }, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } };
}

/** The verdict for a failure classified by src/errors.ts (e.g. reading object metadata from Cloud Storage). */
export function verdictOfFailure(failure: Failure): Verdict {
  switch (failure.kind) {
    case 'object-gone':
      return { retry: false, log: 'gone', reason: failure.reason };
    case 'permanent':
      return { retry: false, log: 'permanent', reason: failure.reason, action: failure.action };
    case 'operator':
      return { retry: true, log: 'operator', reason: failure.reason, action: failure.action };
    case 'reauthorize':
      return { retry: true, log: 'reauthorize', reason: failure.reason };
    default:
      return { retry: true, log: 'transient', reason: failure.reason };
  }
}

export function badRequest(problems: readonly string[]): HttpReply {
  return { status: 400, body: { error: `invalid request: ${problems.join('; ')}`, problems } };
}
