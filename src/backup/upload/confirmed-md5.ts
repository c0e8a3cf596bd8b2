/**
 * The MD5 of the bytes Drive confirmed, for a transfer that streams: bytes are hashed as they go out,
 * before Drive says how many it kept, so the hash must be able to step back. It keeps a copy of its state
 * at every 256 KiB boundary of the object passed since the last confirmation (Drive persists whole
 * 256 KiB units of a cut chunk); `rewind` returns to the last one at or before what Drive holds, and the
 * caller hashes the few bytes between again from the source. Each byte is thus in the digest exactly
 * once, in order. A copy of an MD5 state is a few hundred bytes: a 64 MiB chunk keeps 256 of them.
 */
import { createHash, type Hash } from 'node:crypto';
import { CHUNK_GRANULARITY } from './session.js';

export class ConfirmedMd5 {
  private hash: Hash = createHash('md5');
  /** The hash covers the object's bytes [0, at). */
  private at = 0;
  /** Copies of the state at `offset`, oldest first; always starts with one at or before `at`. */
  private marks: { offset: number; hash: Hash }[] = [{ offset: 0, hash: this.hash.copy() }];

  /** The object offset of the next byte to hash. */
  get position(): number {
    return this.at;
  }

  /** Hashes `piece`, the object's bytes from `position` on. */
  update(piece: Uint8Array): void {
    let from = 0;
    while (from < piece.length) {
      const toBoundary = CHUNK_GRANULARITY - (this.at % CHUNK_GRANULARITY);
      const n = Math.min(toBoundary, piece.length - from);
      this.hash.update(piece.subarray(from, from + n));
      from += n;
      this.at += n;
      if (this.at % CHUNK_GRANULARITY === 0) this.marks.push({ offset: this.at, hash: this.hash.copy() });
    }
  }

  /**
   * Steps back to the last state at or before `offset` (Drive holds the bytes before `offset`), forgetting
   * every older one; `position` then tells from where the bytes must be hashed again. Never moves forward.
   */
  rewind(offset: number): void {
    if (offset >= this.at) {
      this.marks = [this.marks.at(-1)!];
      return;
    }
    let keep = 0;
    for (let i = 0; i < this.marks.length && this.marks[i].offset <= offset; i++) keep = i;
    const mark = this.marks[keep];
    if (mark.offset > offset) throw new Error(`cannot rewind the MD5 to ${offset}: its oldest state is at ${mark.offset}`);
    this.hash = mark.hash.copy();
    this.at = mark.offset;
    this.marks = [mark];
  }

  /** The hex digest of the bytes hashed: call once, when `position` is the object's size. */
  digest(): string {
    return this.hash.digest('hex');
  }
}
