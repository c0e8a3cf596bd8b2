/**
 * What each kind of failure (core/failure.ts) means, in one exhaustive table: a new kind fails to compile
 * until it has its row. A row says whether the gateway retries it inside the invocation, what happens to
 * the event (thrown back to Eventarc, which retries for up to 24 h, or acknowledged), which line a failed
 * object attempt writes, how reconcile counts it, and what `POST /backup` answers. Pure.
 */
import type { FailureKind } from './failure.js';

/** The log events a failed object attempt writes (one per attempt; see src/core/logs.ts). */
export type AttemptLogEvent = 'objectOutcome' | 'uploadCheckpoint' | 'operatorActionRequired' | 'reauthorizeRequired' | 'permanentFailure';

export interface Treatment {
  /** The gateway retries it at once, with backoff (core/retry.ts). */
  readonly retryNow: boolean;
  /** The event's fate. */
  readonly event: 'retry' | 'acknowledge';
  /** The one line a failed object attempt writes, at this severity. */
  readonly log: { readonly event: AttemptLogEvent; readonly severity: 'INFO' | 'ERROR' };
  /** How the attempt counts: failed, or skipped (the generation is gone: nothing is lost). */
  readonly outcome: 'failed' | 'skipped';
  /** `POST /backup`: the status, the error sentence, and the action when the failure carries none. */
  readonly http: {
    readonly status: 404 | 422 | 503;
    readonly error: (subject: string, reason: string) => string;
    readonly action?: string;
  };
}

const failedLine = { event: 'objectOutcome', severity: 'ERROR' } as const;
const retryLater = { status: 503, error: (subject: string, reason: string) => `${subject}: ${reason}` } as const;
const retried = { retryNow: false, event: 'retry', log: failedLine, outcome: 'failed', http: retryLater } as const;

export const FAILURE_TABLE: { readonly [K in FailureKind]: Treatment } = {
  transient: { ...retried, retryNow: true },
  'rate-limited': { ...retried, retryNow: true },
  busy: retried,
  'session-gone': retried,
  'backup-file-gone': retried,
  checkpoint: {
    ...retried,
    log: { event: 'uploadCheckpoint', severity: 'INFO' },
    http: { ...retryLater, action: 'call again to continue the upload' },
  },
  operator: { ...retried, log: { event: 'operatorActionRequired', severity: 'ERROR' } },
  reauthorize: {
    ...retried,
    log: { event: 'reauthorizeRequired', severity: 'ERROR' },
    http: {
      status: 503,
      error: (_subject, reason) => `the Drive authorization was revoked or expired: ${reason}`,
      action: 'run `gcs-drive-backup authorize` again',
    },
  },
  permanent: {
    retryNow: false,
    event: 'acknowledge',
    log: { event: 'permanentFailure', severity: 'ERROR' },
    outcome: 'failed',
    http: { status: 422, error: (subject, reason) => `${subject} cannot be backed up: ${reason}` },
  },
  'object-gone': {
    retryNow: false,
    event: 'acknowledge',
    log: { event: 'objectOutcome', severity: 'INFO' },
    outcome: 'skipped',
    http: { status: 404, error: (subject, reason) => `${subject} not found: ${reason}` },
  },
};
