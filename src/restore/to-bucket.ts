/**
 * Writes one planned generation back into a bucket: the Drive download streamed into a Cloud Storage upload
 * (constant memory at any size) under the target name — resumable, or for an object of at most
 * `SINGLE_REQUEST_MAX_BYTES` a single-request upload, which saves the request that opens a session
 * (https://cloud.google.com/storage/docs/uploads: resumable uploads work for small files "at the cost of
 * one additional HTTP request per upload"; a failed one is simply restored again by the next run), with the recorded metadata and the
 * original `timeCreated` as `customTime`. Never over an existing object unless asked: the upload carries
 * `ifGenerationMatch=0` (https://cloud.google.com/storage/docs/request-preconditions), and a 412 is reported
 * `exists`. A refusal (a hold or a retention lock on the object being replaced, permissions) is reported
 * with Cloud Storage's reason. The copy is then verified (src/restore/verify.ts); a copy that is not the
 * generation is deleted again, pinned to the generation just written so nothing else is touched.
 */
import type { FileMetadata, Storage } from '@google-cloud/storage';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { classifyFailure } from '../core/classify.js';
import { apiMessageOf, httpStatusOf, isNotFound } from '../core/error-shapes.js';
import { markedService } from '../core/failure.js';
import type { CallScope } from '../core/gateway.js';
import type { DriveGateway } from '../drive/gateway.js';
import type { StorageGateway } from '../gcs/gateway.js';
import type { BackedUpGeneration } from './catalog.js';
import { RestoredContent, type ContentHashes } from './content.js';
import { downloadRefusalOf } from './drive-download.js';
import type { WriteResult } from './outcome.js';
import type { Decision } from './plan.js';
import { verificationProblems } from './verify.js';

export type RestoreDecision = Extract<Decision, { kind: 'restore' }>;

/** The largest object written in a single request: one piece of the download (src/restore/content.ts). */
export const SINGLE_REQUEST_MAX_BYTES = 1 << 20;

export interface WriterDeps {
  readonly gcs: StorageGateway;
  readonly drive: DriveGateway;
  readonly scope?: CallScope;
  /** A download that moves no byte this long is re-opened (IO_IDLE_TIMEOUT_SEC). */
  readonly idleMs?: number;
}

export interface WriteOptions {
  readonly bucket: string;
  readonly overwrite: boolean;
  readonly acknowledgeAbuse: boolean;
  /** Set the original `timeCreated` as the copy's `customTime` (default). */
  readonly customTime: boolean;
}

/** The metadata a restored object is written with: the generation's, as recorded. */
export function restoredMetadata(source: BackedUpGeneration, customTime: boolean): FileMetadata {
  const m: FileMetadata = { contentType: source.contentType ?? 'application/octet-stream' };
  if (source.contentEncoding !== undefined) m.contentEncoding = source.contentEncoding;
  if (source.contentDisposition !== undefined) m.contentDisposition = source.contentDisposition;
  if (source.contentLanguage !== undefined) m.contentLanguage = source.contentLanguage;
  if (source.cacheControl !== undefined) m.cacheControl = source.cacheControl;
  if (source.metadata !== undefined && Object.keys(source.metadata).length > 0) m.metadata = { ...source.metadata };
  if (customTime) m.customTime = source.timeCreated;
  return m;
}

interface Written {
  hashes: ContentHashes;
  metadata: FileMetadata;
}

async function upload(storage: Storage, deps: WriterDeps, decision: RestoreDecision, options: WriteOptions): Promise<Written> {
  const { source } = decision;
  const content = new RestoredContent(
    deps.drive,
    { fileId: source.driveFileId, revisionId: decision.revisionId, head: decision.head, acknowledgeAbuse: options.acknowledgeAbuse },
    Number(source.size),
    deps.scope,
    deps.idleMs,
    // CRC32C only where MD5 cannot prove the copy: an object that had none (a composite one).
    source.md5Hash === undefined,
  );
  const file = storage.bucket(options.bucket).file(decision.target);
  const sink = file.createWriteStream({
    resumable: Number(source.size) > SINGLE_REQUEST_MAX_BYTES,
    // The hashes are checked below, against the backup's and Drive's too.
    validation: false,
    // The recorded hashes ride on the upload: Cloud Storage refuses a copy that does not match them
    // (https://cloud.google.com/storage/docs/data-validation), so no corrupt copy ever exists.
    metadata: { ...restoredMetadata(source, options.customTime), ...expectedHashes(source) },
    ...(options.overwrite ? {} : { preconditionOpts: { ifGenerationMatch: 0 } }),
  });
  await pipeline(Readable.from(content.pieces()), sink);
  return { hashes: content.hashes(), metadata: file.metadata };
}

/** Restores one object into `options.bucket`; never throws for the object's own failures. */
export async function writeToBucket(deps: WriterDeps, decision: RestoreDecision, options: WriteOptions): Promise<WriteResult> {
  let written: Written;
  try {
    written = await deps.gcs.call('restore: write', (storage) => upload(storage, deps, decision, options), deps.scope);
  } catch (err) {
    return failedWrite(err);
  }
  const { hashes, metadata } = written;
  const problems = verificationProblems(decision.source, decision.driveMd5Hex, hashes, {
    md5Hash: metadata.md5Hash ?? undefined,
    crc32c: metadata.crc32c ?? undefined,
  });
  const generation = metadata.generation === undefined ? undefined : String(metadata.generation);
  if (problems.length > 0) {
    const removed = await deleteCopy(deps, options.bucket, decision.target, generation);
    return { kind: 'mismatch', reason: `${problems.join('; ')}; ${removed}` };
  }
  return { kind: 'restored', bytes: hashes.bytes, ...(generation !== undefined ? { generation } : {}) };
}

async function deleteCopy(deps: WriterDeps, bucket: string, name: string, generation: string | undefined): Promise<string> {
  if (generation === undefined) return 'the copy could not be deleted (Cloud Storage gave no generation): delete it by hand';
  try {
    await deps.gcs.call(
      'restore: delete a bad copy',
      (storage) => storage.bucket(bucket).file(name, { generation }).delete({ ifGenerationMatch: generation }),
      deps.scope,
    );
    return 'the copy was deleted';
  } catch (err) {
    if (isNotFound(err)) return 'the copy was deleted';
    const copy = `gs://${bucket}/${name}#${generation}`;
    // An account that may only create in the bucket (the function's roles/storage.objectCreator on restore buckets).
    if (httpStatusOf(err) === 403)
      return `the bad copy stays (Cloud Storage replied 403: this account may not delete in gs://${bucket}): run gcloud storage rm "${copy}", then the restore again`;
    return `the copy could not be deleted (${classifyFailure(err, 'gcs-source').reason}): run gcloud storage rm "${copy}", then the restore again`;
  }
}

/** What a failed write means for the report. */
export function failedWrite(err: unknown): WriteResult {
  const refusal = downloadRefusalOf(err);
  if (refusal) return refusal;
  const status = markedService(err) === 'drive' ? undefined : httpStatusOf(err);
  if (status === 412) return { kind: 'exists' };
  const refusedHash = status === 400 ? hashRefusal(err) : undefined;
  if (refusedHash !== undefined) return { kind: 'mismatch', reason: refusedHash };
  if (status === 403 || status === 409) {
    const message = apiMessageOf(err) ?? (err instanceof Error ? err.message : String(err));
    return { kind: 'refused', reason: `Cloud Storage replied ${status}: ${message}` };
  }
  return { kind: 'failed', reason: classifyFailure(err, 'gcs-source').reason };
}

/** The hashes a restored copy must have: the recorded ones (a composite object has a CRC32C alone). */
export function expectedHashes(source: BackedUpGeneration): { md5Hash?: string; crc32c?: string } {
  return {
    ...(source.md5Hash !== undefined ? { md5Hash: source.md5Hash } : {}),
    ...(source.crc32c !== undefined ? { crc32c: source.crc32c } : {}),
  };
}

/** Cloud Storage's 400 for bytes that do not match the hashes sent with the upload, as a report reason. */
function hashRefusal(err: unknown): string | undefined {
  const message = apiMessageOf(err) ?? (err instanceof Error ? err.message : '');
  if (!/doesn't match calculated/.test(message)) return undefined;
  return `the bytes from Drive differ from the recorded hash: Cloud Storage refused the copy (${message}); nothing was kept`;
}
