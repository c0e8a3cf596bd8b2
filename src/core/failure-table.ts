/**
 * What each kind of failure (core/failure.ts) means, in one exhaustive table: a new kind fails to compile
 * until it has its row. A row says whether the gateway retries it inside the invocation, what happens to
 * the event (thrown back to Eventarc, which retries for up to 24 h, or acknowledged), which line a failed
 * object attempt writes, how reconcile counts it, what `POST /backup` answers, and what it answers a Cloud
 * Tasks dispatch (DISPATCH=tasks: 2xx deletes the task, anything else retries it with the queue's backoff;
 * 429 and 503 also make Cloud Tasks slow the queue down,
 * https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues#RateLimits). Pure.
 */
import type { FailureKind } from './failure.js';

/** The log events a failed object attempt writes (one per attempt; see src/core/logs.ts). */
export type AttemptLogEvent = 'objectOutcome' | 'uploadCheckpoint' | 'operatorActionRequired' | 'reauthorizeRequired' | 'permanentFailure';

export interface Treatment {
  /** The gateway retries it at once, with backoff (core/retry.ts). */
  readonly retryNow: boolean;
  /** The event's fate. */
  readonly event: 'retry' | 'acknowledge';
  /** The one line a failed object attempt writes (its logger method decides the severity). */
  readonly log: { readonly event: AttemptLogEvent };
  /** How the attempt counts: failed, or skipped (the generation is gone: nothing is lost). */
  readonly outcome: 'failed' | 'skipped';
  /** `POST /backup`: the status, the error sentence, and the action when the failure carries none. */
  readonly http: {
    readonly status: 404 | 422 | 503;
    readonly error: (subject: string, reason: string) => string;
    readonly action?: string;
  };
  /**
   * A Cloud Tasks dispatch of `POST /backup`: 200 acknowledges (the task is done), 429/503 retry it and
   * slow the queue (Drive's rate limits, an unavailable service, an operator problem), 500 retries it
   * without slowing the queue (a failure of this one object: a lease held by a duplicate, a checkpoint).
   */
  readonly task: 200 | 429 | 500 | 503;
}

const failedLine = { event: 'objectOutcome' } as const;
const retryLater = { status: 503, error: (subject: string, reason: string) => `${subject}: ${reason}` } as const;
const retried = { retryNow: false, event: 'retry', log: failedLine, outcome: 'failed', http: retryLater, task: 500 } as const;

export const FAILURE_TABLE: { readonly [K in FailureKind]: Treatment } = {
  transient: { ...retried, retryNow: true, task: 503 },
  'rate-limited': { ...retried, retryNow: true, task: 429 },
  busy: retried,
  'session-gone': retried,
  'backup-file-gone': retried,
  checkpoint: {
    ...retried,
    log: { event: 'uploadCheckpoint' },
    http: { ...retryLater, action: 'call again to continue the upload' },
  },
  operator: { ...retried, log: { event: 'operatorActionRequired' }, task: 503 },
  reauthorize: {
    ...retried,
    task: 503,
    log: { event: 'reauthorizeRequired' },
    http: {
      status: 503,
      error: (_subject, reason) => `the Drive authorization was revoked or expired: ${reason}`,
      action: 'run `gcs-drive-backup authorize` again',
    },
  },
  permanent: {
    retryNow: false,
    event: 'acknowledge',
    log: { event: 'permanentFailure' },
    outcome: 'failed',
    http: { status: 422, error: (subject, reason) => `${subject} cannot be backed up: ${reason}` },
    task: 200,
  },
  'object-gone': {
    retryNow: false,
    event: 'acknowledge',
    log: { event: 'objectOutcome' },
    outcome: 'skipped',
    http: { status: 404, error: (subject, reason) => `${subject} not found: ${reason}` },
    task: 200,
  },
};
