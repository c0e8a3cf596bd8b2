/**
 * The one place where the product decides what a failure means (like rclone's Drive `shouldRetry`):
 * `classifyFailure` turns any error a Google client, the network or this product throws into a `Failure`
 * that says what to do next. Also the product's own error classes and the small status predicates
 * (`isNotFound`, `isConflict`, `isPreconditionFailed`) callers use for expected outcomes.
 *
 * Errors are read by shape, not by `instanceof`: several copies of gaxios (6 and 7) live in node_modules.
 * Reasons never carry tokens, request headers or session URIs (see `redact`).
 */
import { apiMessageOf, apiReasonOf, grpcCodeOf, httpStatusOf, networkCodeOf, oauthErrorOf, redact, retryAfterOf } from './error-shapes.js';

export {
  apiReasonOf,
  grpcCodeOf,
  httpStatusOf,
  isConflict,
  isNotFound,
  isPreconditionFailed,
  networkCodeOf,
  oauthErrorOf,
  parseRetryAfter,
  redact,
} from './error-shapes.js';

export type Failure =
  /** Retry: in-invocation with backoff, then throw so Eventarc retries. */
  | { kind: 'transient'; reason: string; retryAfterMs?: number }
  /** `invalid_grant`: the user must re-run authorize. */
  | { kind: 'reauthorize'; reason: string }
  /** The operator can fix it (quota, permissions, missing folder or secret): ERROR line, throw (event retried). */
  | { kind: 'operator'; reason: string; action: string }
  /** Retrying cannot fix it (too large, unusable name, invalid request): ERROR line, acknowledge. */
  | { kind: 'permanent'; reason: string; action?: string }
  /** The GCS object generation no longer exists: acknowledge. */
  | { kind: 'object-gone'; reason: string }
  /** The Drive resumable session is gone (404/410): restart the upload from zero. */
  | { kind: 'session-gone'; reason: string }
  /** Another instance holds this object's lease: throw, the retried event finds it done. Not retried in-invocation. */
  | { kind: 'busy'; reason: string }
  /** Stopped before the deadline with progress saved: throw so the retried event continues. */
  | { kind: 'checkpoint'; reason: string }
  /** The Drive file a new generation should revise was deleted in Drive: the backup starts a new file. */
  | { kind: 'backup-file-gone'; reason: string };

export type FailureSource = 'drive' | 'gcs' | 'secret-manager' | 'oauth' | 'drive-root';

/** A non-success reply of the Drive upload endpoint, thrown by src/drive/resumable-session.ts. */
export class DriveHttpError extends Error {
  override readonly name = 'DriveHttpError';
  constructor(
    readonly status: number,
    /** `error.errors[0].reason` of Drive's JSON error body, when there is one. */
    readonly reason: string | undefined,
    /** The reply body (truncated), for the log. */
    readonly body: string,
    readonly retryAfterMs?: number,
  ) {
    super(`Drive upload replied ${status}${reason ? ` ${reason}` : ''}`);
  }
}

/** The resumable upload session expired or was cancelled (404/410 on the session URI). */
export class SessionGoneError extends Error {
  override readonly name = 'SessionGoneError';
  constructor(readonly status: number) {
    super(`Drive resumable upload session is gone (${status})`);
  }
}

export class ObjectTooLargeError extends Error {
  override readonly name = 'ObjectTooLargeError';
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`object of ${size} bytes exceeds the ${limit}-byte limit of a Drive file`);
  }
}

/** Thrown by src/retry.ts when transient failures outlast the attempts or the deadline. */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  constructor(
    readonly attempts: number,
    readonly failure: Failure,
    /** Why retrying stopped: out of attempts, or the next wait would pass the deadline. */
    readonly stoppedBy: 'attempts' | 'deadline',
    options: { cause: unknown },
  ) {
    super(`gave up after ${attempts} attempt(s) (${stoppedBy}): ${failure.reason}`, options);
  }
}

// ---- the classification ------------------------------------------------------------------------------

const EVENTS_RETRIED = 'events are retried for 24 h, then run reconcile';

/**
 * An error of the product's own that knows its class (busy object, deadline checkpoint, integrity
 * mismatch, revoked authorization...): declared next to the code that throws it, read here.
 */
export interface ClassifiedError extends Error {
  readonly failure: Failure;
}

function isClassified(err: unknown): err is ClassifiedError {
  const failure = (err as { failure?: { kind?: unknown } } | null)?.failure;
  return err instanceof Error && typeof failure?.kind === 'string';
}

/** The object generation no longer exists (overwritten or deleted): its newer generation has its own event. */
export class ObjectGoneError extends Error {
  override readonly name = 'ObjectGoneError';
  constructor(readonly source: string) {
    super(`${source} no longer exists`);
  }
}

/** What to do about `err`, raised while talking to `where`. */
const SOURCE = Symbol('failureSource');

/**
 * Marks errors of `operation` as coming from `where`, for steps that mix services (a claim reads the state
 * bucket and asks Drive): classifyFailure then reads them as that service's errors.
 */
export async function fromSource<T>(where: FailureSource, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    if (err !== null && typeof err === 'object' && !(SOURCE in err)) Object.defineProperty(err, SOURCE, { value: where });
    throw err;
  }
}

export function classifyFailure(err: unknown, where: FailureSource): Failure {
  const tagged = err !== null && typeof err === 'object' ? (err as { [SOURCE]?: FailureSource })[SOURCE] : undefined;
  if (tagged !== undefined) where = tagged;
  if (err instanceof RetriesExhaustedError) return err.failure;
  if (isClassified(err)) return err.failure;
  if (err instanceof ObjectGoneError) return { kind: 'object-gone', reason: err.message };
  if (err instanceof SessionGoneError) return { kind: 'session-gone', reason: err.message };
  if (err instanceof ObjectTooLargeError)
    return { kind: 'permanent', reason: err.message, action: 'the object cannot be backed up to Drive' };

  const oauth = oauthErrorOf(err);
  if (oauth) return classifyOAuth(oauth, err);
  const grpc = grpcCodeOf(err);
  if (grpc !== undefined) return classifyGrpc(grpc);
  const status = httpStatusOf(err);
  if (status !== undefined)
    return classifyHttp({ status, reason: apiReasonOf(err), message: apiMessageOf(err), retryAfterMs: retryAfterOf(err) }, where);
  const network = networkCodeOf(err);
  if (network) return { kind: 'transient', reason: `network: ${network}` };
  // Unknown errors are retried, not acknowledged: acknowledging loses the backup for good, while a wrong
  // retry ends by itself (Eventarc gives up after 24 h) and reconcile catches up on the object later.
  return { kind: 'transient', reason: `unrecognised error: ${describe(err)}` };
}

function describe(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return redact(text).slice(0, 300);
}

function classifyOAuth(code: string, err: unknown): Failure {
  if (code === 'invalid_grant') {
    return { kind: 'reauthorize', reason: 'the refresh token was revoked or expired (invalid_grant): run authorize again' };
  }
  if (code === 'invalid_client' || code === 'unauthorized_client') {
    return {
      kind: 'operator',
      reason: `OAuth token endpoint rejected the client (${code})`,
      action: 'OAuth client deleted or secret rotated: run authorize',
    };
  }
  const status = httpStatusOf(err);
  if (status === undefined || status >= 500 || status === 429 || code === 'temporarily_unavailable') {
    return { kind: 'transient', reason: `OAuth token endpoint: ${redact(code)}` };
  }
  return {
    kind: 'operator',
    reason: `OAuth token endpoint replied ${status} ${redact(code)}`,
    action: 'check the OAuth client configuration, then run authorize',
  };
}

function classifyGrpc(code: number): Failure {
  switch (code) {
    case 5:
      return { kind: 'operator', reason: 'Secret Manager: NOT_FOUND', action: 'secret or version not found: run authorize' };
    case 7:
      return {
        kind: 'operator',
        reason: 'Secret Manager: PERMISSION_DENIED',
        action: 'runtime service account needs roles/secretmanager.secretAccessor on the secret',
      };
    case 9:
      return {
        kind: 'operator',
        reason: 'Secret Manager: FAILED_PRECONDITION',
        action: 'secret version disabled or destroyed: run authorize to add a new version',
      };
    case 3:
      return {
        kind: 'operator',
        reason: 'Secret Manager: INVALID_ARGUMENT',
        action: 'check the secret name in the function configuration',
      };
    default:
      // 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED, 8 RESOURCE_EXHAUSTED, 16 UNAUTHENTICATED (metadata server
      // token hiccup), 13 INTERNAL, 10 ABORTED, 1 CANCELLED, 2 UNKNOWN: all worth another try.
      return { kind: 'transient', reason: `gRPC status ${code}` };
  }
}

const RATE_LIMITS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'sharingRateLimitExceeded']);
const STORAGE_FULL = new Set(['storageQuotaExceeded', 'quotaExceeded']);
const DAILY_LIMITS = new Set(['dailyLimitExceeded', 'uploadLimitExceeded']);

interface HttpFacts {
  status: number;
  reason?: string;
  message?: string;
  retryAfterMs?: number;
}

function classifyHttp({ status, reason, message, retryAfterMs }: HttpFacts, where: FailureSource): Failure {
  const what = `${serviceName(where)} replied ${status}${reason ? ` ${reason}` : ''}`;
  const transient = (): Failure => ({ kind: 'transient', reason: what, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  if (status === 408 || status === 429 || status >= 500) return transient();
  // 401: the access token expired; the OAuth client refreshes on the next attempt.
  if (status === 401) return transient();

  if (where === 'drive' || where === 'drive-root') {
    if (status === 403) return classifyDrive403(reason, message, what, transient);
    if (status === 404 && where === 'drive-root') {
      return {
        kind: 'operator',
        reason: what,
        action:
          'DRIVE_FOLDER_ID names a folder not found or not visible to this app; with the drive.file scope the app sees only folders it created: run authorize to create the folder',
      };
    }
    // A folder or file of ours vanished meanwhile (deleted by the user): the next attempt resolves the path again.
    if (status === 404) return transient();
    if (status === 409) return transient();
    if (status === 413) return { kind: 'permanent', reason: what, action: 'the object is too large for Drive' };
  }
  if (where === 'gcs') {
    if (status === 404) return { kind: 'object-gone', reason: what };
    // 412 on a generation-pinned read: that generation is no longer the live one.
    if (status === 412) return { kind: 'object-gone', reason: what };
    if (status === 403)
      return { kind: 'operator', reason: what, action: 'the runtime service account lacks storage.objects.get on the bucket' };
    if (status === 409) return transient();
  }
  if (where === 'secret-manager') {
    if (status === 404) return classifyGrpc(5);
    if (status === 403) return classifyGrpc(7);
    return { kind: 'operator', reason: what, action: 'check the secret name in the function configuration' };
  }
  if (where === 'oauth') return { kind: 'operator', reason: what, action: 'check the OAuth client configuration, then run authorize' };
  if (status === 403) return { kind: 'operator', reason: what, action: 'check permissions' };
  return { kind: 'permanent', reason: what, action: status === 412 ? 'an unhandled precondition: report a bug' : undefined };
}

function classifyDrive403(reason: string | undefined, message: string | undefined, what: string, transient: () => Failure): Failure {
  // Drive reports the daily upload limit (750 GB) as userRateLimitExceeded too, told apart only by this
  // exact message; ordinary rate limits say "User Rate Limit Exceeded. Rate of requests …".
  const dailyLimit = reason === 'userRateLimitExceeded' && message === 'User rate limit exceeded.';
  if (reason && RATE_LIMITS.has(reason) && !dailyLimit) return transient();
  if (reason && STORAGE_FULL.has(reason)) {
    return {
      kind: 'operator',
      reason: what,
      action: `Drive storage of the authorized user is full: free space or add storage; ${EVENTS_RETRIED}`,
    };
  }
  if (dailyLimit || (reason && DAILY_LIMITS.has(reason))) {
    return {
      kind: 'operator',
      reason: what,
      action: `the Drive daily upload limit of the authorized user is exhausted; ${EVENTS_RETRIED}`,
    };
  }
  return {
    kind: 'operator',
    reason: what,
    action:
      'the app lacks permission on the Drive file or folder (drive.file scope sees only files the app created): check DRIVE_FOLDER_ID and run authorize',
  };
}

function serviceName(where: FailureSource): string {
  return { drive: 'Drive', 'drive-root': 'Drive', gcs: 'Cloud Storage', 'secret-manager': 'Secret Manager', oauth: 'OAuth' }[where];
}
