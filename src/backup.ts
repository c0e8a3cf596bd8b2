/**
 * Backs up one object generation into Drive, whichever way it was asked (event, HTTP, reconcile):
 * filter → claim (exactly once, see state/claim-plan.ts) → folders → upload (multipart for small objects,
 * a resumable session streamed chunk by chunk for the rest) → verify MD5.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { drive_v3 } from '@googleapis/drive';
import type { Storage } from '@google-cloud/storage';
import type { Config } from './config.js';
import type { ObjectRef } from './event.js';
import { selectObject } from './filters.js';
import type { Deadline } from './time-budget.js';
import {
  classifyFailure,
  fromSource,
  httpStatusOf,
  isConflict,
  isNotFound,
  ObjectTooLargeError,
  type ClassifiedError,
  type Failure,
  type FailureSource,
} from './errors.js';
import { withRetry } from './retry.js';
import { APP_PROPERTY, describeSource, planObjectPath, sourceAppProperties } from './drive/object-path.js';
import {
  BackupFileGoneError,
  createWithContent,
  deleteFile,
  getFile,
  probeFile,
  reviseWithContent,
  type DriveFile,
  type UploadMetadata,
} from './drive/files.js';
import type { FolderResolver } from './drive/folders.js';
import type { DriveIdPool } from './drive/id-pool.js';
import type { StateStore, Versioned } from './state/store.js';
import type { ObjectRecord } from './state/claim-plan.js';
import { claimObject, markDone, ObjectBusyError, objectRecordKey, releaseClaim } from './state/object-claim.js';
import { openObject, readSmallObject } from './gcs/source.js';
import { uploadResumable } from './resumable-upload.js';
import { driveBaseUrl } from './clients.js';

/** How far a large object's download may run ahead of the upload (overlap at the cost of this memory). */
const READ_AHEAD_BYTES = 4 * 1024 * 1024;

/** Drive's per-file size limit (5 TB). */
export const DRIVE_MAX_FILE_BYTES = 5e12;

/** The bytes Drive stored are not the bytes of the object. Never reported as success. */
export class IntegrityError extends Error implements ClassifiedError {
  readonly failure: Failure;
  constructor(expected: string, actual: string | undefined) {
    super(`MD5 mismatch after upload: expected ${expected}, Drive has ${actual ?? 'none'}; the bad copy was discarded`);
    this.failure = { kind: 'transient', reason: this.message };
  }
}

/** Stopped before the invocation's deadline with the upload saved in its session; the retry continues. */
export class CheckpointError extends Error implements ClassifiedError {
  readonly failure: Failure;
  constructor(
    readonly offset: number,
    readonly total: number,
  ) {
    super(`upload checkpointed at ${offset} of ${total} bytes before the deadline; continuing on retry`);
    this.failure = { kind: 'checkpoint', reason: this.message };
  }
}

export interface BackupDeps {
  config: Config;
  storage: Storage;
  /** Downloads object content; the library's retries are off (see createStorage), ours re-open the read. */
  sourceReader: Storage;
  store: StateStore;
  drive: () => Promise<drive_v3.Drive>;
  authHeaders: () => Promise<Record<string, string>>;
  ids: DriveIdPool;
  folders: FolderResolver;
  onRetry?: (info: { what: string; attempt: number; delayMs: number; reason: string }) => void;
  /** Runs the backup with the user's credentials, re-reading the secret once on invalid_grant. */
  withCredentials?: <T>(operation: () => Promise<T>) => Promise<T>;
  /** Drops the cached access token after a 401, so the next request refreshes it. */
  invalidateAccessToken?: () => void;
}

export interface BackupRequest {
  object: ObjectRef;
  deadline: Deadline;
  /** Unique per invocation: the owner of the claim. */
  invocationId: string;
  /** Drive is known to lack this object (reconcile): re-upload even if the record says it was backed up. */
  restoreMissing?: boolean;
}

export type BackupResult =
  | { outcome: 'uploaded' | 'revised'; driveFileId: string; bytes: number; attempts: number }
  | { outcome: 'skipped'; reason: string; driveFileId?: string; bytes?: number; attempts: number };

export function backupObject(deps: BackupDeps, request: BackupRequest): Promise<BackupResult> {
  return deps.withCredentials ? deps.withCredentials(() => backupOnce(deps, request)) : backupOnce(deps, request);
}

async function backupOnce(deps: BackupDeps, request: BackupRequest): Promise<BackupResult> {
  const { config } = deps;
  const ref = request.object;
  const selection = selectObject(ref.name, config);
  if (!selection.backup) return { outcome: 'skipped', reason: selection.reason, attempts: 1 };
  const size = Number(ref.size ?? '0');
  if (size > DRIVE_MAX_FILE_BYTES) throw new ObjectTooLargeError(size, DRIVE_MAX_FILE_BYTES);

  /** 1 + the retries this invocation needed, whatever the step. */
  let attempts = 1;
  const retry = <T>(what: string, op: (attempt: number) => Promise<T>, where: FailureSource = 'drive') =>
    withRetry((attempt) => op(attempt), {
      classify: (err) => {
        if (httpStatusOf(err) === 401) deps.invalidateAccessToken?.();
        return classifyFailure(err, where);
      },
      deadline: request.deadline,
      onRetry: ({ attempt, delayMs, failure }) => {
        attempts++;
        deps.onRetry?.({ what, attempt, delayMs, reason: failure.reason });
      },
    });

  const drive = await deps.drive();
  const key = objectRecordKey(ref.bucket, ref.name, config.onNewGeneration === 'copy' ? ref.generation : undefined);
  const expectedMd5Hex = ref.md5Hash ? Buffer.from(ref.md5Hash, 'base64').toString('hex') : undefined;
  const probe = (fileId: string) => fromSource('drive', () => probeFile(drive, fileId, APP_PROPERTY.generation));
  const newFileId = () => fromSource('drive', () => deps.ids.next());
  const claim = await retry(
    'claim',
    () =>
      claimObject({
        store: deps.store,
        key,
        generation: ref.generation,
        expectedMd5Hex,
        mode: config.onNewGeneration,
        me: request.invocationId,
        leaseMs: config.leaseMs,
        newFileId,
        probeDrive: probe,
        waitMs: size <= config.multipartMaxBytes ? Math.min(20_000, request.deadline.remainingMs() / 2) : 0,
        restoreMissing: request.restoreMissing,
      }),
    'gcs',
  );
  if (claim.kind === 'settled') {
    return { outcome: 'skipped', reason: claim.reason, driveFileId: claim.record.fileId, attempts };
  }

  let owned = claim.record;
  let uploaded: Uploaded | undefined;
  try {
    const path = planObjectPath(ref.name);
    const parent = await retry('folders', () => deps.folders.resolve(path.folders));
    const meta: UploadMetadata = {
      name: path.fileName,
      mimeType: ref.contentType || 'application/octet-stream',
      parents: [parent],
      description: describeSource(ref),
      modifiedTime: ref.updated,
      appProperties: sourceAppProperties(ref),
    };
    const transfer = (target: Versioned<ObjectRecord>): Promise<Uploaded> =>
      size <= config.multipartMaxBytes && !target.value.session
        ? uploadSmall(deps, drive, ref, target.value, meta, retry)
        : uploadLarge(deps, request, ref, key, target, meta, size, retry);
    try {
      uploaded = await transfer(owned);
    } catch (err) {
      if (!(err instanceof BackupFileGoneError)) throw err;
      // The record's Drive file is not what it expected (deleted by the user, or its id taken): revise the
      // file if it is there after all, else start a new one.
      const found = await probe(owned.value.fileId);
      const change: Partial<ObjectRecord> =
        found !== 'absent' && !found.trashed
          ? { fileCreated: true, session: undefined }
          : { fileId: await newFileId(), fileCreated: false, session: undefined };
      const next = await deps.store.replace(key, { ...owned.value, ...change }, owned.version);
      if (!next) throw new ObjectBusyError(Date.now());
      owned = next;
      uploaded = await transfer(owned);
    }
    const fileId = owned.value.fileId;
    try {
      await verifyMd5(deps, ref, uploaded.file, uploaded.md5Hex, expectedMd5Hex);
    } catch (err) {
      if (err instanceof IntegrityError) await discardBadUpload(drive, fileId, uploaded);
      throw err;
    }
    if (uploaded.resumable) await markDone(deps.store, key, uploaded.resumable, fileId).catch(() => undefined);
    return { outcome: uploaded.revised ? 'revised' : 'uploaded', driveFileId: fileId, bytes: size, attempts };
  } catch (err) {
    // A 404 on an upload may be a parent folder deleted in Drive: look the path up afresh next time.
    if (isNotFound(err)) deps.folders.forget(planObjectPath(ref.name).folders);
    if (!(err instanceof CheckpointError)) {
      // After an MD5 mismatch the (discarded) copy's session is finished: never resume it. A new file's id
      // was deleted with the bad copy, so it gets a fresh one.
      const change: Partial<ObjectRecord> =
        err instanceof IntegrityError
          ? { session: undefined, ...(uploaded?.revised ? {} : { fileId: await newFileId(), fileCreated: false }) }
          : {};
      await releaseClaim(deps.store, key, request.invocationId, change).catch(() => undefined);
    }
    throw err;
  }
}

/**
 * A file whose bytes do not match must not count as a backup: a new file is deleted, a revision is
 * removed and the file loses its generation mark so the retry uploads it again. Failures propagate: the
 * record keeps its id, and the retry finds the copy again (its MD5 does not match) and discards it then.
 */
async function discardBadUpload(drive: drive_v3.Drive, fileId: string, uploaded: Uploaded): Promise<void> {
  if (!uploaded.revised) {
    await deleteFile(drive, fileId);
    return;
  }
  if (uploaded.file.headRevisionId) await drive.revisions.delete({ fileId, revisionId: uploaded.file.headRevisionId });
  await drive.files.update({
    fileId,
    requestBody: { appProperties: { [APP_PROPERTY.generation]: null } as unknown as Record<string, string> },
    supportsAllDrives: true,
  });
}

interface Uploaded {
  file: DriveFile;
  /** The content went in as a new revision of an existing file (not a new file). */
  revised: boolean;
  /** MD5 of the bytes sent, when all of them went through this invocation. */
  md5Hex?: string;
  /** The record to mark done (resumable uploads). */
  resumable?: Versioned<ObjectRecord>;
}

/** Small objects: one GCS download into memory (≤ MULTIPART_MAX_MIB), one multipart request to Drive. */
async function uploadSmall(
  deps: BackupDeps,
  drive: drive_v3.Drive,
  ref: ObjectRef,
  record: ObjectRecord,
  meta: UploadMetadata,
  retry: <T>(what: string, op: (attempt: number) => Promise<T>, where?: FailureSource) => Promise<T>,
): Promise<Uploaded> {
  const content = await retry('download', () => readSmallObject(deps.sourceReader, ref, deps.config.ioIdleTimeoutMs), 'gcs');
  const md5Hex = createHash('md5').update(content).digest('hex');
  const body = () => Readable.from([content]);
  let revise = record.fileCreated;
  return retry('upload', async (attempt) => {
    // A retried request may have landed already (its reply lost): never add the same revision twice.
    if (attempt > 1 && revise) {
      const landed = await landedCopy(drive, record.fileId, ref.generation);
      if (landed) return { file: landed, md5Hex, revised: true };
    }
    if (revise) {
      return { file: await reviseWithContent(drive, record.fileId, meta, body(), deps.config.keepRevisionsForever), md5Hex, revised: true };
    }
    try {
      return { file: await createWithContent(drive, record.fileId, meta, body()), md5Hex, revised: false };
    } catch (err) {
      // 409: a file with this id exists. An earlier attempt (whose reply was lost) created it with this
      // generation: done. Otherwise it holds another generation: revise it.
      if (!isConflict(err)) throw err;
      const landed = await landedCopy(drive, record.fileId, ref.generation);
      if (landed) return { file: landed, md5Hex, revised: false };
      revise = true;
      return { file: await reviseWithContent(drive, record.fileId, meta, body(), deps.config.keepRevisionsForever), md5Hex, revised: true };
    }
  });
}

/** The file if it already holds this generation, else undefined. */
async function landedCopy(drive: drive_v3.Drive, fileId: string, generation: string): Promise<DriveFile | undefined> {
  const found = await probeFile(drive, fileId, APP_PROPERTY.generation);
  return found !== 'absent' && found.generation === generation ? getFile(drive, fileId) : undefined;
}

async function uploadLarge(
  deps: BackupDeps,
  request: BackupRequest,
  ref: ObjectRef,
  key: string,
  owned: Versioned<ObjectRecord>,
  meta: UploadMetadata,
  size: number,
  retry: <T>(what: string, op: (attempt: number) => Promise<T>) => Promise<T>,
): Promise<Uploaded> {
  const revise = owned.value.fileCreated;
  const result = await uploadResumable({
    baseUrl: driveBaseUrl(deps.config),
    authHeaders: deps.authHeaders,
    store: deps.store,
    key,
    owned,
    fileId: owned.value.fileId,
    revise,
    metadata: meta,
    keepRevisionForever: deps.config.keepRevisionsForever,
    total: size,
    chunkBytes: deps.config.uploadChunkBytes,
    openSource: (offset) => openObject(deps.sourceReader, ref, offset, deps.config.ioIdleTimeoutMs, READ_AHEAD_BYTES),
    requestTimeoutMs: deps.config.ioIdleTimeoutMs,
    leaseMs: deps.config.leaseMs,
    deadline: request.deadline,
    retry,
  });
  if (!result.complete) throw new CheckpointError(result.offset, size);
  return { file: result.file, md5Hex: result.md5Hex, resumable: result.record, revised: revise };
}

/** Compares Drive's MD5 with the bytes sent and with Cloud Storage's MD5 (absent for composite objects). */
async function verifyMd5(
  deps: BackupDeps,
  ref: ObjectRef,
  file: DriveFile,
  sentMd5Hex: string | undefined,
  gcsMd5Hex: string | undefined,
): Promise<void> {
  const driveMd5 = file.md5Checksum ?? undefined;
  let expected = sentMd5Hex ?? gcsMd5Hex;
  if (!expected) {
    // Resumed across invocations and composite (no GCS MD5): hash the object once more to be sure.
    const hash = createHash('md5');
    for await (const chunk of openObject(deps.sourceReader, ref, 0, deps.config.ioIdleTimeoutMs)) hash.update(chunk as Buffer);
    expected = hash.digest('hex');
  }
  if (driveMd5 !== expected) throw new IntegrityError(expected, driveMd5);
  if (gcsMd5Hex && gcsMd5Hex !== expected) throw new IntegrityError(gcsMd5Hex, driveMd5);
}
