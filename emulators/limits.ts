/**
 * The limits of all emulators in one shape, for `startEmulators({ limits })`, `hub.limits.set(...)` and
 * `POST /_emulator/limits`: each section lists the fields to change, `null` turns a limit off. Defaults are
 * Google's values (drive/limits.ts, gcs/limits.ts). Test harnesses that are not about a rate limit start
 * with RATE_LIMITS_OFF, so their verdicts never depend on timing.
 */
import type { DriveLimits } from './drive/limits.js';
import type { GcsLimits } from './gcs/limits.js';

export type { DriveLimits } from './drive/limits.js';
export type { GcsLimits } from './gcs/limits.js';
export type { RateLimit } from './harness/token-bucket.js';

export interface EmulatorLimits {
  drive?: Partial<DriveLimits>;
  gcs?: Partial<GcsLimits>;
  /** Sections of emulators added later register under their own name. */
  [section: string]: Record<string, unknown> | undefined;
}

/** The rate limits off (Drive's create rate and daily upload bytes, Cloud Storage's per-object mutation rate); structural limits stay. */
export const RATE_LIMITS_OFF = {
  drive: { createRate: null, dailyUpload: null },
  gcs: { objectMutationRate: null },
} as const satisfies EmulatorLimits;
