/**
 * The retry loop under every gateway (core/gateway.ts): full-jitter exponential backoff. What is retried
 * is the failure table's to say (`retryNow`); anything else is rethrown at once, unchanged. A
 * `Retry-After` hint is honoured (the wait is at least that long), and no wait ever runs past the
 * invocation's deadline: then `RetriesExhaustedError` is thrown so the event is retried by Eventarc
 * instead. A failure some inner call already retried to exhaustion is not retried again.
 * Pure: the clock, sleep and randomness are injected.
 */
import type { ClassifiedError, Failure } from './failure.js';
import { FAILURE_TABLE } from './failure-table.js';

export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  /** How long we wait before the next attempt. */
  delayMs: number;
  failure: Failure;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. Default 6. */
  maxAttempts: number;
  /** Default 250 ms. */
  baseDelayMs: number;
  /** Cap of the exponential part. Default 32 s. */
  maxDelayMs: number;
  /**
   * What a `rate-limited` failure does: `backoff` retries it like any transient one (direct mode); `give-up`
   * rethrows it at once, so a paced worker (a Cloud Tasks queue) backs off instead of this invocation.
   */
  onRateLimit: 'backoff' | 'give-up';
}

export interface RetryOptions extends Partial<RetryPolicy> {
  classify: (err: unknown) => Failure;
  deadline?: { remainingMs(): number };
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1). Default Math.random. */
  random?: () => number;
  onRetry?: (info: RetryInfo) => void;
}

export const RETRY_DEFAULTS: RetryPolicy = { maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 32_000, onRateLimit: 'backoff' };

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Thrown when transient failures outlast the attempts or the deadline; carries the last failure. */
export class RetriesExhaustedError extends Error implements ClassifiedError {
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

/**
 * The wait after failed attempt `attempt` (1-based): uniform in [0, min(max, base·2^(attempt-1))), and
 * never shorter than the server's `retryAfterMs`.
 */
export function backoffDelayMs(
  attempt: number,
  options: { baseDelayMs: number; maxDelayMs: number; random: () => number; retryAfterMs?: number },
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(options.random() * ceiling);
  return Math.max(jittered, options.retryAfterMs ?? 0);
}

/** Whether `failure` is retried here under `onRateLimit`. */
export function retriedNow(failure: Failure, onRateLimit: RetryPolicy['onRateLimit']): boolean {
  if (failure.kind === 'rate-limited' && onRateLimit === 'give-up') return false;
  return FAILURE_TABLE[failure.kind].retryNow;
}

/** Runs `operation` until it succeeds, fails in a way not retried, runs out of attempts or of time. */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { maxAttempts, baseDelayMs, maxDelayMs, onRateLimit } = { ...RETRY_DEFAULTS, ...definedOnly(options) };
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);

  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (err) {
      if (err instanceof RetriesExhaustedError) throw err;
      const failure = options.classify(err);
      if (!retriedNow(failure, onRateLimit)) throw err;
      if (attempt >= maxAttempts) throw new RetriesExhaustedError(attempt, failure, 'attempts', { cause: err });
      const retryAfterMs = 'retryAfterMs' in failure ? failure.retryAfterMs : undefined;
      const delayMs = backoffDelayMs(attempt, { baseDelayMs, maxDelayMs, random, retryAfterMs });
      if (options.deadline && delayMs >= options.deadline.remainingMs()) {
        throw new RetriesExhaustedError(attempt, failure, 'deadline', { cause: err });
      }
      options.onRetry?.({ attempt, delayMs, failure });
      await sleep(delayMs);
    }
  }
}

function definedOnly(options: Partial<RetryPolicy>): Partial<RetryPolicy> {
  return Object.fromEntries(Object.entries(options).filter(([key, value]) => key in RETRY_DEFAULTS && value !== undefined));
}
