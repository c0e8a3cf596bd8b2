/**
 * The pure arithmetic of dispatch pacing: the per-queue token bucket (`max_burst_size` tokens, refilled at
 * `max_dispatches_per_second`), the retry schedule (`min_backoff` doubling `max_doublings` times, then
 * growing linearly, capped by `max_backoff`), when retrying stops (`max_attempts` and
 * `max_retry_duration`), `Retry-After`, and the system throttling of a queue whose worker answers 429/503.
 * Sources: RateLimits and RetryConfig in
 * https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues and HttpRequest in
 * https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks#HttpRequest.
 * Table-tested in emulators/test/tasks/pacing.test.ts.
 */
import type { QueueConfig } from './queue-config.js';

/** Float slack so that a token due at a computed instant counts as there at that instant. */
const EPSILON = 1e-9;

export class TokenBucket {
  constructor(
    public tokens: number,
    public lastMs: number,
  ) {}

  /** Adds the tokens earned since the last refill, up to `burst`. */
  refill(nowMs: number, ratePerSecond: number, burst: number): void {
    if (nowMs > this.lastMs) this.tokens = Math.min(burst, this.tokens + ((nowMs - this.lastMs) * ratePerSecond) / 1000);
    this.tokens = Math.min(this.tokens, burst);
    this.lastMs = Math.max(this.lastMs, nowMs);
  }

  /** Takes one token if there is one (after refilling). */
  take(nowMs: number, ratePerSecond: number, burst: number): boolean {
    this.refill(nowMs, ratePerSecond, burst);
    if (this.tokens + EPSILON < 1) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    return true;
  }

  /**
   * The instant (possibly a fraction of a millisecond) at which the next token is there. Not rounded up:
   * waking late by a rounding would lose the tokens a full bucket cannot hold, and the rate would drift.
   */
  nextTokenAt(nowMs: number, ratePerSecond: number, burst: number): number {
    this.refill(nowMs, ratePerSecond, burst);
    if (this.tokens + EPSILON >= 1) return nowMs;
    const at = nowMs + ((1 - this.tokens) * 1000) / ratePerSecond;
    // At epoch-sized times a double resolves only about 0.0002 ms, so a refill can fall short of a whole
    // token by more than EPSILON while the wait that makes it up rounds to nothing: never answer `now`
    // then (a ManualClock would fire the same instant forever), but at least the next representable time.
    return at > nowMs ? at : nowMs + Number.EPSILON * Math.abs(nowMs);
  }
}

/**
 * The wait before retry number `retry` (1 = the first retry): min_backoff doubled `retry - 1` times while
 * `retry - 1 <= max_doublings`, then growing by min_backoff × 2^max_doublings per retry, always within
 * [min_backoff, max_backoff]. The documented example (10 s, 300 s, 3 doublings) gives 10, 20, 40, 80, 160,
 * 240, 300, 300 s.
 */
export function retryDelayMs(config: QueueConfig, retry: number): number {
  const { minBackoffMs: min, maxBackoffMs: max, maxDoublings: d } = config;
  const n = Math.max(1, retry);
  const delay = n - 1 <= d ? min * 2 ** (n - 1) : min * 2 ** d * (n - d);
  return Math.min(max, Math.max(min, delay));
}

/**
 * Whether a failed task gets another attempt. "Once max_retry_duration time has passed *and* the task has
 * been attempted max_attempts times, no further attempts will be made": an unlimited limit (-1 attempts,
 * 0 s) counts as reached, and with both unlimited the task is retried forever.
 */
export function mayRetry(config: QueueConfig, attempts: number, firstAttemptMs: number, nowMs: number): boolean {
  const attemptsLimited = config.maxAttempts !== -1;
  const durationLimited = config.maxRetryDurationMs > 0;
  if (!attemptsLimited && !durationLimited) return true;
  const attemptsDone = !attemptsLimited || attempts >= config.maxAttempts;
  const durationDone = !durationLimited || nowMs - firstAttemptMs >= config.maxRetryDurationMs;
  return !(attemptsDone && durationDone);
}

/** `Retry-After` as a wait in ms: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined if absent or bad. */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Statuses after which Cloud Tasks uses "a higher backoff rate" and considers Retry-After. */
export function isThrottleStatus(status: number | undefined): boolean {
  return status === 429 || status === 503;
}

/**
 * System throttling ("Cloud Tasks may temporarily reduce the queue's effective rate" after 429/503).
 * Google documents the behaviour, not the algorithm; ours: each 429/503 halves the effective rate (down
 * to 1/16 of the configured rate), each 2xx gives back a tenth of the configured rate.
 */
export function throttledRate(effective: number, configured: number, outcome: 'throttle' | 'success'): number {
  if (outcome === 'throttle') return Math.max(configured / 16, effective / 2);
  return Math.min(configured, effective + configured / 10);
}
