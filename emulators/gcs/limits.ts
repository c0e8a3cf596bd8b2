/**
 * Cloud Storage's limit the emulator enforces: one mutation (create, update, delete) per second per object
 * name (https://cloud.google.com/storage/quotas#objects: "Maximum rate of writes to the same object name:
 * one write per second"), refused with 429 `rateLimitExceeded` and the message Cloud Storage sends
 * (https://cloud.google.com/storage/docs/gcs429). A token bucket per name over the hub's clock; `burst`
 * (default 1) is how many back-to-back writes a name gets before the rate applies. Reads are never limited.
 */
import type { Clock } from '../harness/clock.js';
import { HttpError } from '../harness/http.js';
import { onlyKnownFields, type LimitSection } from '../harness/limits.js';
import { parseRateLimit, TokenBuckets, type RateLimit } from '../harness/token-bucket.js';

export interface GcsLimits {
  /** Mutations per object name; `null`: unlimited. Google: 1 per second. */
  objectMutationRate: RateLimit | null;
}

export const GOOGLE_GCS_LIMITS: GcsLimits = { objectMutationRate: { perSecond: 1, burst: 1 } };

export function parseGcsLimits(patch: Record<string, unknown>): Partial<GcsLimits> {
  onlyKnownFields(patch, Object.keys(GOOGLE_GCS_LIMITS));
  const out: Partial<GcsLimits> = {};
  if ('objectMutationRate' in patch) out.objectMutationRate = parseRateLimit(patch.objectMutationRate, 'objectMutationRate');
  return out;
}

export function objectRateLimited(bucket: string, name: string): HttpError {
  return new HttpError(
    429,
    `The object ${bucket}/${name} exceeded the rate limit for object mutation operations (create, update, and delete). Please reduce your request rate. See https://cloud.google.com/storage/docs/gcs429.`,
    'rateLimitExceeded',
    {},
    'usageLimits',
  );
}

/** Takes one mutation of `bucket/name` or throws the 429. */
export class MutationRate {
  private readonly buckets = new TokenBuckets();

  constructor(
    private readonly limits: LimitSection<GcsLimits>,
    private readonly clock: Clock,
  ) {}

  take(bucket: string, name: string): void {
    const limit = this.limits.get().objectMutationRate;
    if (!limit) return;
    const taken = this.buckets.take(`${bucket}/${name}`, this.clock.now(), limit);
    if (!taken.ok) throw objectRateLimited(bucket, name);
  }

  clear(): void {
    this.buckets.clear();
  }
}
