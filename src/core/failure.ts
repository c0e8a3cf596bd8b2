/**
 * The vocabulary of failure every folder shares: which Google service failed, what kind of failure it
 * is (the key of the failure table, core/failure-table.ts) and, for what a person must fix, a stable
 * problem code. Errors classify themselves one way: an error of the product's own carries its `Failure`
 * (`ClassifiedError`, set where it is thrown); any other error (a client library's, the network's) is
 * read by its shape in core/classify.ts, as coming from the service whose gateway it left.
 */

/** The services a failure can come from: the log contract's `service` field. */
export type Service = 'drive' | 'gcs-source' | 'state' | 'secret-manager' | 'oauth' | 'cloud-tasks';

/** How messages name each service. */
export const SERVICE_NAMES: { readonly [S in Service]: string } = {
  drive: 'Drive',
  'gcs-source': 'Cloud Storage',
  state: 'Cloud Storage (state bucket)',
  'secret-manager': 'Secret Manager',
  oauth: 'OAuth',
  'cloud-tasks': 'Cloud Tasks',
};

/**
 * Short stable ids of what an operator must fix (or what can never work), logged as `problemCode` on
 * operator, reauthorize and permanent lines: alerts and metrics key on them, so never rename one.
 */
export type ProblemCode =
  | 'drive-storage-full'
  | 'drive-daily-limit'
  | 'drive-permission'
  | 'drive-root-missing'
  | 'drive-file-too-large'
  | 'drive-request-rejected'
  | 'folder-item-cap'
  | 'shared-drive-item-cap'
  | 'folder-depth-limit'
  | 'keep-forever-cap'
  | 'source-permission'
  | 'source-request-rejected'
  | 'state-permission'
  | 'state-bucket-missing'
  | 'state-request-rejected'
  | 'reauthorize'
  | 'oauth-client-rejected'
  | 'oauth-misconfigured'
  | 'secret-missing'
  | 'secret-permission'
  | 'secret-disabled'
  | 'secret-name-invalid'
  | 'secret-payload'
  | 'tasks-queue-missing'
  | 'tasks-permission'
  | 'tasks-request-rejected'
  | 'object-too-large'
  | 'unhandled-precondition';

interface Common {
  readonly service: Service;
  /** One sentence naming the service; never a token, header or session URI. */
  readonly reason: string;
}

export type Failure = Common &
  (
    | /** Worth another try now (backoff, Retry-After), then by the event's retry. */
      { readonly kind: 'transient'; readonly retryAfterMs?: number }
      /** A rate limit (429, Drive's 403 rate reasons): transient, and the seam for pacing (core/gateway.ts). */
    | { readonly kind: 'rate-limited'; readonly retryAfterMs?: number }
    /** Another instance holds the object's lease: the retried event finds it done. */
    | { readonly kind: 'busy' }
    /** The Drive resumable session is gone (404/410): the upload restarts from zero. */
    | { readonly kind: 'session-gone' }
    /**
     * The record's Drive file id cannot be used: the file was deleted in Drive, or Drive refused the id
     * (generated for another Google account, before `authorize` was re-run): a new file (new id) is started.
     */
    | { readonly kind: 'backup-file-gone' }
    /** The Cloud Storage generation no longer exists (overwritten or deleted): nothing to back up. */
    | { readonly kind: 'object-gone' }
    /** Stopped before the deadline with the upload saved at `offset`: the retried event continues. */
    | { readonly kind: 'checkpoint'; readonly offset: number; readonly total: number }
    /** The operator can fix it (quota, permissions, missing folder or secret); events are retried meanwhile. */
    | { readonly kind: 'operator'; readonly problemCode: ProblemCode; readonly action: string }
    /** `invalid_grant`: the user must re-run authorize; events are retried meanwhile. */
    | { readonly kind: 'reauthorize'; readonly problemCode: ProblemCode; readonly action?: string }
    /** Retrying cannot fix it (too large, invalid request): the event is acknowledged. */
    | { readonly kind: 'permanent'; readonly problemCode: ProblemCode; readonly action: string }
  );

export type FailureKind = Failure['kind'];

/** An error of the product's own that knows its failure: declared next to the code that throws it. */
export interface ClassifiedError extends Error {
  readonly failure: Failure;
}

export function isClassified(err: unknown): err is ClassifiedError {
  const failure = (err as { failure?: { kind?: unknown; service?: unknown } } | null)?.failure;
  return err instanceof Error && typeof failure?.kind === 'string' && typeof failure.service === 'string';
}

const SERVICE = Symbol('service');

/**
 * Marks `err` as coming from `service` (done by the gateway the error leaves). The innermost mark wins:
 * a Drive call made inside a step of the state bucket's gateway stays a Drive error.
 */
export function markService(err: unknown, service: Service): void {
  if (err !== null && typeof err === 'object' && !Object.hasOwn(err, SERVICE) && Object.isExtensible(err)) {
    Object.defineProperty(err, SERVICE, { value: service });
  }
}

/** The service `markService` put on `err`, if any. */
export function markedService(err: unknown): Service | undefined {
  return err !== null && typeof err === 'object' ? (err as { [SERVICE]?: Service })[SERVICE] : undefined;
}
