/**
 * Drive's 400 and 403 reasons and what each means, one row each (classify.ts applies them), and which of
 * Drive's limits an error reports (`driveLimitOf`), read from the same rows. Pure.
 */
import { apiMessageOf, apiReasonOf, httpStatusOf, oauthErrorOf } from './error-shapes.js';
import type { ProblemCode } from './failure.js';

export const EVENTS_RETRIED = 'events are retried for 24 h, then run reconcile';

/**
 * Drive's 400 and 403 reasons ("Resolve errors", https://developers.google.com/workspace/drive/api/guides/handle-errors),
 * one row each: a 403 reason not listed here is a permission problem, a 400 one a request Drive will never
 * take. Add a Drive failure reason here. A row with a `limit` is one of Drive's limits the backup finds a
 * way past (an overflow folder, a folded path, a released revision, a fresh id: `driveLimitOf`); its
 * kind says what the failure means when it still escapes.
 */
export type DriveLimit = 'folder-full' | 'shared-drive-full' | 'too-deep' | 'keep-forever-cap' | 'id-refused';

export type DriveRule = { readonly limit?: DriveLimit } & (
  | { readonly kind: 'rate-limited' | 'backup-file-gone' }
  | { readonly kind: 'operator' | 'permanent'; readonly problemCode: ProblemCode; readonly action: string }
);

export const DRIVE_PERMISSION: DriveRule = {
  kind: 'operator',
  problemCode: 'drive-permission',
  action:
    'the app lacks permission on the Drive file or folder (drive.file scope sees only files the app created): check DRIVE_FOLDER_ID and run authorize',
};

const DRIVE_403_REASONS: Readonly<Record<string, DriveRule>> = {
  rateLimitExceeded: { kind: 'rate-limited' },
  userRateLimitExceeded: { kind: 'rate-limited' },
  sharingRateLimitExceeded: { kind: 'rate-limited' },
  storageQuotaExceeded: {
    kind: 'operator',
    problemCode: 'drive-storage-full',
    action: `Drive storage of the authorized user is full: free space or add storage; ${EVENTS_RETRIED}`,
  },
  quotaExceeded: {
    kind: 'operator',
    problemCode: 'drive-storage-full',
    action: `Drive storage of the authorized user is full: free space or add storage; ${EVENTS_RETRIED}`,
  },
  dailyLimitExceeded: {
    kind: 'operator',
    problemCode: 'drive-daily-limit',
    action: `the Drive daily upload limit of the authorized user is exhausted; ${EVENTS_RETRIED}`,
  },
  uploadLimitExceeded: {
    kind: 'operator',
    problemCode: 'drive-daily-limit',
    action: `the Drive daily upload limit of the authorized user is exhausted; ${EVENTS_RETRIED}`,
  },
  // Backups continue in an overflow folder beside a full one (src/backup/folders/folders.ts); this
  // escapes only when no folder can be made beside it (the backup root's parent is not the app's).
  numChildrenInNonRootLimitExceeded: {
    limit: 'folder-full',
    kind: 'operator',
    problemCode: 'folder-item-cap',
    action: `a Drive folder holds Drive's maximum of 500,000 items and no overflow folder can be created beside it: move items out of it, or point DRIVE_FOLDER_ID at another folder; ${EVENTS_RETRIED}`,
  },
  // Drive gives no way on: every item of a shared drive counts, wherever it is.
  teamDriveFileLimitExceeded: {
    limit: 'shared-drive-full',
    kind: 'operator',
    problemCode: 'shared-drive-item-cap',
    action: `the shared drive holding DRIVE_FOLDER_ID holds Drive's maximum of 500,000 items (trashed ones count): empty its trash or move items out, or point DRIVE_FOLDER_ID at a folder in My Drive or another shared drive; ${EVENTS_RETRIED}`,
  },
  // Deep object paths are folded into the file name (src/drive/object-path.ts); these escape only when
  // DRIVE_FOLDER_ID itself sits at Drive's 100th level.
  myDriveHierarchyDepthLimitExceeded: {
    limit: 'too-deep',
    kind: 'operator',
    problemCode: 'folder-depth-limit',
    action: `DRIVE_FOLDER_ID is nested too deep for Drive's limit of 100 folder levels: move it nearer the top of My Drive; ${EVENTS_RETRIED}`,
  },
  teamDriveHierarchyTooDeep: {
    limit: 'too-deep',
    kind: 'operator',
    problemCode: 'folder-depth-limit',
    action: `DRIVE_FOLDER_ID is nested too deep for Drive's limit of 100 folder levels: move it nearer the top of the shared drive; ${EVENTS_RETRIED}`,
  },
  // The oldest revision kept forever is deleted to make room (src/backup/upload/keep-forever.ts). Drive documents
  // the cap of 200 but not its error: the reason is the emulator's guess (see `driveLimitOf` for the message).
  keepForeverLimitExceeded: {
    limit: 'keep-forever-cap',
    kind: 'operator',
    problemCode: 'keep-forever-cap',
    action: `the Drive file already keeps its maximum of 200 revisions forever: delete some of its revisions kept forever, or set KEEP_REVISIONS_FOREVER=false; ${EVENTS_RETRIED}`,
  },
  // Only Workspace documents: the product never downloads from Drive, so this is a bug of ours.
  fileNotDownloadable: {
    kind: 'permanent',
    problemCode: 'drive-request-rejected',
    action: 'Drive cannot download a Google Workspace document: report a bug with this log line',
  },
};

const DRIVE_400_REASONS: Readonly<Record<string, DriveRule>> = {
  // An id from generateIds belongs to the Google account that asked for it: after `authorize` was re-run
  // with another account, the record's id is refused and the backup starts a new file with a fresh id.
  fileIdNotUsable: { limit: 'id-refused', kind: 'backup-file-gone' },
  illegalKeepForeverModification: {
    kind: 'permanent',
    problemCode: 'drive-request-rejected',
    action: 'Drive refuses to set a revision kept forever back to false: report a bug with this log line',
  },
};

/** Drive reports the 201st revision kept forever in a way it does not document: its message is matched too. */
const KEEP_FOREVER_MESSAGE = /\bkeep ?forever\b|\bkept forever\b/i;

export function driveReasonRule(status: number, reason: string | undefined, message: string | undefined): DriveRule | undefined {
  // Drive reports the daily upload limit (750 GB) as userRateLimitExceeded too, told apart only by this
  // exact message; ordinary rate limits say "User Rate Limit Exceeded. Rate of requests …".
  const meant = reason === 'userRateLimitExceeded' && message === 'User rate limit exceeded.' ? 'dailyLimitExceeded' : reason;
  const table = status === 403 ? DRIVE_403_REASONS : status === 400 ? DRIVE_400_REASONS : undefined;
  if (table && meant !== undefined && Object.hasOwn(table, meant)) return table[meant];
  if (status === 403 && message !== undefined && KEEP_FOREVER_MESSAGE.test(message)) return DRIVE_403_REASONS.keepForeverLimitExceeded;
  return undefined;
}

/** Which of Drive's limits `err` (a Drive client's error, or a DriveHttpError) reports, if any. */
export function driveLimitOf(err: unknown): DriveLimit | undefined {
  const status = httpStatusOf(err);
  if (status === undefined || oauthErrorOf(err) !== undefined) return undefined;
  return driveReasonRule(status, apiReasonOf(err), apiMessageOf(err))?.limit;
}
