/**
 * The one object each Google service's calls go through (rclone's `pacer.Call(…, shouldRetry)`): per
 * attempt it waits for the pacer, runs the operation with the service's client and marks any error with
 * the service; then it classifies the failure (core/classify.ts) and retries what the failure table says
 * to, with jittered backoff honouring Retry-After, never past the caller's deadline (core/retry.ts).
 *
 * Pacing plugs in here:
 * - `pacer`: awaited before every attempt, per instance: direct mode's token bucket (src/drive/pacer.ts);
 * - `onRateLimit` (the gateway's policy, or one call scope's): `give-up` rethrows a rate limit at once, so
 *   a Cloud Tasks worker answers 429 and its queue backs off, instead of retrying inside the invocation.
 */
import { classifyFailure } from './classify.js';
import { markService, type Service } from './failure.js';
import { RETRY_DEFAULTS, withRetry, type RetryInfo, type RetryPolicy } from './retry.js';

/** Waits until the service may be called again; `UNPACED` never waits. */
export interface Pacer {
  acquire(what: string): Promise<void>;
}

export const UNPACED: Pacer = { acquire: () => Promise.resolve() };

/**
 * The one retry type: a gateway's `call` bound to one invocation's scope. Runs `operation` as `what`,
 * telling it the client and its 1-based attempt; code that needs less of the client asks for less (`C`).
 */
export type Retry<C = unknown> = <T>(what: string, operation: (client: C, attempt: number) => Promise<T>) => Promise<T>;

export interface RetryNotice extends RetryInfo {
  /** The call being retried (`files.create`, `state read`, …). */
  what: string;
}

/** One invocation's view of the gateways: its deadline, and who counts its retries. */
export interface CallScope {
  readonly deadline?: { remainingMs(): number };
  readonly onRetry?: (notice: RetryNotice) => void;
  /**
   * Overrides the `policy.onRateLimit` of the named services' gateways for this scope's calls: a Cloud
   * Tasks dispatch gives up on Drive's rate limits (its queue backs off instead), while the state bucket's
   * per-object mutation rate, say, is still waited out here.
   */
  readonly onRateLimit?: { readonly [S in Service]?: RetryPolicy['onRateLimit'] };
}

export interface GatewayOptions<C> {
  service: Service;
  /** The client an attempt works with; called once per attempt, so cache it. */
  client: () => Promise<C>;
  policy?: Partial<RetryPolicy>;
  pacer?: Pacer;
  /** Told of every failed attempt, before classification (Drive: a 401 drops the cached access token). */
  onAttemptFailed?: (err: unknown) => void;
  /** Told of every retry, whatever the scope (the instance's `retrying` log line). */
  onRetry?: (notice: RetryNotice) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export class Gateway<C> {
  readonly service: Service;
  readonly policy: RetryPolicy;
  private readonly pacer: Pacer;

  constructor(private readonly options: GatewayOptions<C>) {
    this.service = options.service;
    this.policy = { ...RETRY_DEFAULTS, ...options.policy };
    this.pacer = options.pacer ?? UNPACED;
  }

  /** Runs `operation` (told the client and its 1-based attempt) as `what`, retried as the table says. */
  async call<T>(what: string, operation: (client: C, attempt: number) => Promise<T>, scope: CallScope = {}): Promise<T> {
    const attempt = async (n: number): Promise<T> => {
      try {
        await this.pacer.acquire(what);
        return await operation(await this.options.client(), n);
      } catch (err) {
        markService(err, this.service);
        this.options.onAttemptFailed?.(err);
        throw err;
      }
    };
    return withRetry(attempt, {
      ...this.policy,
      onRateLimit: scope.onRateLimit?.[this.service] ?? this.policy.onRateLimit,
      classify: (err) => classifyFailure(err, this.service),
      deadline: scope.deadline,
      sleep: this.options.sleep,
      random: this.options.random,
      onRetry: (info) => this.retried(what, info, scope),
    });
  }

  /**
   * Tells this gateway's observers (the instance's `retrying` line) and the scope's (retry counting) of a
   * retry made outside `call`: a content stream, whose failures arrive while it flows, re-opened at its
   * next unread byte by its reader.
   */
  retried(what: string, info: RetryInfo, scope: CallScope = {}): void {
    const notice = { what, ...info };
    this.options.onRetry?.(notice);
    scope.onRetry?.(notice);
  }

  /** This gateway's calls within `scope`, as the one `Retry` type. */
  retry(scope: CallScope = {}): Retry<C> {
    return (what, operation) => this.call(what, operation, scope);
  }
}
