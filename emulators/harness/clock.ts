/**
 * The time the emulators' rate limits (create rate, daily upload window, Cloud Storage's per-object
 * mutation rate) and Drive's resumable session lifetime read: the system clock by default, or a
 * ManualClock a test moves by hand, so that no such test depends on how fast the machine is. Other
 * timings (list lag) keep wall time.
 */

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that stands still until `advance` or `set` moves it. */
export class ManualClock implements Clock {
  constructor(private ms = Date.UTC(2030, 0, 1)) {}

  now(): number {
    return this.ms;
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('advance needs a number of milliseconds >= 0');
    this.ms += ms;
    return this.ms;
  }

  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new Error('set needs a number of milliseconds');
    this.ms = ms;
  }
}
