/**
 * The emulators' one notion of time, shared by all five through the hub: what the rate limits and windows
 * read (create rate, daily upload bytes, per-object mutation rate, download quotas), Drive's resumable
 * session lifetime and revision purging, Cloud Storage's retention, and the Cloud Tasks emulator's schedule,
 * token buckets, backoffs and dispatch deadlines, whose timers it fires. Injectable, so that no test
 * depends on how fast the machine is. Two kinds, one behaviour:
 *
 * - `systemClock`: wall time; a timer fires when wall time reaches it.
 * - `ManualClock`: stands still until a test moves it with `await clock.advance(ms)` (or `advanceTo`).
 *   Moving it fires the timers that fall due, in time order (ties in the order they were set), each at
 *   its own instant (`now()` reads that instant while it runs); after each it waits until the work the
 *   timer started and handed to `track` (a dispatch's HTTP exchange) has finished, work that finishing
 *   starts included, so a target answers "at the instant" it was called. Then the clock stands at the
 *   target. Moves run one after another in call order (two `advance(200)` move it 400 ms, even when
 *   nobody awaits them), and time never goes back. A tracked request that never ends blocks `advance`.
 *
 * What another program checks against its own clock does not read this one: the Cloud Tasks emulator's
 * OIDC tokens are issued on wall time (tasks/oidc.ts), as the target verifies them. Other timings (Drive's
 * list lag, injected latency) keep wall time.
 */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once at `atMs` (as soon as possible when that is not in the future). */
  at(atMs: number, fn: () => void): Timer;
  /** Work in flight that `ManualClock.advance` waits for; nothing to do on the system clock. */
  track(work: Promise<unknown>): void;
}

/** Node's timers cannot wait longer than this; a longer wait is re-armed when it fires. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Wall time with real timers (unref'd: a pending timer keeps no process alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  at(atMs, fn) {
    let handle: NodeJS.Timeout;
    const arm = () => {
      const wait = atMs - Date.now();
      handle = setTimeout(wait > MAX_TIMEOUT_MS ? arm : fn, Math.max(0, Math.min(wait, MAX_TIMEOUT_MS)));
      handle.unref();
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  },
  track: () => undefined,
};

interface PendingTimer {
  atMs: number;
  seq: number;
  fn: () => void;
}

/** A clock that moves only when a test moves it (see the file's comment for what moving does). */
export class ManualClock implements Clock {
  private current: number;
  private timers: PendingTimer[] = [];
  private seq = 0;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The moves asked for so far, chained: each starts when the one before has ended. */
  private moves: Promise<void> = Promise.resolve();

  /** Starts at `startMs` (default: wall time now, so timestamps look current). */
  constructor(startMs = Date.now()) {
    if (!Number.isFinite(startMs)) throw new RangeError('ManualClock needs a start in milliseconds');
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

  /** Moves time forward by `ms` (>= 0), firing due timers in order and settling after each. */
  advance(ms: number): Promise<void> {
    if (!(Number.isFinite(ms) && ms >= 0)) return Promise.reject(new RangeError('advance() needs a number of milliseconds >= 0'));
    return this.enqueue(async () => this.moveTo(this.current + ms));
  }

  /** Moves time to `atMs`; refused when that is before the time the clock stands at when the move runs. */
  advanceTo(atMs: number): Promise<void> {
    if (!Number.isFinite(atMs)) return Promise.reject(new RangeError('advanceTo() needs a time in milliseconds'));
    return this.enqueue(async () => {
      if (atMs < this.current) throw new RangeError(`the clock does not go back (it stands at ${this.current}, asked ${atMs})`);
      await this.moveTo(atMs);
    });
  }

  /** Timers still waiting, for diagnostics. */
  pendingTimers(): number {
    return this.timers.length;
  }

  private enqueue(move: () => Promise<void>): Promise<void> {
    const done = this.moves.then(move);
    this.moves = done.catch(() => undefined);
    return done;
  }

  private async moveTo(target: number): Promise<void> {
    await this.settle();
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.atMs);
      next.fn();
      await this.settle();
    }
    this.current = Math.max(this.current, target);
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
