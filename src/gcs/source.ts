/**
 * Reading the watched buckets: one object generation's metadata and ranged content streams, and whether a
 * bucket exists. Content is streamed, never buffered whole (small objects excepted); hashing is the
 * caller's. Metadata and listing calls go through the source gateway; a content stream cannot (its errors
 * arrive while it flows), so its errors are marked as Cloud Storage's here and the reader re-opens it.
 *
 * A read that stops moving is abandoned after `idleMs`: the storage client's HTTP layer does not notice a
 * connection cut in the middle of a body and would wait forever. The caller retries from the next byte.
 */
import type { Storage } from '@google-cloud/storage';
import { PassThrough, type Readable } from 'node:stream';
import { isNotFound } from '../core/error-shapes.js';
import { markService, type ClassifiedError, type Failure } from '../core/failure.js';
import type { CallScope } from '../core/gateway.js';
import { describeRef, type ObjectRef } from '../core/object-ref.js';
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
 * Streams the generation from `offset`; a 404 surfaces as ObjectGoneError, a stall as ReadStalledError.
 * `readAheadBytes` lets the read run ahead of its consumer, so the download keeps moving while the
 * consumer is busy (an upload sends the previous chunk).
 */
export function openObject(storage: Storage, ref: Generation, offset = 0, idleMs = 60_000, readAheadBytes?: number): Readable {
  const source = storage
    .bucket(ref.bucket)
    .file(ref.name, { generation: ref.generation })
    .createReadStream({ start: offset, validation: false, decompress: false });
  const out = new PassThrough(readAheadBytes ? { highWaterMark: readAheadBytes } : {});
  let timer: NodeJS.Timeout | undefined;
  const stop = (err?: Error) => {
    clearTimeout(timer);
    source.destroy();
    out.destroy(err);
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stop(new ReadStalledError(`reading ${describeRef(ref)}`, idleMs)), idleMs);
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

/** The whole generation in memory: for objects small enough to go up in one multipart request. */
export async function readSmallObject(storage: Storage, ref: Generation, idleMs = 60_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of openObject(storage, ref, 0, idleMs)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
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
  };
}
