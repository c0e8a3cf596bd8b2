/**
 * Token buckets per key (a user, an object name): `burst` tokens at most, refilled at `perSecond`; a
 * request takes one token or is refused with the time until the next one. Pure arithmetic over the
 * caller's clock readings, so tests drive it with a ManualClock.
 */

export interface RateLimit {
  /** Sustained rate: tokens added per second. */
  perSecond: number;
  /** Bucket size: requests allowed back to back from a full bucket. */
  burst: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Keys whose bucket is full again are forgotten once there are more than this many. */
const SWEEP_ABOVE = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  take(key: string, now: number, limit: RateLimit): TakeResult {
    const bucket = this.refilled(key, now, limit);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.buckets.set(key, bucket);
      if (this.buckets.size > SWEEP_ABOVE) this.sweep(now, limit);
      return { ok: true };
    }
    this.buckets.set(key, bucket);
    // The epsilon keeps float noise (0.999 tokens → 1.0000000000000009 ms) from rounding up a whole millisecond.
    return { ok: false, retryAfterMs: Math.max(1, Math.ceil(((1 - bucket.tokens) / limit.perSecond) * 1000 - 1e-6)) };
  }

  clear(): void {
    this.buckets.clear();
  }

  private refilled(key: string, now: number, limit: RateLimit): Bucket {
    const b = this.buckets.get(key);
    if (!b) return { tokens: limit.burst, at: now };
    const elapsed = Math.max(0, now - b.at) / 1000;
    return { tokens: Math.min(limit.burst, b.tokens + elapsed * limit.perSecond), at: Math.max(now, b.at) };
  }

  private sweep(now: number, limit: RateLimit): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + (Math.max(0, now - b.at) / 1000) * limit.perSecond >= limit.burst) this.buckets.delete(key);
    }
  }
}

/** Validates a `{perSecond, burst}` object from a control request; `null` turns the limit off. */
export function parseRateLimit(value: unknown, what: string): RateLimit | null {
  if (value === null) return null;
  const v = value as Partial<RateLimit> | undefined;
  if (!v || typeof v !== 'object' || typeof v.perSecond !== 'number' || !(v.perSecond > 0) || !Number.isFinite(v.perSecond)) {
    throw new Error(`${what} must be null or {"perSecond": n > 0, "burst": n >= 1}`);
  }
  const burst = v.burst ?? 1;
  if (typeof burst !== 'number' || !Number.isFinite(burst) || burst < 1) throw new Error(`${what}.burst must be a number >= 1`);
  const extra = Object.keys(v).filter((k) => k !== 'perSecond' && k !== 'burst');
  if (extra.length) throw new Error(`${what} has unknown field(s): ${extra.join(', ')}`);
  return { perSecond: v.perSecond, burst };
}
