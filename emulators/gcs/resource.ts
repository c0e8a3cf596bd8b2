/**
 * The stored shape of one object generation and its JSON API rendering (`storage#object`, exactly what
 * `objects.get` returns and what Eventarc puts in `google.cloud.storage.object.v1.finalized` data).
 */
import type { Blob } from '../harness/blob.js';
import { HttpError } from '../harness/http.js';

/** One generation of an object, as the emulator keeps it. */
export interface StoredObject {
  bucket: string;
  name: string;
  generation: number;
  metageneration: number;
  content: Blob;
  contentType: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  metadata?: Record<string, string>;
  /** Set for composed objects (which have no MD5, like in GCS). */
  componentCount?: number;
  timeCreated: Date;
  updated: Date;
  /** When this generation stopped being live (overwritten or deleted). */
  timeDeleted?: Date;
  /** Holds (protection.ts): while either is true the generation cannot be deleted or replaced. */
  eventBasedHold?: boolean;
  temporaryHold?: boolean;
  /** Canonical ISO time; once set it can only move later (protection.ts). */
  customTime?: string;
  /** Hub-clock ms its time in the bucket counts from, for a bucket retention policy (protection.ts). */
  retentionFromMs?: number;
}

/** The JSON object resource of the Cloud Storage JSON API. */
export interface StorageObjectData {
  kind: 'storage#object';
  id: string;
  selfLink: string;
  mediaLink: string;
  name: string;
  bucket: string;
  generation: string;
  metageneration: string;
  contentType: string;
  storageClass: 'STANDARD';
  size: string;
  md5Hash?: string;
  crc32c: string;
  etag: string;
  timeCreated: string;
  updated: string;
  timeStorageClassUpdated: string;
  timeDeleted?: string;
  metadata?: Record<string, string>;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  componentCount?: number;
  eventBasedHold?: boolean;
  temporaryHold?: boolean;
  customTime?: string;
}

/** Read-only view for tests: the resource plus the stored content. */
export interface StoredObjectView extends StorageObjectData {
  content: Blob;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

/** GCS-style etag: base64 of the protobuf (field 1 = generation, field 2 = metageneration). */
export function etagOf(generation: number, metageneration: number): string {
  return Buffer.from([0x08, ...varint(generation), 0x10, ...varint(metageneration)]).toString('base64');
}

/** RFC 3339 with milliseconds, UTC. */
export function rfc3339(d: Date): string {
  return d.toISOString();
}

export function objectPath(bucket: string, name: string): string {
  return `/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(name)}`;
}

export function toResource(obj: StoredObject, baseUrl: string): StorageObjectData {
  const gen = String(obj.generation);
  const path = objectPath(obj.bucket, obj.name);
  const r: StorageObjectData = {
    kind: 'storage#object',
    id: `${obj.bucket}/${obj.name}/${gen}`,
    selfLink: `${baseUrl}/storage/v1${path}`,
    mediaLink: `${baseUrl}/download/storage/v1${path}?generation=${gen}&alt=media`,
    name: obj.name,
    bucket: obj.bucket,
    generation: gen,
    metageneration: String(obj.metageneration),
    contentType: obj.contentType,
    storageClass: 'STANDARD',
    size: String(obj.content.size),
    crc32c: obj.content.crc32c,
    etag: etagOf(obj.generation, obj.metageneration),
    timeCreated: rfc3339(obj.timeCreated),
    updated: rfc3339(obj.updated),
    timeStorageClassUpdated: rfc3339(obj.timeCreated),
  };
  if (obj.componentCount === undefined) r.md5Hash = obj.content.md5Base64;
  else r.componentCount = obj.componentCount;
  if (obj.timeDeleted) r.timeDeleted = rfc3339(obj.timeDeleted);
  if (obj.metadata && Object.keys(obj.metadata).length) r.metadata = { ...obj.metadata };
  if (obj.contentEncoding) r.contentEncoding = obj.contentEncoding;
  if (obj.contentDisposition) r.contentDisposition = obj.contentDisposition;
  if (obj.contentLanguage) r.contentLanguage = obj.contentLanguage;
  if (obj.cacheControl) r.cacheControl = obj.cacheControl;
  if (obj.eventBasedHold !== undefined) r.eventBasedHold = obj.eventBasedHold;
  if (obj.temporaryHold !== undefined) r.temporaryHold = obj.temporaryHold;
  if (obj.customTime !== undefined) r.customTime = obj.customTime;
  return r;
}

/** Writable metadata fields of an insert/patch/compose-destination body. */
export interface WritableMetadata {
  contentType?: string | null;
  contentEncoding?: string | null;
  contentDisposition?: string | null;
  contentLanguage?: string | null;
  cacheControl?: string | null;
  metadata?: Record<string, unknown> | null;
  eventBasedHold?: boolean | null;
  temporaryHold?: boolean | null;
  /** null or '': remove (refused once set, protection.ts). */
  customTime?: string | null;
}

const HEADER_FIELDS = ['contentType', 'contentEncoding', 'contentDisposition', 'contentLanguage', 'cacheControl'] as const;

/**
 * Refuses a CR, LF or NUL in the metadata Cloud Storage sends back as response headers (Content-Type,
 * Content-Encoding, Content-Disposition, Content-Language, Cache-Control): 400 reason `invalid`,
 * "Invalid argument.", whatever the path (JSON body of an insert, patch, rewrite or compose, a multipart
 * part's Content-Type, a resumable session's metadata). GUESS: Google documents no rule for these
 * characters (https://cloud.google.com/storage/docs/metadata only says to avoid non-ASCII because the XML
 * API carries metadata in HTTP headers, where CR, LF and NUL cannot appear at all); refusing at write is
 * the emulator's reading of that, in the body Cloud Storage's JSON API uses for a bad argument. On the
 * XML/header path (a media upload's Content-Type header) such a value never reaches a route: clients
 * refuse to send it and the HTTP parser answers 400.
 */
export function assertHeaderSafe(meta: WritableMetadata): void {
  for (const key of HEADER_FIELDS) {
    const v = meta[key];
    if (typeof v === 'string' && /[\r\n\0]/.test(v)) throw new HttpError(400, 'Invalid argument.', 'invalid');
  }
}

/** Picks the writable fields of a client-supplied resource, ignoring the rest (acl, crc32c, ...). */
export function writableMetadataOf(body: unknown): WritableMetadata {
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const out: WritableMetadata = {};
  for (const key of HEADER_FIELDS) {
    const v = b[key];
    if (v === null) out[key] = null;
    else if (v !== undefined) out[key] = String(v);
  }
  if (b.metadata === null) out.metadata = null;
  else if (b.metadata && typeof b.metadata === 'object') out.metadata = b.metadata as Record<string, unknown>;
  for (const key of ['eventBasedHold', 'temporaryHold'] as const) {
    const v = b[key];
    if (v === null || typeof v === 'boolean') out[key] = v;
    else if (v !== undefined) throw new HttpError(400, `Invalid value for ${key}: ${JSON.stringify(v)}`, 'invalid');
  }
  if (b.customTime === null || typeof b.customTime === 'string') out.customTime = b.customTime;
  else if (b.customTime !== undefined) throw new HttpError(400, `Invalid value for customTime: ${JSON.stringify(b.customTime)}`, 'invalid');
  return out;
}

/** Custom metadata for a new object: values as strings, nulls dropped. */
export function customMetadataOf(input: Record<string, unknown> | null | undefined): Record<string, string> | undefined {
  if (!input) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(input)) if (v !== null && v !== undefined) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return Object.keys(out).length ? out : undefined;
}

/** Patch semantics: keys merge, a null value deletes the key; `metadata: null` clears all. */
export function mergeCustomMetadata(
  current: Record<string, string> | undefined,
  patch: Record<string, unknown> | null | undefined,
): Record<string, string> | undefined {
  if (patch === null) return undefined;
  if (patch === undefined) return current;
  const out: Record<string, string> = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined) delete out[k];
    else out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return Object.keys(out).length ? out : undefined;
}
