/**
 * Moves one object into an open Drive resumable session without holding its chunks: each chunk's PUT body
 * streams straight from the source (a generation-pinned read of Cloud Storage, which can be read again
 * from any offset), so memory stays at the source's read-ahead whatever the chunk size, and reading
 * overlaps sending. The read stays open from chunk to chunk; Drive's answer decides where the next chunk
 * starts.
 *
 * - A failed PUT (reset, 5xx, stall) is retried through the caller's `retry` (the Drive gateway): the next
 *   attempt first asks the session what it holds and continues from there, reading the source again from
 *   that byte. No byte Drive already holds is sent again; what it did not confirm is re-read, not kept.
 * - A source failure (a ranged read cut mid-body) re-opens the source at the next unread byte while the
 *   PUT waits (source-reader.ts); only a source that keeps failing aborts the PUT.
 * - With `md5`, the digest covers every byte Drive confirmed exactly once, in order (confirmed-md5.ts):
 *   after a cut it steps back to what Drive holds and hashes the few bytes between from the source.
 * - Before each chunk the deadline is asked; a chunk it cannot fit is halved (put-size.ts), and when even
 *   the smallest says no, the transfer stops and tells where Drive is, so a later invocation resumes the
 *   same session.
 */
import type { Readable } from 'node:stream';
import type { Retry } from '../../core/gateway.js';
import type { DriveFile } from '../../drive/files.js';
import { ConfirmedMd5 } from './confirmed-md5.js';
import { nextPutBytes } from './put-size.js';
import { SourceReader } from './source-reader.js';
import {
  assertChunkSize,
  DriveStalledError,
  putStreamedChunk,
  querySessionStatus,
  type AuthHeaders,
  type UploadProgress,
} from './session.js';

export interface SendToSessionOptions {
  sessionUri: string;
  total: number;
  /** A positive multiple of 256 KiB: the largest PUT (each but the last is this size unless the deadline shrinks it). */
  chunkBytes: number;
  /** The object's bytes from `offset` on (e.g. a ranged GCS read); called again after a source failure. */
  openSource: (offset: number) => Readable;
  /** Where Drive is: 0 for a fresh session, else what `querySessionStatus` reported. */
  startOffset: number;
  /** Compute the MD5 of the bytes Drive confirmed (the complete result's `md5Hex`). Only from byte 0. */
  md5?: boolean;
  deadline?: { canStart(estimatedMs: number): boolean };
  /** The Drive gateway's calls (src/drive/gateway.ts): each PUT or probe is one attempt of a `chunk` call. */
  retry: Retry<{ authHeaders: AuthHeaders }>;
  onChunk?: (info: { offset: number; bytes: number }) => void;
  /** Told of every piece handed to a PUT, as it goes (a memory policy counts them: core/memory.ts). */
  onSent?: (bytes: number) => void;
  /** Aborts a PUT or probe that moves nothing for this long (a stalled connection); the retry then probes. */
  idleTimeoutMs?: number;
  /** Milliseconds clock for the per-chunk time estimate. Default `performance.now`. */
  now?: () => number;
}

export type TransferResult =
  { complete: true; file: DriveFile; bytesSent: number; md5Hex?: string } | { complete: false; offset: number; bytesSent: number };

/** First guess of the upload speed (8 MiB/s), before a chunk has been timed. */
const ASSUMED_BYTES_PER_MS = (8 * 1024 * 1024) / 1000;
/** Consecutive chunks Drive acknowledges without taking a byte before we give up. */
const MAX_STALLS = 3;

/** Sends the object into the session from `startOffset`, until Drive has it all or the deadline says stop. */
export async function sendToSession(options: SendToSessionOptions): Promise<TransferResult> {
  return new SessionTransfer(options).run();
}

/** One PUT's body as it streams: stopped once the PUT is over, and the source's error if it broke the body. */
interface PutBody {
  abandoned: boolean;
  sourceError?: unknown;
}

/**
 * One transfer's state (as rclone's `resumableUpload` struct): where Drive is, how far the source was
 * handed on, the running MD5 and the chunk time estimate, shared by the loop (`run`), one chunk's PUT
 * (`sendChunk`, its body streamed by `body`) and the probe that follows a failed PUT.
 */
class SessionTransfer {
  private readonly source: SourceReader;
  private readonly md5?: ConfirmedMd5;
  private readonly now: () => number;
  /** Drive holds the object's bytes `[0, confirmed)`. */
  private confirmed: number;
  /** The furthest object offset handed to Drive. */
  private sentEnd: number;
  private bytesSent = 0;
  /** The upload speed measured so far (a running average over chunks), for the deadline's estimate. */
  private bytesPerMs = ASSUMED_BYTES_PER_MS;
  /** Consecutive chunks Drive acknowledged without taking a byte. */
  private stalls = 0;

  constructor(private readonly options: SendToSessionOptions) {
    const { total, chunkBytes, startOffset } = options;
    assertChunkSize(chunkBytes);
    if (!Number.isInteger(startOffset) || startOffset < 0 || startOffset > total) {
      throw new RangeError(`startOffset ${startOffset} is outside the ${total}-byte object`);
    }
    if (options.md5 && startOffset !== 0) throw new RangeError('md5 can only be computed over a transfer from byte 0');
    this.now = options.now ?? (() => performance.now());
    this.source = new SourceReader(options.openSource, startOffset, total);
    if (options.md5) this.md5 = new ConfirmedMd5();
    this.confirmed = startOffset;
    this.sentEnd = startOffset;
  }

  async run(): Promise<TransferResult> {
    try {
      for (;;) {
        const result = await this.nextChunk();
        if (result) return result;
      }
    } finally {
      this.source.dispose();
    }
  }

  /** Sends the chunk at `confirmed` (through the retry), and moves on to what Drive confirmed; the result when done. */
  private async nextChunk(): Promise<TransferResult | undefined> {
    const { total, chunkBytes, retry, deadline, onChunk } = this.options;
    const offset = this.confirmed;
    // As large as the deadline lets it be (put-size.ts); the estimate is for this PUT's own bytes.
    const fits = (bytes: number) => !deadline || deadline.canStart(Math.max(1, bytes) / this.bytesPerMs);
    const want = nextPutBytes(total - offset, chunkBytes, fits);
    if (want === undefined) return { complete: false, offset: this.confirmed, bytesSent: this.bytesSent };
    const started = this.now();
    const progress: UploadProgress = await retry('chunk', async ({ authHeaders }, attempt) => {
      if (attempt > 1 || (want === 0 && total > 0)) {
        const status = await this.probe(authHeaders);
        if (status.complete || status.persisted !== offset || want === 0) return status;
      }
      return this.sendChunk(authHeaders, offset, want);
    });
    const tookMs = this.now() - started;
    if (want > 0 && tookMs > 0) this.bytesPerMs = (this.bytesPerMs + want / tookMs) / 2;

    if (!progress.complete && want === 0) throw new Error(`Drive holds all ${total} bytes but has not finished the upload`);
    const persisted = progress.complete ? total : progress.persisted;
    if (persisted > this.sentEnd) throw new Error(`Drive confirmed bytes up to ${persisted} that this transfer never sent`);
    if (progress.complete) {
      await this.hashUpTo(total);
      onChunk?.({ offset, bytes: total - offset });
      return { complete: true, file: progress.file, bytesSent: this.bytesSent, ...(this.md5 ? { md5Hex: this.md5.digest() } : {}) };
    }
    if (persisted < this.confirmed) throw new Error(`Drive now holds ${persisted} bytes after confirming ${this.confirmed}`);
    this.stalls = persisted === this.confirmed ? this.stalls + 1 : 0;
    if (this.stalls >= MAX_STALLS) throw new Error(`Drive took no bytes at offset ${this.confirmed} ${MAX_STALLS} times in a row`);
    if (persisted > offset) onChunk?.({ offset, bytes: persisted - offset });
    this.confirmed = persisted;
    return undefined;
  }

  /** Hashes the source's bytes up to `end` without sending them (what Drive holds past the MD5's last state). */
  private async hashUpTo(end: number): Promise<void> {
    const { md5, source } = this;
    if (!md5) return;
    await source.settled();
    md5.rewind(end);
    source.seek(md5.position);
    while (md5.position < end) md5.update(await source.next(end - md5.position));
  }

  /** One PUT of `[offset, offset + length)`, its body read from the source as the request sends it. */
  private async sendChunk(authHeaders: AuthHeaders, offset: number, length: number): Promise<UploadProgress> {
    const { sessionUri, total } = this.options;
    await this.source.settled();
    await this.hashUpTo(offset);
    this.source.seek(offset);
    const idle = idleAbort(this.options.idleTimeoutMs);
    const put: PutBody = { abandoned: false };
    try {
      const body = length === 0 ? Buffer.alloc(0) : this.body(length, put, idle);
      return await putStreamedChunk({ sessionUri, authHeaders, offset, length, total, body, signal: idle.signal });
    } catch (err) {
      throw put.sourceError ?? err;
    } finally {
      put.abandoned = true;
      idle.clear();
    }
  }

  /** The PUT's body: `length` bytes from the source, hashed and counted as they go. */
  private async *body(length: number, put: PutBody, idle: { touch(): void }): AsyncGenerator<Uint8Array> {
    for (let left = length; left > 0;) {
      let piece: Buffer;
      try {
        piece = await this.source.next(left);
      } catch (err) {
        put.sourceError = err;
        throw err;
      }
      if (put.abandoned) return;
      this.md5?.update(piece);
      left -= piece.length;
      this.bytesSent += piece.length;
      this.sentEnd = Math.max(this.sentEnd, this.source.position);
      idle.touch();
      this.options.onSent?.(piece.length);
      yield piece;
    }
  }

  /** Asks the session what Drive holds (after a failed PUT, or to finish an empty last chunk). */
  private async probe(authHeaders: AuthHeaders): Promise<UploadProgress> {
    const idle = idleAbort(this.options.idleTimeoutMs);
    try {
      return await querySessionStatus({ sessionUri: this.options.sessionUri, authHeaders, total: this.options.total, signal: idle.signal });
    } finally {
      idle.clear();
    }
  }
}

/** An abort signal that fires after `ms` without a `touch`; none without `ms`. */
function idleAbort(ms: number | undefined): { signal?: AbortSignal; touch(): void; clear(): void } {
  if (ms === undefined) return { touch: () => undefined, clear: () => undefined };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DriveStalledError(ms)), ms);
  return { signal: controller.signal, touch: () => void timer.refresh(), clear: () => clearTimeout(timer) };
}
