/**
 * Where a reconcile run can safely say "everything up to here is handled", pure. Objects are listed in
 * name order but finish out of order (bounded parallelism), so the cursor is the name just before the
 * OLDEST object still in flight — or, with nothing in flight, the last object listed. Only in-flight
 * objects are remembered (each with the name listed before it), so memory is O(parallelism), not
 * O(listing).
 */
export class ProgressCursor {
  private lastListed: string | undefined;
  private readonly inFlight = new Map<number, string | undefined>();
  private nextSeq = 0;

  /** @param start the cursor a run resumes from (its objects are all before the first listed here) */
  constructor(start?: string) {
    this.lastListed = start;
  }

  /** An object that needed no work: handled the moment it is listed. */
  settled(name: string): void {
    this.lastListed = name;
  }

  /** An object whose work starts now; call `finish(ticket)` when it ends (in success or failure). */
  begin(name: string): number {
    const seq = this.nextSeq++;
    this.inFlight.set(seq, this.lastListed);
    this.lastListed = name;
    return seq;
  }

  finish(ticket: number): void {
    this.inFlight.delete(ticket);
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /** The last name such that it and every name listed before it are handled. */
  get position(): string | undefined {
    // Map iteration follows insertion order, and tickets are inserted in listing order.
    for (const before of this.inFlight.values()) return before;
    return this.lastListed;
  }
}
