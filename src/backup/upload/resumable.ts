/**
 * A large object into Drive through a resumable session whose URI lives in the object's claim record:
 * a retried event (after a deadline checkpoint, a crash or a broken connection) asks Drive how much it
 * holds and continues from there, reading Cloud Storage from that offset. Only a vanished session
 * (404/410) starts again from zero. Its parts, in the order they run: transfer.ts moves the
 * bytes, session.ts speaks the protocol. One `ResumableUpload` per attempt, like rclone's
 * `resumableUpload` struct: the job, the owned record, and the lease renewal while chunks flow. It takes
 * only what it reads of the job, and the session protocol as a seam, so a unit test runs it in memory.
 */
import type { Readable } from 'node:stream';
import { classifyFailure } from '../../core/classify.js';
import type { Config } from '../../config/config.js';
import type { Retry } from '../../core/gateway.js';
import type { Deadline } from '../../core/time-budget.js';
import { isConflict, isNotFound } from '../../core/error-shapes.js';
import { garbageCollectorFor } from '../../core/memory.js';
import { describeRef } from '../../core/object-ref.js';
import { BackupFileGoneError, FILE_FIELDS, revisionMetadata, type DriveFile } from '../../drive/files.js';
import type { DriveClient, DriveGateway } from '../../drive/gateway.js';
import type { StorageGateway } from '../../gcs/gateway.js';
import { openObject } from '../../gcs/source.js';
import type { StateStore, Versioned } from '../../state/store.js';
import type { ObjectRecord, RecordChange } from '../claim/plan.js';
import { changeRecord } from '../claim/claim.js';
import { reviseKeepingForever, type KeepForeverJob } from './keep-forever.js';
import { sendToSession } from './transfer.js';
import { querySessionStatus, SessionGoneError, startUploadSession } from './session.js';
import type { BackupDeps } from '../deps.js';
import type { BackupJob } from '../job.js';

/**
 * How far a large object's download may run ahead of the upload (overlap at the cost of this memory).
 * 1 MiB, by measurement: the copy was as fast as with 4 MiB, and its buffers, dying sooner,
 * are freed by young-generation collections (core/memory.ts) instead of reaching the old generation.
 */
const READ_AHEAD_BYTES = 1024 * 1024;

/** What the resumable upload reads of the object attempt (a BackupJob is one). */
export interface ResumableUploadJob extends Pick<BackupJob, 'ref' | 'size' | 'key' | 'meta' | 'scope' | 'recordScope'> {
  readonly request: { readonly deadline: Pick<Deadline, 'canStart'> };
  readonly deps: KeepForeverJob['deps'] &
    Pick<BackupDeps, 'storage'> & {
      readonly config: Pick<Config, 'keepRevisionsForever' | 'leaseMs' | 'uploadChunkBytes' | 'ioIdleTimeoutMs'>;
      readonly source: Pick<StorageGateway, 'retried'>;
      readonly store: Pick<StateStore, 'replace'>;
      readonly drive: Pick<DriveGateway, 'retry'>;
    };
}

/** The resumable protocol over HTTP (session.ts, transfer.ts): the upload's IO edge with Drive's bytes. */
export interface SessionProtocol {
  start: typeof startUploadSession;
  status: typeof querySessionStatus;
  send: typeof sendToSession;
}

const HTTP_SESSIONS: SessionProtocol = { start: startUploadSession, status: querySessionStatus, send: sendToSession };

export type ResumableUploadResult =
  { complete: true; file: DriveFile; md5Hex?: string; record: Versioned<ObjectRecord> } | { complete: false; offset: number };

export class ResumableUpload {
  /** The record as last written by this upload. */
  private owned: Versioned<ObjectRecord>;
  /** The content goes in as a new revision of the record's file (else the file is created with its id). */
  private readonly revise: boolean;
  private readonly drive: Retry<DriveClient>;
  /** Cloud Storage reads of this attempt that failed (each told to the source gateway as a retry). */
  private sourceFailures = 0;

  constructor(
    private readonly job: ResumableUploadJob,
    owned: Versioned<ObjectRecord>,
    private readonly sessions: SessionProtocol = HTTP_SESSIONS,
  ) {
    this.owned = owned;
    this.revise = owned.value.fileCreated;
    const retry = job.deps.drive.retry(job.scope);
    // A create session answers 409 when the file id turns out to be taken (Drive checks when it creates the
    // file): not retryable — the caller gives the record a new id.
    this.drive = (what, operation) =>
      retry(what, (client, attempt) =>
        operation(client, attempt).catch((err: unknown) => {
          throw !this.revise && isConflict(err) ? new BackupFileGoneError(this.fileId) : err;
        }),
      );
  }

  private get fileId(): string {
    return this.owned.value.fileId;
  }

  async run(restarted = false): Promise<ResumableUploadResult> {
    const total = this.job.size;
    let session = this.owned.value.session;
    let startOffset = 0;
    if (session) {
      const uri = session;
      try {
        const status = await this.drive('probe', ({ authHeaders }) => this.sessions.status({ sessionUri: uri, authHeaders, total }));
        if (status.complete) return { complete: true, file: status.file, record: this.owned };
        startOffset = status.persisted;
      } catch (err) {
        if (!(err instanceof SessionGoneError)) throw err;
        session = undefined;
      }
    }
    // A fresh session starts from byte 0: the Cloud Storage read opens now, so its first bytes are waiting
    // by the time Drive has answered and the record holds the session, instead of being asked for after.
    const early = session ? undefined : new EarlyRead(0, this.openSource(0));
    try {
      if (!session) {
        session = await this.openSession();
        await this.save({ kind: 'session-opened', session });
      }
      return await this.transfer(session, startOffset, early);
    } catch (err) {
      if (!(err instanceof SessionGoneError) || restarted) throw err;
      await this.save({ kind: 'session-dropped' });
      return this.run(true);
    } finally {
      early?.discard();
    }
  }

  private async openSession(): Promise<string> {
    const { meta, size } = this.job;
    const { parents, ...changes } = meta;
    const revision = revisionMetadata(meta);
    return this.drive('start-session', async ({ api, authHeaders, baseUrl }) => {
      const open = (keepForever?: boolean) =>
        this.sessions.start({
          baseUrl,
          authHeaders,
          fileId: this.revise ? this.fileId : undefined,
          metadata: this.revise ? revision : { id: this.fileId, parents, ...changes },
          contentType: meta.mimeType,
          size,
          query: {
            fields: FILE_FIELDS,
            supportsAllDrives: 'true',
            ...(keepForever !== undefined ? { keepRevisionForever: String(keepForever) } : {}),
          },
        });
      try {
        // A new file's first revision is kept forever too (no room to make: it has none yet).
        return this.revise
          ? await reviseKeepingForever(this.job, api, this.fileId, open)
          : await open(this.job.deps.config.keepRevisionsForever);
      } catch (err) {
        // The record's file is not what it expected — a PATCH session for a file that no longer exists
        // (404), or a create whose id is taken (409): a BackupFileGoneError for the caller, not a retry.
        if (this.revise ? isNotFound(err) : isConflict(err)) throw new BackupFileGoneError(this.fileId);
        throw err;
      }
    });
  }

  /** Sends from `startOffset`, renewing the lease while chunks flow; stops at the deadline with progress saved. */
  private async transfer(session: string, startOffset: number, early?: EarlyRead): Promise<ResumableUploadResult> {
    const { config } = this.job.deps;
    const { request } = this.job;
    // One renewal at a time. A renewal that fails (the lease was taken over, or the state bucket is
    // failing) stops the transfer before its next chunk.
    let renewal: Promise<void> = Promise.resolve();
    let renewalFailure: Error | undefined;
    const collect = garbageCollectorFor();
    const renewIfDue = () => {
      if (renewalFailure !== undefined || this.owned.value.leaseUntil - Date.now() > config.leaseMs / 2) return;
      renewal = renewal
        .then(() => this.save({ kind: 'lease', until: Date.now() + config.leaseMs }))
        .catch((err: unknown) => {
          renewalFailure = err instanceof Error ? err : new Error('the lease renewal failed', { cause: err });
        });
    };
    let sent;
    try {
      sent = await this.sessions.send({
        sessionUri: session,
        total: this.job.size,
        chunkBytes: config.uploadChunkBytes,
        openSource: (offset) => early?.take(offset) ?? this.openSource(offset),
        startOffset,
        // Cloud Storage's MD5 of the generation, when it has one, is what Drive's must equal (../verify.ts):
        // hashing the bytes as they go adds nothing then, and costs the copy a tenth of its speed. Composite
        // objects have none: their MD5 is computed on the way, so that they need not be read twice.
        md5: startOffset === 0 && this.job.ref.md5Hash === undefined,
        deadline: { canStart: (ms: number) => renewalFailure === undefined && request.deadline.canStart(ms) },
        idleTimeoutMs: config.ioIdleTimeoutMs,
        onChunk: renewIfDue,
        // Also while a chunk's body flows: a chunk of hundreds of MiB can outlast half a lease.
        onSent: (bytes) => {
          collect(bytes);
          renewIfDue();
        },
        retry: this.drive,
      });
    } finally {
      await renewal;
    }
    if (!sent.complete) {
      if (renewalFailure !== undefined) throw renewalFailure;
      // Release the lease so the retried event can continue at once.
      await this.save({ kind: 'lease', until: 0 });
      return { complete: false, offset: sent.offset };
    }
    return { complete: true, file: sent.file, md5Hex: sent.md5Hex, record: this.owned };
  }

  /**
   * The object's bytes from an offset, for the transfer's reader, which re-opens a failed read (cut
   * mid-body, stalled) at its next unread byte when it next needs data. The failure is told to the source
   * gateway (the `retrying` line, the attempt count) the moment the stream reports it, as its calls'
   * retries are, not when the reader comes back for more (after the chunk it is sending). When the reader
   * has re-opened too often without a byte, the last notice is followed by the attempt's failed line.
   */
  private openSource(offset: number): Readable {
    const { deps, ref, scope } = this.job;
    const stream = openObject(deps.storage, ref, offset, deps.config.ioIdleTimeoutMs, READ_AHEAD_BYTES);
    stream.once('error', (err) => {
      const failure = classifyFailure(err, 'gcs-source');
      deps.source.retried(`read ${describeRef(ref)}`, { attempt: ++this.sourceFailures, delayMs: 0, failure }, scope);
    });
    return stream;
  }

  private async save(change: RecordChange): Promise<void> {
    this.owned = await changeRecord(this.job.deps.store, this.job.key, this.owned, [change], this.job.recordScope);
  }
}

/** A read opened ahead of the transfer: handed to its first open if that is at its offset, else closed. */
class EarlyRead {
  constructor(
    private readonly offset: number,
    private stream?: Readable,
  ) {}

  take(offset: number): Readable | undefined {
    const stream = this.stream;
    this.stream = undefined;
    if (stream && offset !== this.offset) stream.destroy();
    return offset === this.offset ? stream : undefined;
  }

  /** Closes it if nobody took it (the session could not be opened, or the deadline stopped the transfer first). */
  discard(): void {
    this.stream?.destroy();
    this.stream = undefined;
  }
}
