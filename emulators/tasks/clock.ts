/**
 * The Cloud Tasks emulator's notion of time, injectable so that no test depends on the machine's speed.
 * `SystemClock` is wall time with real timers. `ManualClock` only moves when a test calls `advance(ms)`:
 * it fires the timers that fall due in time order and, after each one, waits until the work the timer
 * started (HTTP dispatches, tracked with `track`) has finished, so a target answers "at the instant" it
 * was called, in virtual time. With a ManualClock a target that never answers blocks `advance`.
 */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once at `atMs` (at once when that is in the past). */
  at(atMs: number, fn: () => void): Timer;
  /** Work in flight that `ManualClock.advance` waits for; a no-op on the system clock. */
  track(work: Promise<unknown>): void;
}

/** Node's timers cannot wait longer than this; a longer wait is re-armed when it fires. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  at(atMs: number, fn: () => void): Timer {
    let handle: NodeJS.Timeout;
    const arm = () => {
      const wait = atMs - Date.now();
      handle = setTimeout(wait > MAX_TIMEOUT_MS ? arm : fn, Math.max(0, Math.min(wait, MAX_TIMEOUT_MS)));
      handle.unref();
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  }

  track(): void {}
}

interface PendingTimer {
  atMs: number;
  seq: number;
  fn: () => void;
}

export class ManualClock implements Clock {
  private current: number;
  private timers: PendingTimer[] = [];
  private seq = 0;
  private readonly inFlight = new Set<Promise<unknown>>();

  /** Starts at `startMs` (default: the wall time now, so tokens and timestamps look current). */
  constructor(startMs = Date.now()) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  at(atMs: number, fn: () => void): Timer {
    const timer: PendingTimer = { atMs, seq: this.seq++, fn };
    this.timers.push(timer);
    return { cancel: () => (this.timers = this.timers.filter((t) => t !== timer)) };
  }

  track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
  }

  /** Waits until no tracked work is in flight (work finishing may start more; that is waited for too). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    // Let completions scheduled on the microtask queue (a pump after a reply, say) run too.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.inFlight.size > 0) await this.settle();
  }

  /** Moves time forward by `ms`, firing due timers in order and settling after each. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError('advance() needs a duration >= 0');
    const target = this.current + ms;
    await this.settle();
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.atMs);
      next.fn();
      await this.settle();
    }
    this.current = target;
  }

  /** Moves time to `atMs` (not backwards). */
  advanceTo(atMs: number): Promise<void> {
    return this.advance(Math.max(0, atMs - this.current));
  }

  /** Timers still waiting, for diagnostics. */
  pendingTimers(): number {
    return this.timers.length;
  }

  private nextDue(target: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (t.atMs > target) continue;
      if (!best || t.atMs < best.atMs || (t.atMs === best.atMs && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
