/**
 * Drive's limits the emulator enforces, with Google's values as defaults, and the errors Drive answers
 * when one is reached. Sources:
 * - Resolve errors: https://developers.google.com/workspace/drive/api/guides/handle-errors
 *   (numChildrenInNonRootLimitExceeded, teamDriveFileLimitExceeded, myDriveHierarchyDepthLimitExceeded,
 *   teamDriveHierarchyTooDeep, rateLimitExceeded, userRateLimitExceeded, illegalKeepForeverModification);
 * - File and folder limits: https://developers.google.com/workspace/drive/api/guides/limits
 *   (500,000 items per folder, 100 folder levels, 500,000 items per shared drive);
 * - revisions reference: https://developers.google.com/workspace/drive/api/reference/rest/v3/revisions
 *   (keepForever "can be set on a maximum of 200 revisions for a file");
 * - 750 GB of uploads per user per day: https://support.google.com/a/answer/172541;
 * - sustained create rate: rclone's Drive notes (https://rclone.org/drive/, "about 2 files per second");
 * - revision purging: Manage file revisions, https://developers.google.com/workspace/drive/api/guides/manage-revisions
 *   ("Purgeable revisions are typically preserved for 30 days, but can be purged earlier if a file has 100
 *   revisions that aren't designated as Keep Forever and a new revision is uploaded"; revision-purge.ts);
 * - per-file download quota: Google publishes no number (403 downloadQuotaExceeded, download-gate.ts), so
 *   it is off by default and tests set it.
 * `null` turns a limit off.
 */
import { countOrNull, onlyKnownFields } from '../harness/limits.js';
import { parseRateLimit, type RateLimit } from '../harness/token-bucket.js';
import { DriveError } from './errors.js';

export type CreateRateReason = 'rateLimitExceeded' | 'userRateLimitExceeded';
export type IncompleteSearchMode = 'never' | 'allDrives';

export interface DailyUploadLimit {
  /** Bytes a user may upload per window. */
  bytes: number;
  /** Window length; the count starts again this long after the window's first upload. */
  resetAfterMs: number;
}

export interface DriveLimits {
  /** Items directly in one folder (My Drive's root excepted). Google: 500,000. */
  folderChildren: number | null;
  /** Items in one shared drive, trashed ones included. Google: 500,000. */
  sharedDriveItems: number | null;
  /** Levels of nested folders below a root (folder 100 may hold files, not folders). Google: 100. */
  folderDepth: number | null;
  /** Revisions of one file kept forever. Google: 200. */
  keepForeverRevisions: number | null;
  /** File and folder creates per user (token bucket). Google: about 2/s sustained; the burst is a guess. */
  createRate: RateLimit | null;
  /** Which 403 the create rate answers with: `rateLimitExceeded` ("Rate Limit Exceeded") or `userRateLimitExceeded` ("User Rate Limit Exceeded"). */
  createRateReason: CreateRateReason;
  /** Upload bytes per user per window. Google: 750 GB per 24 h. */
  dailyUpload: DailyUploadLimit | null;
  /** `allDrives`: a `corpora=allDrives` listing answers `incompleteSearch: true` and leaves shared drives' items out. */
  incompleteSearch: IncompleteSearchMode;
  /** A revision not kept forever is purged this long (hub clock) after a newer revision arrived. Google: 30 days. */
  revisionPurgeAfterMs: number | null;
  /** Revisions not kept forever a file keeps (the head counted); past it the oldest go. Google: 100. */
  purgeableRevisions: number | null;
  /** Downloads (`alt=media`) of one file per window; Google's number is not published: off by default. */
  fileDownloads: FileDownloadLimit | null;
}

export interface FileDownloadLimit {
  /** Downloads started per window (null: not counted). */
  downloads: number | null;
  /** Bytes sent per window (null: not counted). */
  bytes: number | null;
  /** Window length on the hub clock; the count starts again this long after the window's first download. */
  windowMs: number;
}

const DAY_MS = 24 * 3600 * 1000;

export const GOOGLE_DRIVE_LIMITS: DriveLimits = {
  folderChildren: 500_000,
  sharedDriveItems: 500_000,
  folderDepth: 100,
  keepForeverRevisions: 200,
  createRate: { perSecond: 2, burst: 10 },
  createRateReason: 'rateLimitExceeded',
  dailyUpload: { bytes: 750 * 1024 ** 3, resetAfterMs: DAY_MS },
  incompleteSearch: 'allDrives',
  revisionPurgeAfterMs: 30 * DAY_MS,
  purgeableRevisions: 100,
  fileDownloads: null,
};

function parseFileDownloads(value: unknown): FileDownloadLimit | null {
  if (value === null) return null;
  const usage = 'fileDownloads must be null or {"downloads"?: n >= 1 | null, "bytes"?: n >= 0 | null, "windowMs"?: n > 0}';
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(usage);
  const v = value as Record<string, unknown>;
  try {
    onlyKnownFields(v, ['downloads', 'bytes', 'windowMs']);
  } catch (err) {
    throw new Error(`fileDownloads: ${(err as Error).message}`, { cause: err });
  }
  const downloads = v.downloads === undefined ? null : countOrNull(v.downloads, 'fileDownloads.downloads');
  const bytes = v.bytes === undefined ? null : countOrNull(v.bytes, 'fileDownloads.bytes', 0);
  const windowMs = v.windowMs ?? DAY_MS;
  if (typeof windowMs !== 'number' || !(windowMs > 0)) throw new Error('fileDownloads.windowMs must be a number > 0');
  if (downloads === null && bytes === null) throw new Error(usage);
  return { downloads, bytes, windowMs };
}

function parseDailyUpload(value: unknown): DailyUploadLimit | null {
  if (value === null) return null;
  const v = value as Partial<DailyUploadLimit> | undefined;
  if (!v || typeof v !== 'object' || typeof v.bytes !== 'number' || !Number.isFinite(v.bytes) || v.bytes < 0) {
    throw new Error('dailyUpload must be null or {"bytes": n >= 0, "resetAfterMs"?: n > 0}');
  }
  onlyKnownFields(v as Record<string, unknown>, ['bytes', 'resetAfterMs']);
  const resetAfterMs = v.resetAfterMs ?? DAY_MS;
  if (typeof resetAfterMs !== 'number' || !(resetAfterMs > 0)) throw new Error('dailyUpload.resetAfterMs must be a number > 0');
  return { bytes: v.bytes, resetAfterMs };
}

export function parseDriveLimits(patch: Record<string, unknown>): Partial<DriveLimits> {
  onlyKnownFields(patch, Object.keys(GOOGLE_DRIVE_LIMITS));
  const out: Partial<DriveLimits> = {};
  if ('folderChildren' in patch) out.folderChildren = countOrNull(patch.folderChildren, 'folderChildren');
  if ('sharedDriveItems' in patch) out.sharedDriveItems = countOrNull(patch.sharedDriveItems, 'sharedDriveItems');
  if ('folderDepth' in patch) out.folderDepth = countOrNull(patch.folderDepth, 'folderDepth');
  if ('keepForeverRevisions' in patch) out.keepForeverRevisions = countOrNull(patch.keepForeverRevisions, 'keepForeverRevisions', 0);
  if ('createRate' in patch) out.createRate = parseRateLimit(patch.createRate, 'createRate');
  if ('createRateReason' in patch) {
    if (patch.createRateReason !== 'rateLimitExceeded' && patch.createRateReason !== 'userRateLimitExceeded') {
      throw new Error('createRateReason must be "rateLimitExceeded" or "userRateLimitExceeded"');
    }
    out.createRateReason = patch.createRateReason;
  }
  if ('dailyUpload' in patch) out.dailyUpload = parseDailyUpload(patch.dailyUpload);
  if ('incompleteSearch' in patch) {
    if (patch.incompleteSearch !== 'never' && patch.incompleteSearch !== 'allDrives') {
      throw new Error('incompleteSearch must be "never" or "allDrives"');
    }
    out.incompleteSearch = patch.incompleteSearch;
  }
  if ('revisionPurgeAfterMs' in patch) out.revisionPurgeAfterMs = countOrNull(patch.revisionPurgeAfterMs, 'revisionPurgeAfterMs');
  if ('purgeableRevisions' in patch) out.purgeableRevisions = countOrNull(patch.purgeableRevisions, 'purgeableRevisions');
  if ('fileDownloads' in patch) out.fileDownloads = parseFileDownloads(patch.fileDownloads);
  return out;
}

// ---- the errors (bodies as the Resolve errors guide shows them) ----

export const folderChildrenLimit = (): DriveError =>
  new DriveError(
    403,
    "The limit for this folder's number of children (files and folders) has been exceeded.",
    'numChildrenInNonRootLimitExceeded',
  );

export const sharedDriveItemLimit = (): DriveError =>
  new DriveError(403, 'The file limit for this shared drive has been exceeded.', 'teamDriveFileLimitExceeded');

export const myDriveTooDeep = (limit: number): DriveError =>
  new DriveError(
    403,
    `Your My Drive can't contain more than ${limit} levels of folders. For details, see https://developers.google.com/workspace/drive/api/guides/handle-errors#nested-folder-levels.`,
    'myDriveHierarchyDepthLimitExceeded',
  );

export const sharedDriveTooDeep = (): DriveError =>
  new DriveError(403, 'The shared drive hierarchy depth will exceed the limit.', 'teamDriveHierarchyTooDeep');

export const createRateExceeded = (reason: CreateRateReason): DriveError =>
  new DriveError(403, reason === 'rateLimitExceeded' ? 'Rate Limit Exceeded' : 'User Rate Limit Exceeded', reason, {
    domain: 'usageLimits',
  });

/**
 * Keeping a 201st revision forever. Drive documents the cap but not its error; the emulator guesses a 403
 * in the shape of Drive's other limits, with a reason of its own (clients must not key on it).
 */
export const keepForeverLimit = (limit: number): DriveError =>
  new DriveError(
    403,
    `This file already has the maximum of ${limit} revisions kept forever. Delete a revision kept forever (revisions.delete) before keeping another one.`,
    'keepForeverLimitExceeded',
  );

export const illegalKeepForeverModification = (): DriveError =>
  new DriveError(400, 'Bad Request. Cannot update a revision to false that is marked as keepForever.', 'illegalKeepForeverModification');
