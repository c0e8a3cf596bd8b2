/**
 * The object's bytes, read in order from a position, for the chunked transfer (transfer.ts):
 * one open read of the generation serves chunk after chunk; a read that fails (a ranged Cloud Storage
 * download cut mid-body, a stall) is re-opened at the next unread byte, so a PUT in flight only waits.
 * Moving elsewhere (Drive confirmed less than was read) closes the read; the next one opens there.
 * Pieces are handed out as the stream gave them, never copied: nothing is held beyond the stream's own
 * read-ahead and one piece.
 */
import type { Readable } from 'node:stream';

/** Consecutive failures without a byte read before the source's error is thrown. */
export const MAX_SOURCE_REOPENS = 3;

export class SourceReader {
  private stream: Readable | undefined;
  private iterator: AsyncIterator<unknown> | undefined;
  /** The unread rest of the last piece the stream gave. */
  private leftover: Buffer | undefined;
  private disposed = false;
  /** The `next` in progress, if any. */
  private reading: Promise<Buffer> | undefined;
  /** Reads opened so far, each at the offset it started from (for tests and logs). */
  readonly opens: number[] = [];

  constructor(
    /** The generation's bytes from `offset` to its end. */
    private readonly open: (offset: number) => Readable,
    /** The object offset of the next byte `next` hands out. */
    private at: number,
    private readonly total: number,
  ) {}

  get position(): number {
    return this.at;
  }

  /** Moves to `position`, closing the read when it is somewhere else (the next `next` opens one there). */
  seek(position: number): void {
    if (position === this.at) return;
    if (position < 0 || position > this.total) throw new RangeError(`cannot read at ${position} of a ${this.total}-byte object`);
    this.close();
    this.at = position;
  }

  /**
   * Resolves once no `next` is in progress. A PUT abandoned while its body waited for the source leaves
   * that read running; the next PUT waits for it before moving the reader.
   */
  async settled(): Promise<void> {
    while (this.reading) await this.reading.catch(() => undefined);
  }

  /** The next 1 to `max` bytes; re-opens the read at the next unread byte after a failure. One at a time. */
  next(max: number): Promise<Buffer> {
    if (this.reading) return Promise.reject(new Error('SourceReader.next called while a read is in progress'));
    const reading = this.read(max).finally(() => {
      this.reading = undefined;
    });
    this.reading = reading;
    return reading;
  }

  private async read(max: number): Promise<Buffer> {
    if (max <= 0 || this.at >= this.total) throw new RangeError(`nothing to read at ${this.at} of ${this.total} (asked ${max})`);
    let failures = 0;
    while (!this.leftover) {
      try {
        this.leftover = await this.pull();
        if (!this.leftover) throw new Error(`the source ended at byte ${this.at} of ${this.total}`);
      } catch (err) {
        this.drop();
        if (this.disposed || ++failures > MAX_SOURCE_REOPENS) throw err;
      }
    }
    const piece = this.leftover.length <= max ? this.leftover : this.leftover.subarray(0, max);
    this.leftover = piece.length < this.leftover.length ? this.leftover.subarray(piece.length) : undefined;
    this.at += piece.length;
    return piece;
  }

  /** Closes the open read; the next `next` opens one at the position. Not while a read is in progress. */
  close(): void {
    if (this.reading) throw new Error('SourceReader closed while a read is in progress');
    this.drop();
  }

  /** Closes for good, even with a read in progress (which then fails instead of re-opening). */
  dispose(): void {
    this.disposed = true;
    this.drop();
  }

  private drop(): void {
    this.stream?.destroy();
    this.stream = undefined;
    this.iterator = undefined;
    this.leftover = undefined;
  }

  private async pull(): Promise<Buffer | undefined> {
    if (this.disposed) throw new Error('the source reader was closed');
    if (!this.iterator) {
      this.opens.push(this.at);
      this.stream = this.open(this.at);
      this.iterator = this.stream[Symbol.asyncIterator]();
    }
    for (;;) {
      const result = await this.iterator.next();
      if (result.done) return undefined;
      const value: unknown = result.value;
      const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value as string | Uint8Array);
      if (bytes.length > 0) return bytes;
    }
  }
}
