/**
 * Direct mode's client-side pacing: a token bucket per function instance in front of
 * the Drive gateway (its `pacer`, core/gateway.ts), holding the instance to DRIVE_WRITES_PER_SECOND Drive
 * writes. Drive's tight limit is on writes, about 2–3 file creates per second per user sustained
 * (https://rclone.org/drive/#limitations; 403 rateLimitExceeded beyond,
 * https://developers.google.com/workspace/drive/api/guides/handle-errors), so only the calls that create
 * or upload wait; reads (listings, probes, session status) go at once. Waiters are served in arrival
 * order. With DISPATCH=tasks the queue's rate paces every instance together, and this bucket (when set)
 * is only a per-instance ceiling under it. The clock and sleep are injected for the tests.
 */
import type { Pacer } from '../core/gateway.js';

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

/** `perSecond` tokens a second, at most `burst` saved up (a full bucket at start); one per paced call. */
export class TokenBucketPacer implements Pacer {
  private tokens: number;
  private at: number;
  private line: Promise<void> = Promise.resolve();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly paces: (what: string) => boolean,
    private readonly clock: PacerClock = SYSTEM,
  ) {
    if (!(perSecond > 0) || !(burst >= 1))
      throw new RangeError(`a token bucket needs a rate > 0 and a burst >= 1, got ${perSecond}, ${burst}`);
    this.tokens = burst;
    this.at = clock.now();
  }

  acquire(what: string): Promise<void> {
    if (!this.paces(what)) return Promise.resolve();
    const turn = this.line.then(() => this.take());
    this.line = turn.catch(() => undefined);
    return turn;
  }

  /** How long the next paced call would wait now (0: a token is there). */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  private async take(): Promise<void> {
    for (let wait = this.waitMs(); wait > 0; wait = this.waitMs()) await this.clock.sleep(wait);
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.at) this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = Math.max(this.at, now);
  }
}

/** The Drive pacer of DRIVE_WRITES_PER_SECOND (one second's worth of burst); none when it is 0. */
export function createDrivePacer(writesPerSecond: number, clock?: PacerClock): Pacer | undefined {
  if (writesPerSecond <= 0) return undefined;
  return new TokenBucketPacer(writesPerSecond, Math.max(1, writesPerSecond), (what) => DRIVE_WRITE_CALLS.has(what), clock);
}
