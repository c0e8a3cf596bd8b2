/**
 * The lines of one object's way through the function: its event received (or ignored, malformed,
 * refused), the one outcome line of each attempt, retries and checkpoints on the way, and what Drive's
 * limits made the backup do (a kept revision released, a folder overflowed), and a deletion mirrored.
 */
import { where, type Emit, type ObjectId, type Traced } from './logs-entry.js';
import type { FailureFields } from './logs-operator.js';

interface OutcomeCommon extends ObjectId, Traced {
  readonly reason?: string;
  readonly bytes?: number;
  readonly durationMs: number;
  readonly driveFileId?: string;
  readonly attempts: number;
  readonly error?: unknown;
}

/** The one outcome line of an object attempt; a failed one says what failed and where. */
export type ObjectOutcome = OutcomeCommon &
  ({ readonly outcome: 'uploaded' | 'revised' | 'skipped' } | ({ readonly outcome: 'failed' } & FailureFields));

export interface ObjectLog {
  /** One per parsed storage event (finalized or deleted), before any filtering. */
  eventReceived(e: ObjectId & { eventType: 'finalized' | 'deleted'; eventId: string } & Traced): void;
  objectOutcome(e: ObjectOutcome): void;
  eventIgnored(e: { type: string; id: string } & Traced): void;
  malformedEvent(e: { id?: string; problems: readonly string[] } & Traced): void;
  /** The one ERROR line of an event for a bucket this deployment does not back up: acknowledged, never copied. */
  eventBucketRefused(e: ObjectId & { eventType: 'finalized' | 'deleted'; eventId: string; problem: string } & Traced): void;
  retrying(e: { what: string; attempt: number; delayMs: number; reason: string; error?: unknown } & Traced): void;
  uploadCheckpoint(e: ObjectId & { offset: number; total: number } & Traced): void;
  /** KEEP_REVISIONS_FOREVER at Drive's 200: the oldest kept revision was deleted, or the new one is not kept. */
  keptRevisionReleased(
    e: ObjectId & { driveFileId: string; keptForever: number; revisionId?: string; revisionModifiedTime?: string } & Traced,
  ): void;
  /** A Drive folder holds Drive's maximum of items: new items of its path go to the overflow folder beside it. */
  folderOverflowed(e: { folder: string; fullFolderId: string; overflowFolderId: string; overflowFolderName: string } & Traced): void;
  /** DELETE_MODE=trash: what a `deleted` event did to the object's backup. */
  deleteMirrored(e: ObjectId & { result: 'trashed' | 'recorded' | 'overwritten' | 'not-backed-up'; durationMs: number } & Traced): void;
}

export function objectLog(emit: Emit): ObjectLog {
  return {
    eventReceived(e) {
      emit('INFO', 'eventReceived', `received ${e.eventType} event ${e.eventId} for ${where(e)}`, e);
    },
    objectOutcome(e) {
      const detail = e.reason !== undefined ? `: ${e.reason}` : '';
      const size = e.bytes !== undefined ? `${e.bytes} bytes in ` : '';
      const message = `${e.outcome} ${where(e)} (${size}${e.durationMs} ms)${detail}`;
      emit(e.outcome === 'failed' ? 'ERROR' : 'INFO', 'objectOutcome', message, e);
    },
    eventIgnored(e) {
      emit('INFO', 'eventIgnored', `ignored event ${e.id} of type ${e.type}`, e);
    },
    malformedEvent(e) {
      const id = e.id !== undefined ? ` ${e.id}` : '';
      emit('ERROR', 'malformedEvent', `malformed event${id} acknowledged without retry: ${e.problems.join('; ')}`, e);
    },
    eventBucketRefused(e) {
      const message = `refused ${e.eventType} event ${e.eventId} for ${where(e)}: ${e.problem}; acknowledged, nothing copied. If this bucket should be backed up, deploy the function for it (SOURCE_BUCKET); otherwise find what sends these events`;
      emit('ERROR', 'eventBucketRefused', message, e);
    },
    retrying(e) {
      emit('INFO', 'retrying', `retrying ${e.what} (attempt ${e.attempt}) in ${e.delayMs} ms: ${e.reason}`, e);
    },
    uploadCheckpoint(e) {
      const position = `${e.offset} of ${e.total} bytes`;
      const message = `stopped uploading ${where(e)} at ${position} before the deadline; will continue on retry`;
      emit('INFO', 'uploadCheckpoint', message, e);
    },
    keptRevisionReleased(e) {
      const kept = `its Drive backup ${e.driveFileId} keeps ${e.keptForever} revisions forever, the most Drive allows`;
      const what =
        e.revisionId !== undefined
          ? `deleted the oldest one kept forever (revision ${e.revisionId}${e.revisionModifiedTime ? ` of ${e.revisionModifiedTime}` : ''}) to keep this generation forever`
          : 'none of them may be deleted (only the current content is), so this generation goes up without keepForever';
      emit('NOTICE', 'keptRevisionReleased', `${where(e)}: ${kept}: ${what}`, e);
    },
    folderOverflowed(e) {
      const folder = e.folder === '' ? 'the backup root folder (DRIVE_FOLDER_ID)' : `the Drive folder ${JSON.stringify(e.folder)}`;
      const message = `${folder} (${e.fullFolderId}) holds Drive's maximum of items: new items of its path go to "${e.overflowFolderName}" (${e.overflowFolderId}) beside it`;
      emit('NOTICE', 'folderOverflowed', message, e);
    },
    deleteMirrored(e) {
      const what = { trashed: 'its Drive backup moved to the trash', recorded: 'the deletion recorded, its Drive backup kept' };
      const rest = { overwritten: 'a newer generation is live, backup kept', 'not-backed-up': 'no backup to trash' };
      emit('INFO', 'deleteMirrored', `deleted ${where(e)}: ${{ ...what, ...rest }[e.result]}`, e);
    },
  };
}
