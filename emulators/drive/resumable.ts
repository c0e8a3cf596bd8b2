/**
 * The resumable upload protocol's pure parts: `Content-Range` parsing, deciding what a PUT to a session
 * does (status probe, write, finalize, or 400), and how much of an interrupted chunk is kept.
 * The session registry and the HTTP glue live in `upload-sessions.ts` and `routes-upload.ts`.
 */

import { CHUNK_GRANULARITY, chunkTooSmallMessage } from '../harness/resume-incomplete.js';

/** Every chunk but the last must be at least this long; persisted sizes are kept rounded down to it. */
export { CHUNK_GRANULARITY };

export type ContentRange =
  // A status probe, `bytes */TOTAL` or `bytes */*` (with a total it may also finalize).
  | { kind: 'probe'; total?: number }
  /** `bytes FIRST-LAST/TOTAL` or `bytes FIRST-LAST/*`. */
  | { kind: 'bytes'; first: number; last: number; total?: number };

export class ResumableProtocolError extends Error {}

const INT = '(0|[1-9][0-9]{0,15})';
const RANGE = new RegExp(`^bytes[ =](?:\\*|${INT}-${INT})/(?:\\*|${INT})$`);

/**
 * Parses a session PUT's `Content-Range`. Without the header the body is the whole content
 * (`bytes 0-(n-1)/n`, or a probe with total 0 for an empty body).
 */
export function parseContentRange(header: string | undefined, contentLength: number): ContentRange {
  if (header === undefined || header.trim() === '') {
    return contentLength > 0 ? { kind: 'bytes', first: 0, last: contentLength - 1, total: contentLength } : { kind: 'probe', total: 0 };
  }
  const m = RANGE.exec(header.trim());
  if (!m) throw new ResumableProtocolError(`Invalid Content-Range header: ${header}`);
  const total = m[3] === undefined ? undefined : Number(m[3]);
  if (m[1] === undefined) return total === undefined ? { kind: 'probe' } : { kind: 'probe', total };
  const first = Number(m[1]);
  const last = Number(m[2]);
  if (last < first) throw new ResumableProtocolError(`Invalid Content-Range header: ${header}`);
  if (total !== undefined && last >= total) throw new ResumableProtocolError(`Invalid Content-Range header: ${header}`);
  return total === undefined ? { kind: 'bytes', first, last } : { kind: 'bytes', first, last, total };
}

export type ChunkPlan =
  /** Reply 308 with the persisted range (nothing to store). */
  | { action: 'status' }
  /** The upload is complete (`total` bytes persisted): create/update the file and reply 200. */
  | { action: 'finalize'; total: number }
  /**
   * Store body bytes after skipping `skip` already-persisted ones; finalize afterwards when `final`.
   * `keepUpTo`: a non-final chunk is persisted up to this offset (whole 256 KiB blocks only).
   */
  | { action: 'write'; skip: number; final: boolean; total?: number; keepUpTo?: number };

/**
 * What a PUT does given the bytes persisted so far, the total fixed earlier (initiation header or an
 * earlier chunk) and the request's range and body length. Throws ResumableProtocolError (→ 400).
 */
export function planChunk(persisted: number, knownTotal: number | undefined, range: ContentRange, bodyLength: number): ChunkPlan {
  const total = range.total ?? knownTotal;
  if (range.total !== undefined && knownTotal !== undefined && range.total !== knownTotal) {
    throw new ResumableProtocolError(
      `Invalid request. The declared total size ${range.total} differs from the size ${knownTotal} given earlier.`,
    );
  }
  if (total !== undefined && total < persisted) {
    throw new ResumableProtocolError(`Invalid request. The total size ${total} is smaller than the ${persisted} bytes already uploaded.`);
  }
  if (range.kind === 'probe') {
    if (bodyLength !== 0) throw new ResumableProtocolError('Invalid request. A status query must have an empty body.');
    return range.total !== undefined && range.total === persisted ? { action: 'finalize', total: persisted } : { action: 'status' };
  }
  const length = range.last - range.first + 1;
  if (length !== bodyLength) {
    throw new ResumableProtocolError(
      `Invalid request. The Content-Range header declares ${length} byte(s) but the request contained ${bodyLength} byte(s).`,
    );
  }
  if (range.first > persisted) {
    throw new ResumableProtocolError(
      `Invalid request. According to the Content-Range header, the upload offset is ${range.first} byte(s), which exceeds already uploaded size of ${persisted} byte(s).`,
    );
  }
  const final = total !== undefined && range.last + 1 === total;
  // https://developers.google.com/workspace/drive/api/guides/manage-uploads#resumable: chunks in multiples
  // of 256 KiB except the last. Shorter non-final chunks are refused with the upload front end's message;
  // a longer one off the multiple is kept up to its last whole 256 KiB (the 308's Range tells the client).
  if (!final && length < CHUNK_GRANULARITY) throw new ResumableProtocolError(chunkTooSmallMessage(length));
  const skip = Math.min(length, persisted - range.first);
  if (skip === length) return final ? { action: 'finalize', total: persisted } : { action: 'status' };
  if (final) return { action: 'write', skip, final, total };
  return {
    action: 'write',
    skip,
    final,
    keepUpTo: Math.max(persisted, Math.floor((range.last + 1) / CHUNK_GRANULARITY) * CHUNK_GRANULARITY),
  };
}

/**
 * Bytes persisted after a chunk starting at `first` was cut after `received` body bytes: the received
 * end rounded down to the granularity (never less than what was persisted before).
 */
export function persistedAfterInterruption(persisted: number, first: number, received: number): number {
  const end = first + received;
  return Math.max(persisted, Math.floor(end / CHUNK_GRANULARITY) * CHUNK_GRANULARITY);
}

/** The `Range` header of a 308 reply, or undefined when nothing is persisted yet. */
export { persistedRange as persistedRangeHeader } from '../harness/resume-incomplete.js';
