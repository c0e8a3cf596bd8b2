/**
 * The Drive resumable upload protocol, by hand: open a session (POST, or PATCH to revise an existing
 * file; global `fetch`), PUT chunks (node:http, http-put.ts) with `Content-Range`, and ask the session how many bytes it holds
 * (an empty PUT with `Content-Range: bytes *\/TOTAL`). A chunk's body may stream in while its PUT is under
 * way. A `308` reply means "incomplete" and its `Range: bytes=0-N` says what the server persisted;
 * `200`/`201` carry the finished file. A session that answers 404/410 is gone (`SessionGoneError`); any
 * other reply becomes a `DriveHttpError`; a request that moves nothing for too long is aborted by the
 * caller's signal with a `DriveStalledError`.
 * Every request carries the caller's auth header; no retries here (the caller runs each request inside
 * an operation of the Drive gateway, src/drive/gateway.ts).
 */
import { parseRetryAfter } from '../../core/error-shapes.js';
import type { ClassifiedError, Failure } from '../../core/failure.js';
import type { DriveFile } from '../../drive/files.js';
import type { AuthHeaders } from '../../drive/gateway.js';
import { sendPut } from './http-put.js';

export type { AuthHeaders };

/** Drive wants every chunk but the last to be a multiple of 256 KiB. */
export const CHUNK_GRANULARITY = 256 * 1024;

/** A non-success reply of the Drive upload endpoint: read by its shape (status, reason) like a client's error. */
export class DriveHttpError extends Error {
  override readonly name = 'DriveHttpError';
  constructor(
    readonly status: number,
    /** `error.errors[0].reason` of Drive's JSON error body, when there is one. */
    readonly reason: string | undefined,
    /** The reply body (truncated), for the log. */
    readonly body: string,
    readonly retryAfterMs?: number,
  ) {
    super(`Drive upload replied ${status}${reason ? ` ${reason}` : ''}`);
  }
}

/** The resumable upload session expired or was cancelled (404/410 on the session URI). */
export class SessionGoneError extends Error implements ClassifiedError {
  override readonly name = 'SessionGoneError';
  readonly failure: Failure;
  constructor(readonly status: number) {
    super(`Drive resumable upload session is gone (${status})`);
    this.failure = { kind: 'session-gone', service: 'drive', reason: this.message };
  }
}

/** A request to the session that moved nothing for `idleMs`: a network failure, retried like one. */
export class DriveStalledError extends Error implements ClassifiedError {
  override readonly name = 'DriveStalledError';
  readonly code = 'ETIMEDOUT';
  readonly failure: Failure;
  constructor(idleMs: number) {
    super(`Drive upload request: nothing moved for ${idleMs} ms`);
    this.failure = { kind: 'transient', service: 'drive', reason: this.message };
  }
}

export type UploadProgress = { complete: false; persisted: number } | { complete: true; file: DriveFile };

export interface StartUploadSessionOptions {
  /** `https://www.googleapis.com`, or `DRIVE_EMULATOR_HOST`. */
  baseUrl: string;
  authHeaders: AuthHeaders;
  /** Revise this file (PATCH) instead of creating one (POST). */
  fileId?: string;
  metadata: object;
  contentType: string;
  size: number;
  /** Extra query parameters: `fields`, `supportsAllDrives`, `keepRevisionForever` … */
  query?: Record<string, string>;
}

/** Opens a resumable upload session and returns its URI (the reply's `Location`). */
export async function startUploadSession(options: StartUploadSessionOptions): Promise<string> {
  const path = options.fileId ? `/upload/drive/v3/files/${encodeURIComponent(options.fileId)}` : '/upload/drive/v3/files';
  const url = new URL(path, options.baseUrl);
  url.searchParams.set('uploadType', 'resumable');
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);

  const response = await fetch(url, {
    method: options.fileId ? 'PATCH' : 'POST',
    headers: {
      ...(await options.authHeaders()),
      'content-type': 'application/json; charset=UTF-8',
      'x-upload-content-type': options.contentType,
      'x-upload-content-length': String(options.size),
    },
    body: JSON.stringify(options.metadata),
  });
  if (!response.ok) throw await driveHttpErrorFrom(response);
  await response.body?.cancel();
  const location = response.headers.get('location');
  if (!location) throw new DriveHttpError(response.status, 'noSessionUri', 'the session reply carried no Location header');
  return new URL(location, options.baseUrl).toString();
}

export interface PutStreamedChunkOptions {
  sessionUri: string;
  authHeaders: AuthHeaders;
  offset: number;
  total: number;
  signal?: AbortSignal;
  /** The chunk's length: what `Content-Range` and `Content-Length` declare. */
  length: number;
  /**
   * Exactly `length` bytes starting at `offset`, written as they come (a request body streamed with
   * `duplex: 'half'`, never gathered first); an error it throws aborts the request.
   */
  body: AsyncIterable<Uint8Array> | Uint8Array<ArrayBuffer>;
}

/** Sends one chunk whose bytes stream in while the request is under way; tells how far the session got. */
export async function putStreamedChunk(options: PutStreamedChunkOptions): Promise<UploadProgress> {
  const { offset, length, total } = options;
  if (!Number.isInteger(length) || offset < 0 || offset + length > total) {
    throw new RangeError(`chunk [${offset}, ${offset + length}) lies outside the ${total}-byte upload`);
  }
  if (length === 0 && total !== 0) throw new RangeError('an empty chunk is only valid for a 0-byte upload; use querySessionStatus');
  return putToSession(options.sessionUri, options.authHeaders, contentRange(offset, length, total), length, options.body, options.signal);
}

/** Asks the session what it holds (empty PUT, `Content-Range: bytes *\/TOTAL`). */
export async function querySessionStatus(options: {
  sessionUri: string;
  authHeaders: AuthHeaders;
  total: number;
  signal?: AbortSignal;
}): Promise<UploadProgress> {
  return putToSession(options.sessionUri, options.authHeaders, `bytes */${options.total}`, 0, Buffer.alloc(0), options.signal);
}

async function putToSession(
  sessionUri: string,
  authHeaders: AuthHeaders,
  range: string,
  length: number,
  body: AsyncIterable<Uint8Array> | Uint8Array<ArrayBuffer>,
  signal: AbortSignal | undefined,
): Promise<UploadProgress> {
  const headers = { ...(await authHeaders()), 'content-range': range, 'content-length': String(length) };
  const reply = await sendPut(sessionUri, headers, body, signal);
  // 308 is "Resume Incomplete" here, not a redirect.
  if (reply.status === 308) {
    reply.discard();
    return { complete: false, persisted: parsePersistedBytes(reply.header('range') ?? null) };
  }
  if (reply.status === 200 || reply.status === 201) {
    return { complete: true, file: JSON.parse(await reply.text()) as DriveFile };
  }
  if (reply.status === 404 || reply.status === 410) {
    reply.discard();
    throw new SessionGoneError(reply.status);
  }
  throw driveHttpError(reply.status, await reply.text().catch(() => ''), reply.header('retry-after') ?? null);
}

/** `bytes A-B/TOTAL` for a chunk, `bytes *\/TOTAL` for an empty one. */
export function contentRange(offset: number, length: number, total: number): string {
  if (length === 0) return `bytes */${total}`;
  return `bytes ${offset}-${offset + length - 1}/${total}`;
}

/** How many bytes a `Range: bytes=0-N` header says the server holds (N + 1); no header means none. */
export function parsePersistedBytes(rangeHeader: string | null): number {
  if (rangeHeader === null || rangeHeader.trim() === '') return 0;
  const match = /^bytes=0-(\d+)$/.exec(rangeHeader.trim());
  if (!match) throw new Error(`unexpected Range header from the upload session: ${rangeHeader.slice(0, 100)}`);
  return Number(match[1]) + 1;
}

/** Throws unless `bytes` is a positive multiple of 256 KiB. */
export function assertChunkSize(bytes: number): void {
  if (!Number.isInteger(bytes) || bytes <= 0 || bytes % CHUNK_GRANULARITY !== 0) {
    throw new RangeError(`chunk size must be a positive multiple of ${CHUNK_GRANULARITY} bytes, got ${bytes}`);
  }
}

const MAX_ERROR_BODY = 2000;

async function driveHttpErrorFrom(response: Response): Promise<DriveHttpError> {
  return driveHttpError(response.status, await response.text().catch(() => ''), response.headers.get('retry-after'));
}

function driveHttpError(status: number, text: string, retryAfter: string | null): DriveHttpError {
  const body = text.slice(0, MAX_ERROR_BODY);
  let reason: string | undefined;
  try {
    const parsed = JSON.parse(body) as { error?: { errors?: Array<{ reason?: unknown }> } };
    const first = parsed.error?.errors?.[0]?.reason;
    if (typeof first === 'string') reason = first;
  } catch {
    // Not JSON (a proxy's HTML page, say): no reason.
  }
  return new DriveHttpError(status, reason, body, parseRetryAfter(retryAfter));
}
