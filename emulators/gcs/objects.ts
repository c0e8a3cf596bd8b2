/**
 * In-memory Cloud Storage state: buckets, objects and every generation of each object (the live one plus
 * noncurrent ones, as in a versioned bucket), generation numbering, preconditions, and what protects a
 * generation from being deleted or replaced (holds, a bucket retention policy: protection.ts, on the hub
 * clock). No HTTP here; errors are HttpErrors carrying the status and reason GCS uses.
 */
import type { Blob } from '../harness/blob.js';
import { systemClock, type Clock } from '../harness/clock.js';
import { HttpError } from '../harness/http.js';
import { listPage, type ListOptions, type ListPage } from './listing.js';
import { assertPreconditions, type Preconditions } from './preconditions.js';
import { assertReplaceable, nextCustomTime, parseCustomTime, type RetentionPolicy } from './protection.js';
import { assertHeaderSafe, customMetadataOf, mergeCustomMetadata, type StoredObject, type WritableMetadata } from './resource.js';

export interface BucketState {
  name: string;
  location: string;
  timeCreated: Date;
  objects: Map<string, ObjectHistory>;
  /** `retentionPolicy` of the bucket resource; absent: none. */
  retention?: RetentionPolicy;
}

/** All generations of one name, oldest first; `live` is the current one, if any. */
export interface ObjectHistory {
  versions: StoredObject[];
  live?: StoredObject;
}

export type ChangeListener = (kind: 'finalized' | 'deleted', obj: StoredObject) => void;
/** Called before every mutation of `bucket/name`, once its preconditions hold; throws to refuse it (rate limits). */
export type MutationGuard = (bucket: string, name: string) => void;

const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;

export function bucketNotFound(bucket: string): HttpError {
  return new HttpError(404, `The specified bucket does not exist: ${bucket}`, 'notFound');
}

export function objectNotFound(bucket: string, name: string, generation?: number): HttpError {
  const what = generation === undefined ? `${bucket}/${name}` : `${bucket}/${name}#${generation}`;
  return new HttpError(404, `No such object: ${what}`, 'notFound');
}

export function validateObjectName(name: string | undefined): string {
  if (!name) throw new HttpError(400, 'Required', 'required');
  if (Buffer.byteLength(name, 'utf8') > 1024) throw new HttpError(400, 'The object name is too long.', 'invalid');
  if (/[\r\n]/.test(name)) throw new HttpError(400, 'Object names cannot contain CR or LF characters.', 'invalid');
  return name;
}

export class GcsStore {
  private readonly buckets = new Map<string, BucketState>();
  private lastGeneration = 0;
  /** Called before a write replaces a live object (the caller's permission to: grants.ts); throws to refuse. */
  beforeReplace: MutationGuard = () => undefined;

  constructor(
    private readonly onChange: ChangeListener,
    private readonly beforeMutation: MutationGuard = () => undefined,
    /** The hub's clock: what retention periods read. */
    private readonly clock: Clock = systemClock,
  ) {}

  clear(): void {
    this.buckets.clear();
  }

  /** Everything held, for persistence (the live objects, not copies). */
  exportState(): { buckets: BucketState[]; lastGeneration: number } {
    return { buckets: [...this.buckets.values()], lastGeneration: this.lastGeneration };
  }

  /** Replaces everything held (persistence restore). */
  importState(state: { buckets: BucketState[]; lastGeneration: number }): void {
    this.buckets.clear();
    for (const b of state.buckets) this.buckets.set(b.name, b);
    this.lastGeneration = Math.max(this.lastGeneration, state.lastGeneration);
  }

  /** Microsecond-timestamp generations, strictly increasing across the whole emulator. */
  nextGeneration(): number {
    this.lastGeneration = Math.max(this.lastGeneration + 1, Date.now() * 1000);
    return this.lastGeneration;
  }

  createBucket(name: string, location = 'US'): BucketState {
    if (!BUCKET_NAME.test(name)) throw new HttpError(400, `Invalid bucket name: '${name}'`, 'invalid');
    if (this.buckets.has(name)) {
      throw new HttpError(409, 'Your previous request to create the named bucket succeeded and you already own it.', 'conflict');
    }
    const bucket: BucketState = { name, location: location.toUpperCase(), timeCreated: new Date(), objects: new Map() };
    this.buckets.set(name, bucket);
    return bucket;
  }

  listBuckets(): BucketState[] {
    return [...this.buckets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  bucket(name: string): BucketState {
    const b = this.buckets.get(name);
    if (!b) throw bucketNotFound(name);
    return b;
  }

  deleteBucket(name: string): void {
    const b = this.bucket(name);
    for (const h of b.objects.values()) {
      if (h.live) throw new HttpError(409, 'The bucket you tried to delete is not empty.', 'conflict');
    }
    this.buckets.delete(name);
  }

  /** The live object, or undefined. */
  live(bucket: string, name: string): StoredObject | undefined {
    return this.bucket(bucket).objects.get(name)?.live;
  }

  /** The live object, or a specific (possibly noncurrent) generation; 404 when absent. */
  find(bucket: string, name: string, generation?: number): StoredObject {
    const history = this.bucket(bucket).objects.get(name);
    const obj = generation === undefined ? history?.live : history?.versions.find((v) => v.generation === generation);
    if (!obj) throw objectNotFound(bucket, name, generation);
    return obj;
  }

  /** Finalizes a new generation of `name` with `content`, if the preconditions hold against the live one. */
  insert(
    bucket: string,
    name: string,
    content: Blob,
    meta: WritableMetadata,
    preconditions: Preconditions,
    extra: { componentCount?: number } = {},
  ): StoredObject {
    const b = this.bucket(bucket);
    validateObjectName(name);
    assertHeaderSafe(meta);
    const history = b.objects.get(name) ?? { versions: [] };
    assertPreconditions(history.live, preconditions);
    if (history.live) {
      assertReplaceable(history.live, b.retention, this.clock.now());
      this.beforeReplace(bucket, name);
    }
    const customTime = meta.customTime ? parseCustomTime(meta.customTime) : undefined;
    this.beforeMutation(bucket, name);
    const now = new Date();
    const obj: StoredObject = {
      bucket,
      name,
      generation: this.nextGeneration(),
      metageneration: 1,
      content,
      contentType: meta.contentType || 'application/octet-stream',
      timeCreated: now,
      updated: now,
    };
    if (meta.contentEncoding) obj.contentEncoding = meta.contentEncoding;
    if (meta.contentDisposition) obj.contentDisposition = meta.contentDisposition;
    if (meta.contentLanguage) obj.contentLanguage = meta.contentLanguage;
    if (meta.cacheControl) obj.cacheControl = meta.cacheControl;
    const custom = customMetadataOf(meta.metadata);
    if (custom) obj.metadata = custom;
    if (extra.componentCount !== undefined) obj.componentCount = extra.componentCount;
    if (meta.eventBasedHold) obj.eventBasedHold = true;
    if (meta.temporaryHold) obj.temporaryHold = true;
    if (customTime) obj.customTime = customTime;
    obj.retentionFromMs = this.clock.now();
    if (history.live) history.live.timeDeleted = now;
    history.versions.push(obj);
    history.live = obj;
    b.objects.set(name, history);
    this.onChange('finalized', obj);
    return obj;
  }

  /** Metadata update: bumps metageneration (not generation) and `updated`. */
  patch(bucket: string, name: string, generation: number | undefined, patch: WritableMetadata, p: Preconditions): StoredObject {
    const obj = this.find(bucket, name, generation);
    assertHeaderSafe(patch);
    assertPreconditions(obj, p);
    const customTime = nextCustomTime(obj.customTime, patch.customTime);
    this.beforeMutation(bucket, name);
    if (customTime === undefined) delete obj.customTime;
    else obj.customTime = customTime;
    // Releasing an event-based hold restarts the object's time in the bucket (object-holds page).
    if (obj.eventBasedHold && patch.eventBasedHold === false) obj.retentionFromMs = this.clock.now();
    for (const key of ['eventBasedHold', 'temporaryHold'] as const) {
      if (patch[key] !== undefined && patch[key] !== null) obj[key] = patch[key];
    }
    if (patch.contentType !== undefined) obj.contentType = patch.contentType || 'application/octet-stream';
    for (const key of ['contentEncoding', 'contentDisposition', 'contentLanguage', 'cacheControl'] as const) {
      const v = patch[key];
      if (v === null || v === '') delete obj[key];
      else if (v !== undefined) obj[key] = v;
    }
    const merged = mergeCustomMetadata(obj.metadata, patch.metadata);
    if (merged) obj.metadata = merged;
    else delete obj.metadata;
    obj.metageneration += 1;
    obj.updated = new Date();
    return obj;
  }

  /**
   * Without `generation`: the live object becomes noncurrent (kept in history, readable by generation).
   * With `generation`: that generation is removed for good.
   */
  delete(bucket: string, name: string, generation: number | undefined, p: Preconditions): StoredObject {
    const b = this.bucket(bucket);
    const obj = this.find(bucket, name, generation);
    assertPreconditions(obj, p);
    assertReplaceable(obj, b.retention, this.clock.now());
    this.beforeMutation(bucket, name);
    const history = b.objects.get(name) as ObjectHistory;
    obj.timeDeleted ??= new Date();
    if (generation !== undefined) {
      history.versions = history.versions.filter((v) => v !== obj);
      if (history.versions.length === 0) b.objects.delete(name);
    }
    if (history.live === obj) history.live = undefined;
    this.onChange('deleted', obj);
    return obj;
  }

  list(bucket: string, opts: ListOptions & { versions?: boolean }): ListPage<StoredObject> {
    const b = this.bucket(bucket);
    const entries: StoredObject[] = [];
    for (const h of b.objects.values()) {
      if (opts.versions) entries.push(...h.versions);
      else if (h.live) entries.push(h.live);
    }
    return listPage(entries, opts);
  }
}
