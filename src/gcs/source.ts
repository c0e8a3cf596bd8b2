/**
 * Reading the watched buckets: one object generation's metadata and ranged content streams, and whether a
 * bucket exists. Content is streamed, never buffered whole (small objects excepted); hashing is the
 * caller's. Metadata and listing calls go through the source gateway; a content stream cannot (its errors
 * arrive while it flows), so its errors are marked as Cloud Storage's here and the reader re-opens it.
 *
 * A connection cut in the middle of a body (a reset or an early close) fails the stream at once: the
 * client's HTTP layer reports it (`ECONNRESET`, "aborted"), and the caller re-opens the read at its next
 * unread byte. Only a half-open connection, which delivers nothing and never closes, goes unnoticed by
 * it: a read that moves no byte for `idleMs` while its consumer waits for data is abandoned as stalled
 * (the watchdog; a consumer that is busy elsewhere, holding the read back, does not count as a stall).
 */
import type { Storage } from '@google-cloud/storage';
import { EventEmitter } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { isNotFound } from '../core/error-shapes.js';
import { markService, type ClassifiedError, type Failure } from '../core/failure.js';
import type { CallScope } from '../core/gateway.js';
import { customMetadata, describeRef, type ObjectRef } from '../core/object-ref.js';
import type { StorageGateway } from './gateway.js';

type Generation = Pick<ObjectRef, 'bucket' | 'name' | 'generation'>;

/** The object generation no longer exists (overwritten or deleted): its newer generation has its own event. */
export class ObjectGoneError extends Error implements ClassifiedError {
  override readonly name = 'ObjectGoneError';
  readonly failure: Failure;
  constructor(readonly source: string) {
    super(`${source} no longer exists`);
    this.failure = { kind: 'object-gone', service: 'gcs-source', reason: this.message };
  }
}

/** A read that moved no byte for `idleMs`: a network failure, retried like one. */
export class ReadStalledError extends Error implements ClassifiedError {
  readonly code = 'ETIMEDOUT';
  readonly failure: Failure;
  constructor(what: string, idleMs: number) {
    super(`${what}: no data for ${idleMs} ms`);
    this.failure = { kind: 'transient', service: 'gcs-source', reason: this.message };
  }
}

/**
 * The listeners the client library puts on one download's response body: node-fetch pipes the HTTP
 * response into it, teeny-request pipes it into its request stream, and @google-cloud/storage pipes it
 * into the stream it returns, 11 'error' and 11 'close' listeners on that one body (counted through the
 * emulator, the same for 1 KiB and 4 MiB). One over Node's default limit of 10, so every read above a
 * few KiB printed a MaxListenersExceededWarning: a fixed count per request, no listener per chunk
 * (test/system/gcs/source.test.ts). The limit is raised for that body alone, with room for a library update.
 */
const LIBRARY_BODY_LISTENERS = 16;

/** `download` (a `createReadStream` of the client library) with the limit raised on its body when it comes. */
export function withLibraryBodyListeners<T extends Readable>(download: T): T {
  // The library's response object is the body stream itself (teeny-request), announced before it pipes it.
  download.once('response', (body: unknown) => {
    if (body instanceof EventEmitter) body.setMaxListeners(LIBRARY_BODY_LISTENERS);
  });
  return download;
}

/**
 * Streams the generation from `offset`; a 404 surfaces as ObjectGoneError, a stall as ReadStalledError.
 * `readAheadBytes` lets the read run ahead of its consumer, so the download keeps moving while the
 * consumer is busy (an upload sends the previous chunk).
 */
export function openObject(storage: Storage, ref: Generation, offset = 0, idleMs = 60_000, readAheadBytes?: number): Readable {
  const source = withLibraryBodyListeners(
    storage
      .bucket(ref.bucket)
      .file(ref.name, { generation: ref.generation })
      .createReadStream({ start: offset, validation: false, decompress: false }),
  );
  const out = new PassThrough(readAheadBytes ? { highWaterMark: readAheadBytes } : {});
  let timer: NodeJS.Timeout | undefined;
  const stop = (err?: Error) => {
    clearTimeout(timer);
    source.destroy();
    out.destroy(err);
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      // The read-ahead is full and the consumer has not taken it: the read waits for the consumer, it is
      // not stalled. Look again later.
      if (out.writableNeedDrain) arm();
      else stop(new ReadStalledError(`reading ${describeRef(ref)}`, idleMs));
    }, idleMs);
  };
  let ended = false;
  arm();
  source.on('data', arm);
  source.on('end', () => {
    ended = true;
    clearTimeout(timer);
  });
  source.on('error', (err) => {
    markService(err, 'gcs-source');
    stop(isNotFound(err) ? new ObjectGoneError(describeRef(ref)) : err);
  });
  out.on('close', () => {
    clearTimeout(timer);
    if (!ended) source.destroy();
  });
  return source.pipe(out);
}

/**
 * Reads the whole generation into memory, for objects small enough to go up in one multipart request. Each
 * call of the returned function is one attempt of a gateway call: an attempt after a failed one keeps the
 * bytes already read and asks only for the rest (a ranged read from the next unread byte).
 */
export function smallObjectReader(ref: Generation & { size?: string }, idleMs = 60_000): (storage: Storage) => Promise<Buffer> {
  const chunks: Buffer[] = [];
  let read = 0;
  const size = ref.size === undefined ? undefined : Number(ref.size);
  return async (storage) => {
    // A stream that failed after its last byte (before its end) leaves nothing to ask for: a range from
    // the object's size would be refused (416).
    const lacking = size === undefined || read === 0 || read < size;
    if (lacking) {
      for await (const chunk of openObject(storage, ref, read, idleMs)) {
        chunks.push(chunk as Buffer);
        read += (chunk as Buffer).length;
      }
    }
    return Buffer.concat(chunks);
  };
}

/**
 * Whether a bucket exists, asked by listing at most one object: the runtime service account has
 * `storage.objects.list` on the source bucket (objectViewer), not `storage.buckets.get`.
 */
export async function bucketExists(source: StorageGateway, bucket: string, scope?: CallScope): Promise<boolean> {
  try {
    await source.call('list one object', (storage) => storage.bucket(bucket).getFiles({ maxResults: 1, autoPaginate: false }), scope);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** The live object's metadata, or of one generation when given. */
export async function objectMetadata(
  source: StorageGateway,
  ref: { bucket: string; name: string; generation?: string },
  scope?: CallScope,
): Promise<ObjectRef> {
  const { bucket, name, generation } = ref;
  const [m] = await source.call(
    'object metadata',
    (storage) =>
      storage
        .bucket(bucket)
        .file(name, generation ? { generation } : {})
        .getMetadata(),
    scope,
  );
  return {
    bucket,
    name,
    generation: String(m.generation),
    metageneration: m.metageneration === undefined ? undefined : String(m.metageneration),
    size: m.size === undefined ? undefined : String(m.size),
    md5Hash: m.md5Hash ?? undefined,
    crc32c: m.crc32c ?? undefined,
    contentType: m.contentType ?? undefined,
    updated: m.updated ?? undefined,
    timeCreated: m.timeCreated ?? undefined,
    contentEncoding: m.contentEncoding ?? undefined,
    contentDisposition: m.contentDisposition ?? undefined,
    contentLanguage: m.contentLanguage ?? undefined,
    cacheControl: m.cacheControl ?? undefined,
    metadata: customMetadata(m.metadata),
  };
}
