/**
 * `DISPATCH=auto`'s own limit on going direct, before Drive refuses anything: an instance backs an event up
 * directly only while the direct backups it already has in flight would get their Drive writes within
 * `DIRECT_WAIT_MS` at its pacer's current rate (drive/pacer.ts). Past that, the event would only wait in
 * the pacer's line, and a burst's direct writes would compete with the queue's for the same user's
 * limit; so it is enqueued instead and back-pressure is raised (auto-dispatch.ts), which sends every
 * instance's events to the queue, the one paced consumer, before Drive has refused a single write. A
 * quiet bucket (one event at a time) always goes direct. The decision is pure (`laneOpen`); `DirectLane`
 * counts the instance's direct backups in flight.
 */

/** How long a direct backup may expect to wait for its write before the queue is the better road. */
export const DIRECT_WAIT_MS = 1000;

/**
 * Whether one more direct backup may start: the ones in flight (about one Drive write each) go out at
 * `writesPerSecond`; one always may, whatever the rate.
 */
export function laneOpen(inFlight: number, writesPerSecond: number, maxWaitMs: number = DIRECT_WAIT_MS): boolean {
  const capacity = Math.max(1, Math.floor((writesPerSecond * maxWaitMs) / 1000));
  return inFlight < capacity;
}

/** The instance's direct backups in flight, against its Drive pacer's rate. */
export class DirectLane {
  private count = 0;

  constructor(
    private readonly writesPerSecond: () => number,
    private readonly maxWaitMs: number = DIRECT_WAIT_MS,
  ) {}

  get inFlight(): number {
    return this.count;
  }

  /** Takes a place when the lane is open (then call `leave` once done); false when it is full. */
  tryEnter(): boolean {
    if (!laneOpen(this.count, this.writesPerSecond(), this.maxWaitMs)) return false;
    this.count++;
    return true;
  }

  leave(): void {
    this.count = Math.max(0, this.count - 1);
  }

  /** Why an event was enqueued with the lane full (back-pressure's reason). */
  fullReason(): string {
    const rate = this.writesPerSecond();
    return `this instance already has ${this.count} direct backups waiting on its Drive pace of ${rate.toFixed(1)} writes/s`;
  }
}
