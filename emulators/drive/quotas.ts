/**
 * Per-user quotas and rates of the Drive emulator: stored bytes (403 storageQuotaExceeded), uploaded bytes
 * per window (Google: 750 GB per 24 h, 403 userRateLimitExceeded "User rate limit exceeded."; uploads in
 * progress complete, new ones are refused until the window ends), and the sustained file-create rate (a
 * token bucket per user; 403 rateLimitExceeded "Rate Limit Exceeded" or userRateLimitExceeded "User Rate
 * Limit Exceeded", https://developers.google.com/workspace/drive/api/guides/handle-errors). Windows and
 * buckets read the hub's clock, so tests move time by hand.
 */
import type { Clock } from '../harness/clock.js';
import { TokenBuckets } from '../harness/token-bucket.js';
import { storageQuotaExceeded, userRateLimitExceeded } from './errors.js';
import { createRateExceeded } from './limits.js';
import type { DriveStore, UserState } from './store.js';

export class DriveQuotas {
  private readonly creates = new TokenBuckets();

  constructor(
    private readonly store: DriveStore,
    private readonly clock: Clock,
  ) {}

  /** Forgets the create buckets (hub reset); upload counters live in the store's user state. */
  clear(): void {
    this.creates.clear();
  }

  usage(user: string): { total: number; trash: number } {
    let total = 0;
    let trash = 0;
    for (const f of this.store.files.values()) {
      if (f.owner !== user || f.driveId) continue;
      const bytes = f.revisions.reduce((n, r) => n + r.content.size, 0);
      total += bytes;
      if (this.store.isTrashed(f)) trash += bytes;
    }
    return { total, trash };
  }

  /** Before accepting `bytes` more (upload start with a known length, or completion). */
  checkStorage(user: string, bytes: number): void {
    const limit = this.store.limits.storageQuotaBytes;
    if (limit !== undefined && this.usage(user).total + bytes > limit) throw storageQuotaExceeded();
  }

  /** One file or folder create by `user` (a metadata create, a simple/multipart upload, a resumable session for a new file). */
  chargeCreate(user: string): void {
    const rules = this.store.rules.get();
    if (!rules.createRate) return;
    if (!this.creates.take(user, this.clock.now(), rules.createRate).ok) throw createRateExceeded(rules.createRateReason);
  }

  /**
   * Daily upload budget: an upload may start while the user is under the limit (and the file alone fits);
   * uploads in progress complete, as Drive documents for its 750 GB/day limit.
   */
  checkDailyUpload(user: string, bytes = 0): void {
    const limit = this.store.rules.get().dailyUpload;
    if (!limit) return;
    if (this.window(user).uploadedToday >= limit.bytes || bytes > limit.bytes) throw userRateLimitExceeded();
  }

  countUpload(user: string, bytes: number): void {
    const state = this.window(user);
    state.uploadWindowStartMs ??= this.clock.now();
    state.uploadedToday += bytes;
  }

  /** The user's counters, the window restarted when its time is up. */
  private window(user: string): UserState {
    const state = this.store.userState(user);
    const limit = this.store.rules.get().dailyUpload;
    if (limit && state.uploadWindowStartMs !== undefined && this.clock.now() - state.uploadWindowStartMs >= limit.resetAfterMs) {
      state.uploadedToday = 0;
      delete state.uploadWindowStartMs;
    }
    return state;
  }
}
