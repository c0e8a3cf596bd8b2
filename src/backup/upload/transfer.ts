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
 * - Before each chunk the deadline is asked; when it says no, the transfer stops and tells where Drive
 *   is, so a later invocation resumes the same session.
 */
import type { Readable } from 'node:stream';
import type { Retry } from '../../core/gateway.js';
import type { DriveFile } from '../../drive/files.js';
import { ConfirmedMd5 } from './confirmed-md5.js';
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
  /** A positive multiple of 256 KiB: the size of each PUT but the last. */
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

/** First guess of the upload speed, before a chunk has been timed. */
const ASSUMED_BYTES_PER_MS = (8 * 1024 * 1024) / 1000;
/** Consecutive chunks Drive acknowledges without taking a byte before we give up. */
const MAX_STALLS = 3;

export async function sendToSession(options: SendToSessionOptions): Promise<TransferResult> {
  const { sessionUri, total, chunkBytes, retry, startOffset } = options;
  assertChunkSize(chunkBytes);
  if (!Number.isInteger(startOffset) || startOffset < 0 || startOffset > total) {
    throw new RangeError(`startOffset ${startOffset} is outside the ${total}-byte object`);
  }
  if (options.md5 && startOffset !== 0) throw new RangeError('md5 can only be computed over a transfer from byte 0');
  const now = options.now ?? (() => performance.now());
  const source = new SourceReader(options.openSource, startOffset, total);
  const md5 = options.md5 ? new ConfirmedMd5() : undefined;
  /** Drive holds the object's bytes `[0, confirmed)`. */
  let confirmed = startOffset;
  /** The furthest object offset handed to Drive. */
  let sentEnd = startOffset;
  let bytesSent = 0;
  let estimateMs = chunkBytes / ASSUMED_BYTES_PER_MS;
  let stalls = 0;

  /** Hashes the source's bytes up to `end` without sending them (what Drive holds past the MD5's last state). */
  const hashUpTo = async (end: number): Promise<void> => {
    if (!md5) return;
    await source.settled();
    md5.rewind(end);
    source.seek(md5.position);
    while (md5.position < end) md5.update(await source.next(end - md5.position));
  };

  /** One PUT of `[offset, offset + length)`, its body read from the source as the request sends it. */
  const sendChunk = async (authHeaders: AuthHeaders, offset: number, length: number): Promise<UploadProgress> => {
    await source.settled();
    await hashUpTo(offset);
    source.seek(offset);
    const idle = idleAbort(options.idleTimeoutMs);
    let abandoned = false;
    let sourceError: unknown;
    async function* body(): AsyncGenerator<Uint8Array> {
      for (let left = length; left > 0;) {
        let piece: Buffer;
        try {
          piece = await source.next(left);
        } catch (err) {
          sourceError = err;
          throw err;
        }
        if (abandoned) return;
        md5?.update(piece);
        left -= piece.length;
        bytesSent += piece.length;
        sentEnd = Math.max(sentEnd, source.position);
        idle.touch();
        options.onSent?.(piece.length);
        yield piece;
      }
    }
    try {
      const stream = length === 0 ? Buffer.alloc(0) : body();
      return await putStreamedChunk({ sessionUri, authHeaders, offset, length, total, body: stream, signal: idle.signal });
    } catch (err) {
      throw sourceError ?? err;
    } finally {
      abandoned = true;
      idle.clear();
    }
  };

  const probe = async (authHeaders: AuthHeaders): Promise<UploadProgress> => {
    const idle = idleAbort(options.idleTimeoutMs);
    try {
      return await querySessionStatus({ sessionUri, authHeaders, total, signal: idle.signal });
    } finally {
      idle.clear();
    }
  };

  try {
    for (;;) {
      if (options.deadline && !options.deadline.canStart(estimateMs)) return { complete: false, offset: confirmed, bytesSent };
      const started = now();
      const offset = confirmed;
      const want = Math.min(chunkBytes, total - offset);
      const progress: UploadProgress = await retry('chunk', async ({ authHeaders }, attempt) => {
        if (attempt > 1 || (want === 0 && total > 0)) {
          const status = await probe(authHeaders);
          if (status.complete || status.persisted !== offset || want === 0) return status;
        }
        return sendChunk(authHeaders, offset, want);
      });
      estimateMs = (estimateMs + (now() - started)) / 2;

      if (!progress.complete && want === 0) throw new Error(`Drive holds all ${total} bytes but has not finished the upload`);
      const persisted = progress.complete ? total : progress.persisted;
      if (persisted > sentEnd) throw new Error(`Drive confirmed bytes up to ${persisted} that this transfer never sent`);
      if (progress.complete) {
        await hashUpTo(total);
        options.onChunk?.({ offset, bytes: total - offset });
        return { complete: true, file: progress.file, bytesSent, ...(md5 ? { md5Hex: md5.digest() } : {}) };
      }
      if (persisted < confirmed) throw new Error(`Drive now holds ${persisted} bytes after confirming ${confirmed}`);
      stalls = persisted === confirmed ? stalls + 1 : 0;
      if (stalls >= MAX_STALLS) throw new Error(`Drive took no bytes at offset ${confirmed} ${MAX_STALLS} times in a row`);
      if (persisted > offset) options.onChunk?.({ offset, bytes: persisted - offset });
      confirmed = persisted;
    }
  } finally {
    source.dispose();
  }
}

/** An abort signal that fires after `ms` without a `touch`; none without `ms`. */
function idleAbort(ms: number | undefined): { signal?: AbortSignal; touch(): void; clear(): void } {
  if (ms === undefined) return { touch: () => undefined, clear: () => undefined };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DriveStalledError(ms)), ms);
  return { signal: controller.signal, touch: () => void timer.refresh(), clear: () => clearTimeout(timer) };
}
