/**
 * A large object into Drive through a resumable session whose URI lives in the object's claim record:
 * a retried event (after a deadline checkpoint, a crash or a broken connection) asks Drive how much it
 * holds and continues from there, reading Cloud Storage from that offset. Only a vanished session
 * (404/410) starts again from zero.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Deadline } from './time-budget.js';
import type { StateStore, Versioned } from './state/store.js';
import type { ObjectRecord } from './state/claim-plan.js';
import { ObjectBusyError } from './state/object-claim.js';
import { BackupFileGoneError, FILE_FIELDS, type DriveFile, type UploadMetadata } from './drive/files.js';
import { isConflict, isNotFound, SessionGoneError } from './errors.js';
import { querySessionStatus, startUploadSession } from './drive/resumable-session.js';
import { sendToSession } from './drive/chunked-transfer.js';
import { garbageCollectorFor } from './memory.js';

export interface ResumableUploadOptions {
  baseUrl: string;
  authHeaders: () => Promise<Record<string, string>>;
  store: StateStore;
  key: string;
  owned: Versioned<ObjectRecord>;
  fileId: string;
  revise: boolean;
  metadata: UploadMetadata;
  keepRevisionForever: boolean;
  total: number;
  chunkBytes: number;
  openSource: (offset: number) => Readable;
  deadline: Deadline;
  /** Abort a chunk PUT that takes longer than this (then probe and continue). */
  requestTimeoutMs: number;
  /** The claim's lease is renewed while chunks flow, so it can stay short. */
  leaseMs: number;
  retry: <T>(what: string, op: (attempt: number) => Promise<T>) => Promise<T>;
}

export type ResumableUploadResult =
  { complete: true; file: DriveFile; md5Hex?: string; record: Versioned<ObjectRecord> } | { complete: false; offset: number };

async function saveRecord(o: ResumableUploadOptions, owned: Versioned<ObjectRecord>, change: Partial<ObjectRecord>) {
  const saved = await o.store.replace(o.key, { ...owned.value, ...change }, owned.version);
  if (!saved) throw new ObjectBusyError(Date.now());
  return saved;
}

/**
 * The record's file is not what it expected — a PATCH session for a file that no longer exists (404), or
 * a create whose id is taken (409) — is a BackupFileGoneError for the caller to sort out, not a retry.
 */
async function startUploadSessionOrGone(options: Parameters<typeof startUploadSession>[0], fileId: string): Promise<string> {
  try {
    return await startUploadSession(options);
  } catch (err) {
    if (options.fileId !== undefined ? isNotFound(err) : isConflict(err)) throw new BackupFileGoneError(fileId);
    throw err;
  }
}

export async function uploadResumable(o: ResumableUploadOptions, restarted = false): Promise<ResumableUploadResult> {
  // A create session answers 409 when the file id turns out to be taken (Drive checks when it creates the
  // file): not retryable — the caller gives the record a new id.
  const idTaken = (err: unknown) => (!o.revise && isConflict(err) ? new BackupFileGoneError(o.fileId) : err);
  const retry = <T>(what: string, op: (attempt: number) => Promise<T>) =>
    o.retry(what, (attempt) =>
      op(attempt).catch((err: unknown) => {
        throw idTaken(err);
      }),
    );
  let owned = o.owned;
  let session = owned.value.session;
  let startOffset = 0;
  if (session) {
    try {
      const status = await retry('probe', () =>
        querySessionStatus({ sessionUri: session as string, authHeaders: o.authHeaders, total: o.total }),
      );
      if (status.complete) return { complete: true, file: status.file, record: owned };
      startOffset = status.persisted;
    } catch (err) {
      if (!(err instanceof SessionGoneError)) throw err;
      session = undefined;
    }
  }
  if (!session) {
    const { parents, ...changes } = o.metadata;
    session = await o.retry('start-session', () =>
      startUploadSessionOrGone(
        {
          baseUrl: o.baseUrl,
          authHeaders: o.authHeaders,
          fileId: o.revise ? o.fileId : undefined,
          metadata: o.revise ? changes : { id: o.fileId, parents, ...changes },
          contentType: o.metadata.mimeType,
          size: o.total,
          query: {
            fields: FILE_FIELDS,
            supportsAllDrives: 'true',
            ...(o.revise ? { keepRevisionForever: String(o.keepRevisionForever) } : {}),
          },
        },
        o.fileId,
      ),
    );
    owned = await saveRecord(o, owned, { session });
  }

  const md5 = startOffset === 0 ? createHash('md5') : undefined;
  // Renew the lease while chunks flow, one renewal at a time. A renewal that fails (the lease was taken
  // over, or the state bucket is failing) stops the transfer before its next chunk.
  let renewal: Promise<void> = Promise.resolve();
  let renewalFailure: unknown;
  const collect = garbageCollectorFor();
  const renewIfDue = () => {
    if (renewalFailure !== undefined || owned.value.leaseUntil - Date.now() > o.leaseMs / 2) return;
    renewal = renewal
      .then(async () => {
        owned = await saveRecord(o, owned, { leaseUntil: Date.now() + o.leaseMs });
      })
      .catch((err: unknown) => {
        renewalFailure = err;
      });
  };
  const onChunk = ({ bytes }: { bytes: number }) => {
    collect(bytes);
    renewIfDue();
  };
  const deadline = { canStart: (ms: number) => renewalFailure === undefined && o.deadline.canStart(ms) };
  let sent;
  try {
    sent = await sendToSession({
      sessionUri: session,
      total: o.total,
      authHeaders: o.authHeaders,
      chunkBytes: o.chunkBytes,
      openSource: o.openSource,
      startOffset,
      md5,
      deadline,
      requestTimeoutMs: o.requestTimeoutMs,
      onChunk,
      retry: (op) => retry('chunk', op),
    });
  } catch (err) {
    await renewal;
    if (!(err instanceof SessionGoneError) || restarted) throw err;
    const cleared = await saveRecord(o, owned, { session: undefined });
    return uploadResumable({ ...o, owned: cleared }, true);
  }
  await renewal;
  if (renewalFailure !== undefined && !sent.complete) throw renewalFailure;
  if (!sent.complete) {
    // Release the lease so the retried event can continue at once.
    await saveRecord(o, owned, { leaseUntil: 0 });
    return { complete: false, offset: sent.offset };
  }
  return { complete: true, file: sent.file, md5Hex: md5?.digest('hex'), record: owned };
}
