/**
 * Object/file content held once in memory as the list of chunks it arrived in (never concatenated), with
 * the hashes Google reports: MD5 and CRC32C, both base64 as in GCS metadata, plus MD5 hex as Drive's
 * `md5Checksum`. Ranges stream slices of the stored chunks without copying.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { CRC32C } from '@google-cloud/storage';

export class Blob {
  private hashes?: { md5: Buffer; crc32c: string };

  private constructor(
    private readonly chunks: readonly Buffer[],
    readonly size: number,
  ) {}

  static empty(): Blob {
    return new Blob([], 0);
  }

  static fromBuffer(buf: Buffer): Blob {
    return new Blob(buf.length ? [buf] : [], buf.length);
  }

  static fromChunks(chunks: readonly Buffer[]): Blob {
    return new Blob(
      chunks.filter((c) => c.length > 0),
      chunks.reduce((n, c) => n + c.length, 0),
    );
  }

  /** Reads a stream to its end, keeping its chunks as they come. */
  static async fromStream(stream: AsyncIterable<unknown>): Promise<Blob> {
    const builder = new BlobBuilder();
    for await (const chunk of stream) builder.append(chunk as Buffer);
    return builder.build();
  }

  /** Several blobs back to back, sharing their chunks (compose, resumable sessions). */
  static concat(blobs: readonly Blob[]): Blob {
    return new Blob(
      blobs.flatMap((b) => b.chunks),
      blobs.reduce((n, b) => n + b.size, 0),
    );
  }

  private computeHashes(): { md5: Buffer; crc32c: string } {
    if (!this.hashes) {
      const md5 = createHash('md5');
      const crc = new CRC32C();
      for (const c of this.chunks) {
        md5.update(c);
        crc.update(c);
      }
      this.hashes = { md5: md5.digest(), crc32c: crc.toString() };
    }
    return this.hashes;
  }

  /** base64 MD5, as GCS `md5Hash` and `x-goog-hash: md5=`. */
  get md5Base64(): string {
    return this.computeHashes().md5.toString('base64');
  }

  /** hex MD5, as Drive `md5Checksum`. */
  get md5Hex(): string {
    return this.computeHashes().md5.toString('hex');
  }

  /** base64 big-endian CRC32C, as GCS `crc32c` and `x-goog-hash: crc32c=`. */
  get crc32c(): string {
    return this.computeHashes().crc32c;
  }

  /** Bytes [start, end) as a stream of slices of the stored chunks. */
  stream(start = 0, end = this.size): Readable {
    const chunks = this.chunks;
    function* slices(): Generator<Buffer> {
      let offset = 0;
      for (const c of chunks) {
        const cStart = offset;
        const cEnd = offset + c.length;
        offset = cEnd;
        if (cEnd <= start) continue;
        if (cStart >= end) break;
        yield c.subarray(Math.max(0, start - cStart), Math.min(c.length, end - cStart));
      }
    }
    return Readable.from(slices(), { objectMode: false });
  }

  /** The whole content as one Buffer: for small bodies (multipart replies, tests) only. */
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks as Buffer[], this.size);
  }

  /** Bytes [0, n) sharing chunks. */
  truncate(n: number): Blob {
    if (n >= this.size) return this;
    const kept: Buffer[] = [];
    let left = n;
    for (const c of this.chunks) {
      if (left <= 0) break;
      kept.push(c.length <= left ? c : c.subarray(0, left));
      left -= c.length;
    }
    return new Blob(kept, n);
  }
}

/** Accumulates chunks (e.g. a resumable upload session) and can drop a tail that was not committed. */
export class BlobBuilder {
  private blob = Blob.empty();
  private pending: Buffer[] = [];
  private pendingSize = 0;

  get size(): number {
    return this.blob.size + this.pendingSize;
  }

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.pending.push(chunk);
    this.pendingSize += chunk.length;
  }

  appendBlob(blob: Blob): void {
    this.flush();
    this.blob = Blob.concat([this.blob, blob]);
  }

  /** Keeps only the first `n` bytes. */
  truncate(n: number): void {
    this.flush();
    this.blob = this.blob.truncate(n);
  }

  build(): Blob {
    this.flush();
    return this.blob;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.blob = Blob.concat([this.blob, Blob.fromChunks(this.pending)]);
    this.pending = [];
    this.pendingSize = 0;
  }
}
