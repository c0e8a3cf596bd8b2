/**
 * Backs up one object generation into Drive, whichever way it was asked (event, HTTP, reconcile, CLI).
 * The steps, in the order they run:
 *   1. select.ts: the filters (an object they leave out is `skipped`);
 *   2. claim/: exactly once (plan.ts decides, claim.ts writes the record with preconditions);
 *   3. folders/: the object path's Drive folders;
 *   4. upload/: small.ts in one multipart request, or resumable.ts through a session (session.ts speaks
 *      the protocol, transfer.ts moves the chunks from source-reader.ts, confirmed-md5.ts hashes them,
 *      http-put.ts sends each); keep-forever.ts when revisions are kept forever;
 *   5. verify.ts: Drive's MD5 against Cloud Storage's;
 *   6. the record marked done.
 * Every Google call goes through a gateway within the invocation's scope (deadline, retry counting).
 */
import { driveLimitOf } from '../core/drive-reasons.js';
import { isNotFound } from '../core/error-shapes.js';
import type { ClassifiedError, Failure } from '../core/failure.js';
import type { CallScope } from '../core/gateway.js';
import { describeRef, generationFacts } from '../core/object-ref.js';
import { probeFile, BackupFileGoneError, type DriveProbe, type UploadMetadata } from '../drive/files.js';
import { APP_PROPERTY, driveMimeType, sourceAppProperties } from '../drive/object-path.js';
import { driveFacts } from '../drive/source-facts.js';
import { recordedSource } from '../state/history.js';
import type { Versioned } from '../state/store.js';
import { selectObject } from './select.js';
import { usable, type ObjectRecord, type RecordChange } from './claim/plan.js';
import { changeOwnedRecord, changeRecord, claimObject, objectRecordKey, releaseClaim } from './claim/claim.js';
import type { Placement } from './folders/folders.js';
import { uploadSmall } from './upload/small.js';
import { ResumableUpload } from './upload/resumable.js';
import { discardBadUpload, IntegrityError, verifyMd5 } from './verify.js';
import type { BackupDeps } from './deps.js';
import type { BackupJob, BackupRequest, Uploaded } from './job.js';

export type { BackupRequest };

/** Stopped before the invocation's deadline with the upload saved in its session; the retry continues. */
export class CheckpointError extends Error implements ClassifiedError {
  readonly failure: Failure;
  constructor(
    readonly offset: number,
    readonly total: number,
  ) {
    super(`upload checkpointed at ${offset} of ${total} bytes before the deadline; continuing on retry`);
    this.failure = { kind: 'checkpoint', service: 'drive', reason: this.message, offset, total };
  }
}

/** Drive's per-file size limit (5 TB). */
export const DRIVE_MAX_FILE_BYTES = 5e12;

/** Larger than a Drive file may be: retrying cannot help. */
export class ObjectTooLargeError extends Error implements ClassifiedError {
  override readonly name = 'ObjectTooLargeError';
  readonly failure: Failure;
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`object of ${size} bytes exceeds the ${limit}-byte limit of a Drive file`);
    const action = 'the object cannot be backed up to Drive';
    this.failure = { kind: 'permanent', service: 'drive', reason: this.message, problemCode: 'object-too-large', action };
  }
}

export type BackupResult =
  | { outcome: 'uploaded' | 'revised'; driveFileId: string; bytes: number }
  | { outcome: 'skipped'; reason: string; driveFileId?: string; bytes?: number };

export function backupObject(deps: BackupDeps, request: BackupRequest): Promise<BackupResult> {
  return deps.withCredentials ? deps.withCredentials(() => backupOnce(deps, request)) : backupOnce(deps, request);
}

async function backupOnce(deps: BackupDeps, request: BackupRequest): Promise<BackupResult> {
  const { config } = deps;
  const ref = request.object;
  const selection = selectObject(ref.name, config, ref.metadata);
  if (!selection.backup) return { outcome: 'skipped', reason: selection.reason };
  const size = Number(ref.size ?? '0');
  if (size > DRIVE_MAX_FILE_BYTES) throw new ObjectTooLargeError(size, DRIVE_MAX_FILE_BYTES);

  const scope: CallScope = { deadline: request.deadline, onRetry: request.onRetry, onRateLimit: request.onRateLimit };
  const recordScope: CallScope = { onRetry: request.onRetry };
  const key = objectRecordKey(ref.bucket, ref.name, config.onNewGeneration === 'copy' ? ref.generation : undefined);
  const expectedMd5Hex = ref.md5Hash ? Buffer.from(ref.md5Hash, 'base64').toString('hex') : undefined;
  const probe = (fileId: string) =>
    deps.drive.call('files.get (probe)', ({ api }) => probeFile(api, fileId, APP_PROPERTY.generation), scope);
  const newFileId = () => deps.ids.next(scope);
  const facts = generationFacts(ref);
  const claim = await claimObject({
    source: recordedSource(ref.bucket, ref.name),
    facts,
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
    scope,
  });
  if (claim.kind === 'settled') return { outcome: 'skipped', reason: claim.reason, driveFileId: claim.record.fileId };

  let owned = claim.record;
  let uploaded: Uploaded | undefined;
  let placement: Placement | undefined;
  try {
    placement = await deps.folders.place(ref.name, scope);
    // What Drive alone keeps of the generation (src/drive/source-facts.ts): its facts, the revision's name.
    const identity = sourceAppProperties(ref);
    const kept = driveFacts(ref.bucket, facts, identity, describeRef(ref));
    const meta: UploadMetadata = {
      name: placement.fileName,
      // Never a Workspace type: Drive would convert the bytes into a document (no MD5, not the object).
      mimeType: driveMimeType(ref.contentType),
      parents: [placement.parentId],
      description: kept.description,
      modifiedTime: kept.modifiedTime ?? ref.updated,
      originalFilename: kept.originalFilename,
      appProperties: { ...identity, ...kept.appProperties },
    };
    const job: BackupJob = { deps, request, ref, size, key, meta, scope, recordScope };
    ({ uploaded, owned } = await transferFindingWayOn(job, owned, placement, { probe, newFileId }));
    const fileId = owned.value.fileId;
    try {
      await verifyMd5(job, uploaded, expectedMd5Hex);
    } catch (err) {
      if (err instanceof IntegrityError) await discardBadUpload(job, fileId, uploaded);
      throw err;
    }
    if (uploaded.resumable) {
      const revisionId = uploaded.file.headRevisionId ?? undefined;
      await changeRecord(deps.store, key, uploaded.resumable, [{ kind: 'done', fileId, revisionId }], recordScope).catch(() => undefined);
    }
    return { outcome: uploaded.revised ? 'revised' : 'uploaded', driveFileId: fileId, bytes: size };
  } catch (err) {
    // A 404 on an upload may be a parent folder deleted in Drive: look the path up afresh next time.
    if (isNotFound(err) && placement) deps.folders.forget(placement.folders);
    // Every failure gives the lease up (a checkpoint did already, with its session saved), so the retried
    // event is not refused while this attempt's lease runs out.
    if (!(err instanceof CheckpointError)) {
      // After an MD5 mismatch the (discarded) copy's session is finished: never resume it. A new file's id
      // was deleted with the bad copy, so it gets a fresh one (or, when no id can be had now, the create
      // with the old one answers 409 and the retry takes a new one then).
      const changes: RecordChange[] =
        err instanceof IntegrityError
          ? uploaded?.revised
            ? [{ kind: 'session-dropped' }]
            : await newFileId().then(
                (fileId): RecordChange[] => [{ kind: 'new-file', fileId }],
                (): RecordChange[] => [{ kind: 'session-dropped' }],
              )
          : [];
      await releaseClaim(deps.store, key, request.invocationId, changes, recordScope).catch(() => undefined);
    }
    throw err;
  }
}

/** Ways on after Drive refused the file itself, each at most a few times per attempt. */
const MAX_TRANSFER_ROUNDS = 5;

/**
 * The transfer, finding a way on when Drive refuses the file itself:
 * - its folder is full (403 numChildrenInNonRootLimitExceeded): the file goes to the folder continuing it
 *   (folders.ts), with a new session;
 * - its id is refused (400 fileIdNotUsable: generated for another Google account, before `authorize` was
 *   re-run) or its file is gone: a fresh id from generateIds (the pool emptied first), or the file found
 *   after all, written to the record under its precondition.
 */
async function transferFindingWayOn(
  job: BackupJob,
  claimed: Versioned<ObjectRecord>,
  placement: Placement,
  drive: { probe: (fileId: string) => Promise<DriveProbe>; newFileId: () => Promise<string> },
): Promise<{ uploaded: Uploaded; owned: Versioned<ObjectRecord> }> {
  const { deps, request, key, recordScope, scope } = job;
  let owned = claimed;
  let meta = job.meta;
  for (let round = 1; ; round++) {
    try {
      return { uploaded: await transfer({ ...job, meta }, owned), owned };
    } catch (err) {
      const limit = driveLimitOf(err);
      if (round >= MAX_TRANSFER_ROUNDS || (limit !== 'folder-full' && limit !== 'id-refused' && !(err instanceof BackupFileGoneError))) {
        throw err;
      }
      let change: RecordChange;
      if (limit === 'folder-full') {
        meta = { ...meta, parents: [await deps.folders.overflow(placement.folders, meta.parents[0], scope)] };
        change = { kind: 'session-dropped' };
      } else if (limit === 'id-refused') {
        deps.ids.discard();
        change = { kind: 'new-file', fileId: await drive.newFileId() };
      } else {
        // The record's Drive file is not what it expected (deleted by the user, or its id taken): revise the
        // file if it is there after all, else start a new one.
        change = usable(await drive.probe(owned.value.fileId))
          ? { kind: 'file-found' }
          : { kind: 'new-file', fileId: await drive.newFileId() };
      }
      // Re-read: a resumable upload wrote the record (its session) since it was claimed.
      owned = await changeOwnedRecord(deps.store, key, request.invocationId, [change], recordScope);
    }
  }
}

/** Multipart for a small object without a session in progress; a resumable session for the rest. */
async function transfer(job: BackupJob, owned: Versioned<ObjectRecord>): Promise<Uploaded> {
  if (job.size <= job.deps.config.multipartMaxBytes && !owned.value.session) return uploadSmall(job, owned.value);
  const result = await new ResumableUpload(job, owned).run();
  if (!result.complete) throw new CheckpointError(result.offset, job.size);
  return { file: result.file, md5Hex: result.md5Hex, resumable: result.record, revised: owned.value.fileCreated };
}
