/**
 * A Drive revision's bytes from a position, as a stream: `files.get` (the head revision) or `revisions.get`
 * (an older one) with `alt=media` and, past the first byte, `Range: bytes=N-` (Drive answers 206:
 * https://developers.google.com/workspace/drive/api/guides/manage-downloads). Opening the download is a call
 * of the Drive gateway (retried and classified like every Drive call); a body cut mid-way fails the stream
 * and the reader (src/backup/upload/source-reader.ts) opens it again at its next byte. Drive's refusals to
 * download (`downloadQuotaExceeded`, `cannotDownloadAbusiveFile`, rate limits, a file gone) are told apart
 * here, so a restore reports them per object and goes on.
 */
import type { drive_v3 } from '@googleapis/drive';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { classifyFailure } from '../core/classify.js';
import { apiReasonOf, httpStatusOf } from '../core/error-shapes.js';
import { markService, type ClassifiedError, type Failure } from '../core/failure.js';
import type { CallScope } from '../core/gateway.js';
import type { DriveGateway } from '../drive/gateway.js';

export interface DownloadSource {
  readonly fileId: string;
  readonly revisionId: string;
  /** The file's newest revision: downloaded with `files.get`. */
  readonly head: boolean;
  /** Drive's `acknowledgeAbuse`: download a file Drive flagged as malware or spam anyway. */
  readonly acknowledgeAbuse: boolean;
}

/** Why Drive would not give a revision's bytes; a restore reports it per object and goes on. */
export type DownloadRefusal =
  | { readonly kind: 'missing-in-drive'; readonly reason: string }
  | { readonly kind: 'drive-limit'; readonly reason: string; readonly action: string; readonly lifts: boolean };

/**
 * Drive's download refusals ("Resolve errors", https://developers.google.com/workspace/drive/api/guides/handle-errors):
 * a file's download quota (403 downloadQuotaExceeded), a file flagged as abusive (403
 * cannotDownloadAbusiveFile, downloadable with acknowledgeAbuse=true), the user's and project's rate
 * limits (403 userRateLimitExceeded/rateLimitExceeded, 429) once the gateway's retries are spent.
 */
export function downloadRefusalOf(err: unknown): DownloadRefusal | undefined {
  const reason = apiReasonOf(err) ?? apiReasonOf((err as { cause?: unknown }).cause);
  const status = httpStatusOf(err) ?? httpStatusOf((err as { cause?: unknown }).cause);
  if (status === 404) return { kind: 'missing-in-drive', reason: 'Drive replied 404: the file or revision is gone' };
  if (reason === 'downloadQuotaExceeded')
    return {
      kind: 'drive-limit',
      reason: 'Drive replied 403 downloadQuotaExceeded: the download quota of this file is exceeded',
      action: 'Drive lifts it within 24 hours: run the same command again then',
      lifts: true,
    };
  if (reason === 'cannotDownloadAbusiveFile')
    return {
      kind: 'drive-limit',
      reason: 'Drive replied 403 cannotDownloadAbusiveFile: Drive flagged the file as malware or spam',
      action: 'if you trust the backup, run again with --acknowledge-abuse',
      // Drive keeps the flag: waiting does not help.
      lifts: false,
    };
  const failure = classifyFailure(err, 'drive');
  if (failure.kind === 'rate-limited' || (status === 403 && /RateLimitExceeded$/i.test(reason ?? '')))
    return {
      kind: 'drive-limit',
      reason: failure.reason,
      action: "Drive's rate limit held after retries: run the same command again later",
      lifts: true,
    };
  return undefined;
}

/**
 * A 404 on a download: the file or revision is gone. Classified so the gateway does not retry it (a Drive
 * 404 is otherwise retried: for the backup it is a folder moved meanwhile).
 */
class DownloadGone extends Error implements ClassifiedError {
  override readonly name = 'DownloadGone';
  readonly status = 404;
  readonly failure: Failure;
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.failure = { kind: 'backup-file-gone', service: 'drive', reason: message };
  }
}

/**
 * Gaxios leaves the error body of a streamed request as text (in the message, or the response's data):
 * its `errors` are put where the rest of the product reads a reason (core/error-shapes.ts).
 */
function withParsedBody(err: unknown): unknown {
  if (err === null || typeof err !== 'object' || apiReasonOf(err) !== undefined) return err;
  const e = err as { message?: unknown; response?: { data?: unknown } };
  for (const text of [e.response?.data, e.message]) {
    if (typeof text !== 'string' || !text.startsWith('{')) continue;
    try {
      const errors = (JSON.parse(text) as { error?: { errors?: unknown } }).error?.errors;
      if (Array.isArray(errors) && Object.isExtensible(err)) {
        Object.defineProperty(err, 'errors', { value: errors, configurable: true });
        return err;
      }
    } catch {
      // not JSON: left as it is
    }
  }
  return err;
}

async function request(api: drive_v3.Drive, source: DownloadSource, offset: number): Promise<{ status: number; body: Readable }> {
  const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
  const options = { responseType: 'stream' as const, headers };
  const common = { fileId: source.fileId, alt: 'media', acknowledgeAbuse: source.acknowledgeAbuse, supportsAllDrives: true };
  try {
    const res = source.head
      ? await api.files.get(common, options)
      : await api.revisions.get({ ...common, revisionId: source.revisionId }, options);
    return { status: res.status, body: res.data };
  } catch (err) {
    if (httpStatusOf(err) === 404) throw new DownloadGone(`Drive has no ${source.fileId}/${source.revisionId}`, { cause: err });
    throw withParsedBody(err);
  }
}

/** Drops the first `count` bytes: a server that ignored the Range header sent the whole content. */
function skipping(count: number): Transform {
  let left = count;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (left >= chunk.length) {
        left -= chunk.length;
        return done();
      }
      const rest = chunk.subarray(left);
      left = 0;
      done(null, rest);
    },
  });
}

/** A download that moved no byte for `idleMs` while its reader waited: a network failure, re-opened like one. */
export class DownloadStalledError extends Error {
  override readonly name = 'DownloadStalledError';
  readonly code = 'ETIMEDOUT';
}

/** Default of `idleMs`: IO_IDLE_TIMEOUT_SEC's default. */
export const DOWNLOAD_IDLE_MS = 60_000;

/**
 * The revision's bytes from `offset` on, returned at once (the reader needs a stream now): the download is
 * opened through the gateway, and its failure, once the gateway gives up, fails the stream. A half-open
 * connection (nothing moves, nothing closes) is abandoned after `idleMs` without a byte while the reader
 * waits (a reader busy elsewhere, holding the stream back, is no stall).
 */
export function openDownload(
  drive: DriveGateway,
  source: DownloadSource,
  offset: number,
  scope: CallScope = {},
  idleMs = DOWNLOAD_IDLE_MS,
): Readable {
  const out = new PassThrough();
  const what = source.head ? 'files.get (media)' : 'revisions.get (media)';
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (out.writableNeedDrain) arm();
      else out.destroy(new DownloadStalledError(`${what} of ${source.fileId}: no data for ${idleMs} ms`));
    }, idleMs);
  };
  out.on('close', () => clearTimeout(timer));
  void drive
    .call(what, ({ api }) => request(api, source, offset), scope)
    .then(({ status, body }) => {
      body.on('error', (err) => markService(err, 'drive'));
      body.on('data', arm);
      arm();
      return status === 200 && offset > 0 ? pipeline(body, skipping(offset), out) : pipeline(body, out);
    })
    .catch((err: unknown) => {
      markService(err, 'drive');
      out.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  return out;
}
