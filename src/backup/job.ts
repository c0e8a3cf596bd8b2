/**
 * One object attempt as the steps of the pipeline share it, in the spirit of rclone's `resumableUpload`
 * struct: the instance's deps, the object and its size, its record in the state bucket, the Drive
 * metadata it goes up with, and the invocation's scope (deadline, retry counting). pipeline.ts
 * builds it once; the steps take it instead of long parameter lists. Types only.
 */
import type { CallScope } from '../core/gateway.js';
import type { ObjectRef } from '../core/object-ref.js';
import type { Deadline } from '../core/time-budget.js';
import type { DriveFile, UploadMetadata } from '../drive/files.js';
import type { Versioned } from '../state/store.js';
import type { ObjectRecord } from './claim/plan.js';
import type { BackupDeps } from './deps.js';

export interface BackupRequest {
  object: ObjectRef;
  deadline: Deadline;
  /** Unique per invocation: the owner of the claim. */
  invocationId: string;
  /** Drive is known to lack this object (reconcile): re-upload even if the record says it was backed up. */
  restoreMissing?: boolean;
  /** Told of every retry this attempt needs, whatever the service. */
  onRetry?: CallScope['onRetry'];
  /** `{drive: 'give-up'}`: Drive's rate limit ends the attempt at once (a Cloud Tasks dispatch: the queue backs off instead). */
  onRateLimit?: CallScope['onRateLimit'];
}

export interface BackupJob {
  readonly deps: BackupDeps;
  readonly request: BackupRequest;
  readonly ref: ObjectRef;
  /** The object's size in bytes. */
  readonly size: number;
  /** The object's record in the state bucket. */
  readonly key: string;
  readonly meta: UploadMetadata;
  /** The scope of the work: the invocation's deadline, and the retry counting. */
  readonly scope: CallScope;
  /**
   * The scope of the owner's writes to its record (session, lease renewals and release, done): no
   * deadline, as the invocation's margin past the work deadline exists for them.
   */
  readonly recordScope: CallScope;
}

/** What a transfer step hands back to pipeline.ts. */
export interface Uploaded {
  file: DriveFile;
  /** The content went in as a new revision of an existing file (not a new file). */
  revised: boolean;
  /** MD5 of the bytes sent, when all of them went through this invocation. */
  md5Hex?: string;
  /** The record to mark done (resumable uploads). */
  resumable?: Versioned<ObjectRecord>;
}
