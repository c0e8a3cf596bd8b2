/**
 * The one place where the product decides what an error means (like rclone's Drive `shouldRetry`):
 * `classifyFailure` turns whatever a Google client, the network or this product throws into a `Failure`
 * (core/failure.ts) whose kind the failure table (core/failure-table.ts) turns into retries, log lines,
 * the event's fate and HTTP statuses.
 *
 * Our own errors carry their failure. Library errors are read by shape (several gaxios copies live in
 * node_modules, so never `instanceof`), as errors of the service whose gateway they left: OAuth token
 * errors name their own service, whatever call they surfaced in; gRPC codes (google-gax's, also in its REST
 * fallback) are Cloud Tasks' when its gateway marked them, else Secret Manager's. Reasons never carry tokens,
 * request headers or session URIs (see `redact`).
 */
import { apiMessageOf, apiReasonOf, grpcCodeOf, httpStatusOf, networkCodeOf, oauthErrorOf, redact, retryAfterOf } from './error-shapes.js';
import { DRIVE_PERMISSION, driveReasonRule, type DriveRule } from './drive-reasons.js';
import { isClassified, markedService, SERVICE_NAMES, type Failure, type ProblemCode, type Service } from './failure.js';

/** What `err` means, read as an error of `fallback` unless a gateway marked it with its service. */
export function classifyFailure(err: unknown, fallback: Service): Failure {
  if (isClassified(err)) return err.failure;
  const service = markedService(err) ?? fallback;
  const oauth = oauthErrorOf(err);
  if (oauth) return classifyOAuth(oauth, err);
  const grpc = grpcCodeOf(err);
  if (grpc !== undefined) return service === 'cloud-tasks' ? classifyTasksCode(grpc) : classifySecretManagerCode(grpc);
  const status = httpStatusOf(err);
  if (status !== undefined) {
    return classifyHttp(service, { status, reason: apiReasonOf(err), message: apiMessageOf(err), retryAfterMs: retryAfterOf(err) });
  }
  const network = networkCodeOf(err);
  if (network) return { kind: 'transient', service, reason: `${SERVICE_NAMES[service]}: network: ${network}` };
  // Unknown errors are retried, not acknowledged: acknowledging loses the backup for good, while a wrong
  // retry ends by itself (Eventarc gives up after 24 h) and reconcile catches up on the object later.
  return { kind: 'transient', service, reason: `unrecognised error: ${describeError(err)}` };
}

function describeError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return redact(text).slice(0, 300);
}

const operator = (service: Service, reason: string, problemCode: ProblemCode, action: string): Failure => ({
  kind: 'operator',
  service,
  reason,
  problemCode,
  action,
});

function classifyOAuth(code: string, err: unknown): Failure {
  const service = 'oauth';
  if (code === 'invalid_grant') {
    const reason = 'the refresh token was revoked or expired (invalid_grant): run authorize again';
    return { kind: 'reauthorize', service, reason, problemCode: 'reauthorize' };
  }
  if (code === 'invalid_client' || code === 'unauthorized_client') {
    const reason = `OAuth token endpoint rejected the client (${code})`;
    return operator(service, reason, 'oauth-client-rejected', 'OAuth client deleted or secret rotated: run authorize');
  }
  const status = httpStatusOf(err);
  if (status === undefined || status >= 500 || status === 429 || code === 'temporarily_unavailable') {
    return { kind: 'transient', service, reason: `OAuth token endpoint: ${redact(code)}` };
  }
  const reason = `OAuth token endpoint replied ${status} ${redact(code)}`;
  return operator(service, reason, 'oauth-misconfigured', 'check the OAuth client configuration, then run authorize');
}

/** Secret Manager's gRPC status codes (google-gax decodes its REST fallback errors into them too). */
function classifySecretManagerCode(code: number): Failure {
  const service = 'secret-manager';
  switch (code) {
    case 5:
      return operator(service, 'Secret Manager: NOT_FOUND', 'secret-missing', 'secret or version not found: run authorize');
    case 7: {
      const action = 'runtime service account needs roles/secretmanager.secretAccessor on the secret';
      return operator(service, 'Secret Manager: PERMISSION_DENIED', 'secret-permission', action);
    }
    case 9: {
      const action = 'secret version disabled or destroyed: run authorize to add a new version';
      return operator(service, 'Secret Manager: FAILED_PRECONDITION', 'secret-disabled', action);
    }
    case 3: {
      const action = 'check the secret name in the function configuration';
      return operator(service, 'Secret Manager: INVALID_ARGUMENT', 'secret-name-invalid', action);
    }
    default:
      // 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED, 8 RESOURCE_EXHAUSTED, 16 UNAUTHENTICATED (metadata server
      // token hiccup), 13 INTERNAL, 10 ABORTED, 1 CANCELLED, 2 UNKNOWN: all worth another try.
      return { kind: 'transient', service, reason: `gRPC status ${code}` };
  }
}

/**
 * Cloud Tasks' gRPC status codes (https://cloud.google.com/tasks/docs/reference/rpc/google.rpc#code): a
 * missing queue, a missing grant and a refused request need the operator; the rest is worth another try.
 * ALREADY_EXISTS (6) never gets here: a task name in use is the de-duplication working (src/tasks/backup-queue.ts).
 */
function classifyTasksCode(code: number): Failure {
  const service = 'cloud-tasks';
  switch (code) {
    case 5:
      return operator(service, 'Cloud Tasks: NOT_FOUND', 'tasks-queue-missing', 'TASKS_QUEUE does not exist: run terraform apply');
    case 7: {
      const action =
        'the runtime service account needs roles/cloudtasks.enqueuer and pause/resume on TASKS_QUEUE and actAs on TASKS_SERVICE_ACCOUNT: run terraform apply';
      return operator(service, 'Cloud Tasks: PERMISSION_DENIED', 'tasks-permission', action);
    }
    case 3:
    case 9: {
      const action = 'check TASKS_QUEUE, TASKS_TARGET_URL and TASKS_SERVICE_ACCOUNT, and that the queue is not disabled';
      return operator(service, `Cloud Tasks: ${code === 3 ? 'INVALID_ARGUMENT' : 'FAILED_PRECONDITION'}`, 'tasks-request-rejected', action);
    }
    case 8:
      return { kind: 'rate-limited', service, reason: 'Cloud Tasks: RESOURCE_EXHAUSTED' };
    default:
      return { kind: 'transient', service, reason: `Cloud Tasks: gRPC status ${code}` };
  }
}

interface HttpFacts {
  status: number;
  reason?: string;
  message?: string;
  retryAfterMs?: number;
}

function classifyHttp(service: Service, facts: HttpFacts): Failure {
  const what = `${SERVICE_NAMES[service]} replied ${facts.status}${facts.reason ? ` ${facts.reason}` : ''}`;
  const retryAfter = facts.retryAfterMs !== undefined ? { retryAfterMs: facts.retryAfterMs } : {};
  if (facts.status === 429) return { kind: 'rate-limited', service, reason: what, ...rateLimitWait(service, facts.retryAfterMs) };
  // 401: the access token expired; the OAuth client refreshes it on the next attempt.
  if (facts.status === 408 || facts.status === 401 || facts.status >= 500)
    return { kind: 'transient', service, reason: what, ...retryAfter };
  return HTTP_RULES[service](facts, what, retryAfter);
}

/**
 * Cloud Storage allows one write per second to an object name (https://cloud.google.com/storage/quotas),
 * and answers a faster one 429 without a Retry-After (https://cloud.google.com/storage/docs/gcs429): a
 * state record written again sooner than a second after its 429 is bound to be refused again.
 */
export const STATE_RECORD_WRITE_INTERVAL_MS = 1000;

function rateLimitWait(service: Service, retryAfterMs: number | undefined): { retryAfterMs?: number } {
  if (service === 'state') return { retryAfterMs: Math.max(retryAfterMs ?? 0, STATE_RECORD_WRITE_INTERVAL_MS) };
  return retryAfterMs !== undefined ? { retryAfterMs } : {};
}

type HttpRule = (facts: HttpFacts, what: string, retryAfter: { retryAfterMs?: number }) => Failure;

/** A 4xx not named by a service's rule: retrying the same request cannot help. */
function refused(service: Service, status: number, what: string, problemCode: ProblemCode): Failure {
  if (status === 412)
    return {
      kind: 'permanent',
      service,
      reason: what,
      problemCode: 'unhandled-precondition',
      action: 'an unhandled precondition: report a bug',
    };
  const action = 'Google refused the request as invalid, which retrying cannot change: report a bug with this log line';
  return { kind: 'permanent', service, reason: what, problemCode, action };
}

/** The 4xx statuses of each service, by what they mean there. */
const HTTP_RULES: { readonly [S in Service]: HttpRule } = {
  drive: ({ status, reason, message }, what, retryAfter) => {
    const rule = driveReasonRule(status, reason, message);
    if (rule) return driveFailure(rule, what, retryAfter);
    if (status === 403) return driveFailure(DRIVE_PERMISSION, what, retryAfter);
    // A folder or file of ours vanished meanwhile (deleted by the user): the next attempt resolves again.
    if (status === 404 || status === 409) return { kind: 'transient', service: 'drive', reason: what };
    if (status === 413)
      return {
        kind: 'permanent',
        service: 'drive',
        reason: what,
        problemCode: 'drive-file-too-large',
        action: 'the object is too large for Drive',
      };
    return refused('drive', status, what, 'drive-request-rejected');
  },
  'gcs-source': ({ status }, what) => {
    // 412 on a generation-pinned read: that generation is no longer the live one.
    if (status === 404 || status === 412) return { kind: 'object-gone', service: 'gcs-source', reason: what };
    if (status === 403)
      return operator('gcs-source', what, 'source-permission', 'the runtime service account lacks storage.objects.get on the bucket');
    if (status === 409) return { kind: 'transient', service: 'gcs-source', reason: what };
    return refused('gcs-source', status, what, 'source-request-rejected');
  },
  state: ({ status }, what) => {
    if (status === 404) {
      const action =
        'STATE_BUCKET does not exist or is not visible to the runtime service account: create it (Terraform does) or fix STATE_BUCKET';
      return operator('state', what, 'state-bucket-missing', action);
    }
    if (status === 403)
      return operator('state', what, 'state-permission', 'the runtime service account needs roles/storage.objectUser on STATE_BUCKET');
    if (status === 409) return { kind: 'transient', service: 'state', reason: what };
    return refused('state', status, what, 'state-request-rejected');
  },
  'secret-manager': ({ status }, what) => {
    if (status === 404) return classifySecretManagerCode(5);
    if (status === 403) return classifySecretManagerCode(7);
    return operator('secret-manager', what, 'secret-name-invalid', 'check the secret name in the function configuration');
  },
  oauth: (_facts, what) => operator('oauth', what, 'oauth-misconfigured', 'check the OAuth client configuration, then run authorize'),
  // The tasks client speaks google-gax (gRPC codes); an HTTP status only comes from the transport.
  'cloud-tasks': ({ status }) => classifyTasksCode(status === 404 ? 5 : status === 403 ? 7 : 3),
};

function driveFailure(rule: DriveRule, what: string, retryAfter: { retryAfterMs?: number }): Failure {
  const { limit: _limit, ...meaning } = rule;
  if (meaning.kind === 'rate-limited') return { ...meaning, service: 'drive', reason: what, ...retryAfter };
  return { ...meaning, service: 'drive', reason: what };
}
