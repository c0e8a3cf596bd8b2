/**
 * Moves one object into an open Drive resumable session in constant memory: one chunk-sized buffer,
 * filled from the source stream, sent with `putChunk`, advanced by what Drive confirms.
 *
 * - A failed PUT (reset, 5xx) is retried through the caller's `retry` (the Drive gateway): the next attempt first asks the
 *   session what it holds and continues from there, reusing the unconfirmed tail still in the buffer.
 *   No byte Drive already holds is sent again.
 * - A source failure (a ranged GCS read cut off) re-opens the source at the next unread byte.
 * - When given, `md5` sees every byte Drive confirmed exactly once, in order.
 * - Before each chunk the deadline is asked; when it says no, the transfer stops and tells where Drive
 *   is, so a later invocation resumes the same session.
 */
import type { Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Retry } from '../core/gateway.js';
import type { DriveFile } from '../drive/files.js';
import { assertChunkSize, putChunk, querySessionStatus, type AuthHeaders, type UploadProgress } from './09-resumable-session.js';

export interface SendToSessionOptions {
  sessionUri: string;
  total: number;
  /** A positive multiple of 256 KiB. */
  chunkBytes: number;
  /** The object's bytes from `offset` on (e.g. a ranged GCS read); called again after a source failure. */
  openSource: (offset: number) => Readable;
  /** Where Drive is: 0 for a fresh session, else what `querySessionStatus` reported. */
  startOffset: number;
  /** Hashes every byte Drive confirmed, once, in order. Only for a fresh session (`startOffset` 0). */
  md5?: Hash;
  deadline?: { canStart(estimatedMs: number): boolean };
  /** The Drive gateway's calls (src/drive/gateway.ts): each PUT or probe is one attempt of a `chunk` call. */
  retry: Retry<{ authHeaders: AuthHeaders }>;
  onChunk?: (info: { offset: number; bytes: number }) => void;
  /** Aborts a PUT or probe that takes longer (a stalled connection); the retry then probes. Default none. */
  requestTimeoutMs?: number;
  /** Milliseconds clock for the per-chunk time estimate. Default `performance.now`. */
  now?: () => number;
}

export type TransferResult =
  { complete: true; file: DriveFile; bytesSent: number } | { complete: false; offset: number; bytesSent: number };

/** First guess of the upload speed, before a chunk has been timed. */
const ASSUMED_BYTES_PER_MS = (8 * 1024 * 1024) / 1000;
/** Consecutive chunks Drive acknowledges without taking a byte before we give up. */
const MAX_STALLS = 3;
/** Consecutive source failures without a byte read before the source's error is thrown. */
const MAX_SOURCE_REOPENS = 3;

export async function sendToSession(options: SendToSessionOptions): Promise<TransferResult> {
  const { sessionUri, total, chunkBytes, md5, retry, startOffset } = options;
  assertChunkSize(chunkBytes);
  if (!Number.isInteger(startOffset) || startOffset < 0 || startOffset > total) {
    throw new RangeError(`startOffset ${startOffset} is outside the ${total}-byte object`);
  }
  if (md5 && startOffset !== 0) throw new RangeError('md5 can only be computed over a transfer from byte 0');
  const now = options.now ?? (() => performance.now());
  const signal = (): AbortSignal | undefined =>
    options.requestTimeoutMs === undefined ? undefined : AbortSignal.timeout(options.requestTimeoutMs);

  const buffer = Buffer.allocUnsafe(Math.min(chunkBytes, total - startOffset));
  const source = new SourceReader(options.openSource, startOffset, total);
  /** `buffer[0, held.length)` holds the object's bytes `[held.start, held.start + held.length)`. */
  let held = { start: startOffset, length: 0 };
  /** Drive holds the object's bytes `[0, confirmed)`. */
  let confirmed = startOffset;
  let bytesSent = 0;
  let estimateMs = chunkBytes / ASSUMED_BYTES_PER_MS;
  let stalls = 0;

  const hashThrough = (end: number): void => {
    if (!md5 || end === confirmed) return;
    if (end > held.start + held.length) throw new Error(`Drive confirmed bytes up to ${end} that this transfer never sent`);
    md5.update(buffer.subarray(confirmed - held.start, end - held.start));
  };

  try {
    for (;;) {
      if (options.deadline && !options.deadline.canStart(estimateMs)) return { complete: false, offset: confirmed, bytesSent };
      const started = now();
      const want = Math.min(chunkBytes, total - confirmed);
      held = keepFrom(buffer, held, confirmed);
      source.seek(held.start + held.length);
      await source.fill(buffer, held.length, want);
      held.length = want;

      const chunk = buffer.subarray(0, want);
      const offset = confirmed;
      const progress: UploadProgress = await retry('chunk', async ({ authHeaders }, attempt) => {
        if (attempt > 1 || (want === 0 && total > 0)) {
          const status = await querySessionStatus({ sessionUri, authHeaders, total, signal: signal() });
          if (status.complete || status.persisted !== offset || want === 0) return status;
        }
        bytesSent += chunk.length;
        return putChunk({ sessionUri, authHeaders, chunk, offset, total, signal: signal() });
      });
      estimateMs = (estimateMs + (now() - started)) / 2;

      if (!progress.complete && want === 0) throw new Error(`Drive holds all ${total} bytes but has not finished the upload`);
      if (progress.complete) {
        hashThrough(total);
        options.onChunk?.({ offset, bytes: total - offset });
        return { complete: true, file: progress.file, bytesSent };
      }
      if (progress.persisted < confirmed) {
        throw new Error(`Drive now holds ${progress.persisted} bytes after confirming ${confirmed}`);
      }
      stalls = progress.persisted === confirmed ? stalls + 1 : 0;
      if (stalls >= MAX_STALLS) throw new Error(`Drive took no bytes at offset ${confirmed} ${MAX_STALLS} times in a row`);
      hashThrough(progress.persisted);
      if (progress.persisted > offset) options.onChunk?.({ offset, bytes: progress.persisted - offset });
      confirmed = progress.persisted;
    }
  } finally {
    source.close();
  }
}

/**
 * Drops the bytes before `from` from the front of the buffer, keeping the unconfirmed tail; when `from`
 * lies outside what the buffer holds, nothing is kept.
 */
function keepFrom(buffer: Buffer, held: { start: number; length: number }, from: number): { start: number; length: number } {
  const end = held.start + held.length;
  if (from < held.start || from > end) return { start: from, length: 0 };
  const drop = from - held.start;
  if (drop > 0 && drop < held.length) buffer.copyWithin(0, drop, held.length);
  return { start: from, length: held.length - drop };
}

/** Reads the source into caller-owned memory, re-opening it at the next unread byte after a failure. */
class SourceReader {
  private stream: Readable | undefined;
  private iterator: AsyncIterator<unknown> | undefined;
  /** The unread rest of the last chunk the stream gave. */
  private leftover: Buffer | undefined;

  constructor(
    private readonly open: (offset: number) => Readable,
    /** The object offset of the next byte `fill` hands out. */
    private position: number,
    private readonly total: number,
  ) {}

  /** Moves to `position`, re-opening the source there when it is somewhere else. */
  seek(position: number): void {
    if (position === this.position) return;
    this.close();
    this.position = position;
  }

  /** Fills `target[from, to)` with the next bytes of the source. */
  async fill(target: Buffer, from: number, to: number): Promise<void> {
    let at = from;
    let failures = 0;
    while (at < to) {
      if (!this.leftover) {
        try {
          this.leftover = await this.next();
          if (!this.leftover) throw new Error(`the source ended at byte ${this.position} of ${this.total}`);
        } catch (err) {
          this.close();
          if (++failures > MAX_SOURCE_REOPENS) throw err;
          continue;
        }
      }
      const n = Math.min(this.leftover.length, to - at);
      this.leftover.copy(target, at, 0, n);
      this.leftover = n < this.leftover.length ? this.leftover.subarray(n) : undefined;
      at += n;
      this.position += n;
      failures = 0;
    }
  }

  close(): void {
    this.stream?.destroy();
    this.stream = undefined;
    this.iterator = undefined;
    this.leftover = undefined;
  }

  private async next(): Promise<Buffer | undefined> {
    if (!this.iterator) {
      this.stream = this.open(this.position);
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
