/**
 * The one object each Google service's calls go through (rclone's `pacer.Call(…, shouldRetry)`): per
 * attempt it waits for the pacer, runs the operation with the service's client and marks any error with
 * the service; then it classifies the failure (core/classify.ts) and retries what the failure table says
 * to, with jittered backoff honouring Retry-After, never past the caller's deadline (core/retry.ts).
 *
 * Pacing plugs in here:
 * - `pacer`: awaited before every attempt, per instance (Drive's adaptive pacer, src/drive/pacer.ts), and
 *   told how each paced call ended, so it learns the rate the service accepts;
 * - a paced call refused for rate is waited out on the pacer, not counted as an attempt, for as long as
 *   the scope's deadline allows (then `RetriesExhaustedError`, stopped by the deadline): a reconcile
 *   worker or a direct backup slows to the pace the service accepts instead of failing;
 * - `onRateLimit` (the gateway's policy, or one call scope's): `give-up` rethrows a rate limit at once, so
 *   a Cloud Tasks worker answers 429 and its queue backs off, and an `auto` event is enqueued instead.
 */
import { classifyFailure } from './classify.js';
import { markService, type Failure, type Service } from './failure.js';
import { backoffDelayMs, RETRY_DEFAULTS, RetriesExhaustedError, withRetry, type RetryInfo, type RetryPolicy } from './retry.js';

/** A paced call let go by its pacer: when (on the pacer's clock). */
export interface PaceSlot {
  readonly grantedAtMs: number;
}

/** Waits until the service may be called again; `UNPACED` never waits. */
export interface Pacer {
  /** Waits for `what`'s turn; a slot when `what` is paced, nothing when it goes at once. */
  acquire(what: string): Promise<PaceSlot | undefined>;
  /** Told how a paced call ended: no error (accepted), or its error as classified. */
  settle?(slot: PaceSlot, err?: unknown, failure?: Failure): void;
  /** How long the next paced call would wait now. */
  waitMs?(): number;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const UNPACED: Pacer = { acquire: () => Promise.resolve(undefined) };

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
    const onRateLimit = scope.onRateLimit?.[this.service] ?? this.policy.onRateLimit;
    const attempt = async (n: number): Promise<T> => {
      for (let refusals = 1; ; refusals++) {
        let slot: PaceSlot | undefined;
        try {
          slot = await this.pacer.acquire(what);
          const result = await operation(await this.options.client(), n);
          if (slot) this.pacer.settle?.(slot);
          return result;
        } catch (err) {
          markService(err, this.service);
          this.options.onAttemptFailed?.(err);
          if (slot === undefined) throw err;
          const failure = classifyFailure(err, this.service);
          this.pacer.settle?.(slot, err, failure);
          if (failure.kind !== 'rate-limited' || onRateLimit === 'give-up' || scope.deadline === undefined) throw err;
          // Refused for rate: wait for the (now slower) pacer's next turn, while the deadline allows; a call
          // refused again and again (other instances share the user's limit) also backs off on its own.
          const paceMs = this.pacer.waitMs?.() ?? 0;
          const backoffMs = backoffDelayMs(refusals, { ...this.policy, random: this.options.random ?? Math.random });
          const delayMs = Math.max(paceMs, backoffMs);
          if (delayMs >= scope.deadline.remainingMs()) throw new RetriesExhaustedError(n, failure, 'deadline', { cause: err });
          this.retried(what, { attempt: n, delayMs, failure }, scope);
          if (backoffMs > paceMs) await (this.options.sleep ?? realSleep)(backoffMs - paceMs);
        }
      }
    };
    return withRetry(attempt, {
      ...this.policy,
      onRateLimit,
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
