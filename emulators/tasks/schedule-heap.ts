/**
 * A queue's waiting tasks ordered by schedule time (then by arrival), so the dispatcher finds the next
 * task to send in O(log n) even with a backlog of hundreds of thousands. Entries are invalidated lazily:
 * rescheduling or removing a task bumps its version and the stale entry is skipped when it surfaces.
 */

interface Entry<T> {
  atMs: number;
  seq: number;
  version: number;
  item: T;
}

export interface Scheduled {
  /** Bumped on every (re)schedule and on removal; the heap compares it with its entry's. */
  version: number;
}

export class ScheduleHeap<T extends Scheduled> {
  private heap: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  clear(): void {
    this.heap = [];
  }

  /** (Re)schedules `item` at `atMs`; any earlier entry of it goes stale. */
  push(item: T, atMs: number): void {
    item.version++;
    this.heap.push({ atMs, seq: this.seq++, version: item.version, item });
    this.up(this.heap.length - 1);
  }

  /** Makes `item`'s entry stale (the task left the queue or is being dispatched). */
  static forget(item: Scheduled): void {
    item.version++;
  }

  /** The earliest live entry, without removing it. */
  peek(): { item: T; atMs: number } | undefined {
    this.dropStale();
    const top = this.heap[0];
    return top ? { item: top.item, atMs: top.atMs } : undefined;
  }

  /** Removes and returns the earliest live entry if it is due at `nowMs`. */
  popDue(nowMs: number): T | undefined {
    const top = this.peek();
    if (!top || top.atMs > nowMs) return undefined;
    this.removeTop();
    ScheduleHeap.forget(top.item);
    return top.item;
  }

  private dropStale(): void {
    while (this.heap.length > 0 && this.heap[0]!.version !== this.heap[0]!.item.version) this.removeTop();
  }

  private removeTop(): void {
    const last = this.heap.pop() as Entry<T>;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
  }

  private less(a: Entry<T>, b: Entry<T>): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
