/**
 * Reading exactly one object generation from Cloud Storage: metadata and ranged content streams.
 * Content is streamed, never buffered whole; hashing is the caller's (we verify against Drive's MD5).
 */
import type { Storage } from '@google-cloud/storage';
import { PassThrough, type Readable } from 'node:stream';
import type { ObjectRef } from '../event.js';
import { isNotFound, ObjectGoneError } from '../errors.js';

const describeRef = (ref: Pick<ObjectRef, 'bucket' | 'name' | 'generation'>) => `gs://${ref.bucket}/${ref.name}#${ref.generation}`;


/** Streams the generation from `offset`; a 404 surfaces as ObjectGoneError. */
export function openObject(storage: Storage, ref: Pick<ObjectRef, 'bucket' | 'name' | 'generation'>, offset = 0): Readable {
  const source = storage
    .bucket(ref.bucket)
    .file(ref.name, { generation: ref.generation })
    .createReadStream({ start: offset, validation: false, decompress: false });
  const out = new PassThrough();
  source.on('error', (err) => out.destroy(isNotFound(err) ? new ObjectGoneError(describeRef(ref)) : err));
  return source.pipe(out);
}

/** The whole generation in memory: for objects small enough to go up in one multipart request. */
export async function readSmallObject(storage: Storage, ref: Pick<ObjectRef, 'bucket' | 'name' | 'generation'>): Promise<Buffer> {
  try {
    const [content] = await storage.bucket(ref.bucket).file(ref.name, { generation: ref.generation }).download({ validation: false });
    return content;
  } catch (err) {
    throw isNotFound(err) ? new ObjectGoneError(describeRef(ref)) : err;
  }
}

/** The live object's metadata, or of one generation when given. */
export async function objectMetadata(
  storage: Storage,
  bucket: string,
  name: string,
  generation?: string,
): Promise<ObjectRef> {
  const [m] = await storage.bucket(bucket).file(name, generation ? { generation } : {}).getMetadata();
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
