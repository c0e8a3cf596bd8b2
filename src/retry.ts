/**
 * In-invocation retries with full-jitter exponential backoff. Only failures classified `transient` are
 * retried; anything else is rethrown at once, unchanged. A `Retry-After` hint is honoured (the wait is at
 * least that long), and no wait ever runs past the invocation's deadline: when it would, the retrying
 * stops and `RetriesExhaustedError` is thrown so the event is retried by Eventarc instead.
 * Pure: the clock, sleep and randomness are injected.
 */
import { RetriesExhaustedError, type Failure } from './errors.js';

export { RetriesExhaustedError };

export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  /** How long we wait before the next attempt. */
  delayMs: number;
  failure: Failure;
}

export interface RetryOptions {
  classify: (err: unknown) => Failure;
  /** Attempts in all, the first included. Default 6. */
  maxAttempts?: number;
  /** Default 250 ms. */
  baseDelayMs?: number;
  /** Cap of the exponential part. Default 32 s. */
  maxDelayMs?: number;
  deadline?: { remainingMs(): number };
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1). Default Math.random. */
  random?: () => number;
  onRetry?: (info: RetryInfo) => void;
}

export const RETRY_DEFAULTS = { maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 32_000 } as const;

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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

/** Runs `operation` until it succeeds, fails non-transiently, runs out of attempts or of time. */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const maxAttempts = options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts;
  const baseDelayMs = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);

  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (err) {
      const failure = options.classify(err);
      if (failure.kind !== 'transient') throw err;
      if (attempt >= maxAttempts) throw new RetriesExhaustedError(attempt, failure, 'attempts', { cause: err });
      const delayMs = backoffDelayMs(attempt, { baseDelayMs, maxDelayMs, random, retryAfterMs: failure.retryAfterMs });
      if (options.deadline && delayMs >= options.deadline.remainingMs()) {
        throw new RetriesExhaustedError(attempt, failure, 'deadline', { cause: err });
      }
      options.onRetry?.({ attempt, delayMs, failure });
      await sleep(delayMs);
    }
  }
}
