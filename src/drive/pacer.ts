/**
 * The Drive gateway's pacer (its `pacer`, core/gateway.ts), one per function instance, on by default:
 * it spaces the instance's Drive WRITES at an adaptive rate (drive/pace-rate.ts) and lets reads go at
 * once. Drive's tight limit is on writes, about 2–3 file creates per second per user sustained
 * (https://rclone.org/drive/#limitations; 403 rateLimitExceeded beyond,
 * https://developers.google.com/workspace/drive/api/guides/handle-errors), so only the calls that create
 * or upload wait; reads (listings, probes, session status) go at once. A refusal for rate halves the
 * rate and holds writes for its Retry-After; each accepted write raises the rate by 1%. Writes go out
 * as a token bucket at that rate (a burst of up to 10 after an idle spell), waiters in arrival order.
 * DRIVE_WRITES_PER_SECOND, when set, is the ceiling. The clock and sleep are injected for the tests.
 */
import type { Failure } from '../core/failure.js';
import type { Pacer, PaceSlot } from '../core/gateway.js';
import { apiReasonOf, httpStatusOf } from '../core/error-shapes.js';
import { initialRate, nextRate, type PaceSettings, type RateState, type RefusalKind } from './pace-rate.js';

/**
 * The Drive gateway's calls (their `what`) that create a file or folder or send content: a multipart
 * upload (create or revise), a resumable session opened (Drive counts the create then), a folder create.
 * Chunks of an open session are not creates and are not paced.
 */
export const DRIVE_WRITE_CALLS: ReadonlySet<string> = new Set(['upload', 'start-session', 'files.create (folder)']);

export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const SYSTEM: PacerClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** Writes per second when nothing caps them (DRIVE_WRITES_PER_SECOND=0): the setting's own maximum. */
export const UNCAPPED_WRITES_PER_SECOND = 1000;
/** Writes that may go back to back after an idle spell (Drive allows a burst of about as many). */
export const PACER_BURST = 10;

/** The adaptive pacer's settings under a ceiling of `writesPerSecond` (0: none). */
export function drivePaceSettings(writesPerSecond: number): PaceSettings {
  const ceiling = writesPerSecond > 0 ? writesPerSecond : UNCAPPED_WRITES_PER_SECOND;
  return {
    start: Math.min(ceiling, 10),
    floor: Math.min(ceiling, 0.1),
    ceiling,
    decrease: { rateLimitExceeded: 0.5, userRateLimitExceeded: 0.5, tooManyRequests: 0.5 },
    increase: 0.01,
  };
}

/** Which refusal a rate-limited Drive failure is (for its factor), read from the error Drive sent. */
export function refusalKindOf(err: unknown): RefusalKind {
  if (httpStatusOf(err) === 429) return 'tooManyRequests';
  return apiReasonOf(err) === 'userRateLimitExceeded' ? 'userRateLimitExceeded' : 'rateLimitExceeded';
}

export class AdaptivePacer implements Pacer {
  private state: RateState;
  private tokens: number;
  private at: number;
  private line: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly settings: PaceSettings,
    private readonly burst: number,
    readonly paces: (what: string) => boolean,
    private readonly clock: PacerClock = SYSTEM,
  ) {
    if (!(settings.floor > 0) || !(settings.ceiling >= settings.floor) || !(burst >= 1))
      throw new RangeError(`a pacer needs 0 < floor <= ceiling and a burst >= 1, got ${settings.floor}, ${settings.ceiling}, ${burst}`);
    this.state = initialRate(settings);
    this.tokens = burst;
    this.at = clock.now();
  }

  /** Writes per second now. */
  get rate(): number {
    return this.state.rate;
  }

  acquire(what: string): Promise<PaceSlot | undefined> {
    if (!this.paces(what)) return Promise.resolve(undefined);
    const turn = this.line.then(() => this.take());
    this.line = turn.catch(() => undefined);
    return turn;
  }

  /** Learns from a paced call's end: no error is an accepted write; a rate-limited failure, a refusal. */
  settle(slot: PaceSlot, err?: unknown, failure?: Failure): void {
    const now = this.clock.now();
    this.refill(now);
    if (err === undefined) {
      this.state = nextRate(this.state, { kind: 'accepted' }, now, this.settings);
      return;
    }
    if (failure?.kind !== 'rate-limited') return;
    const retryAfterMs = failure.retryAfterMs;
    const before = this.state.lastDecreaseMs;
    const event = { kind: 'refused', refusal: refusalKindOf(err), grantedAtMs: slot.grantedAtMs, retryAfterMs } as const;
    this.state = nextRate(this.state, event, now, this.settings);
    // Lowered: what was saved up was measured against the old rate; the next write waits a whole interval.
    if (this.state.lastDecreaseMs !== before) this.tokens = Math.min(this.tokens, 0);
  }

  /** How long the next paced call would wait now (0: it goes at once). */
  waitMs(): number {
    const now = this.clock.now();
    this.refill(now);
    const hold = Math.max(0, this.state.holdUntilMs - now);
    const token = this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.state.rate) * 1000;
    return Math.ceil(Math.max(hold, token));
  }

  private async take(): Promise<PaceSlot> {
    for (let wait = this.waitMs(); wait > 0; wait = this.waitMs()) await this.clock.sleep(wait);
    this.tokens -= 1;
    return { grantedAtMs: this.clock.now() };
  }

  private refill(now: number): void {
    if (now > this.at) this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.state.rate);
    this.at = Math.max(this.at, now);
  }
}

/** The instance's Drive pacer: adaptive, under a ceiling of DRIVE_WRITES_PER_SECOND (0: none). */
export function createDrivePacer(writesPerSecond: number, clock?: PacerClock): AdaptivePacer {
  const settings = drivePaceSettings(writesPerSecond);
  const burst = Math.max(1, Math.min(PACER_BURST, writesPerSecond > 0 ? writesPerSecond : PACER_BURST));
  return new AdaptivePacer(settings, burst, (what) => DRIVE_WRITE_CALLS.has(what), clock);
}
