/**
 * Reads what Drive holds for a bucket with ONE paged query — every untrashed file the event path tagged
 * `gdb.bucket = B` — asking only for `nextPageToken,files(appProperties)` in pages of 1000: ⌈files/1000⌉
 * requests per run, none per object. Files outside the backup root count too (the claim records in the
 * state bucket say "done" for them as well, so the event path would not copy them again either).
 * A bucket whose name does not fit an appProperty (> 114 bytes) has no `gdb.bucket`: its index stays
 * empty and every object goes to backupObject, whose claim settles what is already there — correct,
 * only not economical.
 *
 * The listing must be complete: a `corpora=allDrives` search may answer `incompleteSearch: true` (files.list,
 * https://developers.google.com/workspace/drive/api/reference/rest/v3/files/list), and an index missing
 * backups would upload them again. So it searches one corpus — the user's files (`user`), or the shared
 * drive holding the backup root (`drive`) — and an incomplete answer anyway is retried, never used.
 */
import type { ClassifiedError, Failure } from '../core/failure.js';
import type { Retry } from '../core/gateway.js';
import type { DriveClient } from '../drive/gateway.js';
import { listBackupFiles, type BackupCorpus } from '../drive/list-backups.js';
import { APP_PROPERTY } from '../drive/object-path.js';
import { byAppProperty, notTrashed, q } from '../drive/query.js';
import { DriveIndex, type IndexScope } from './drive-index.js';

export const DRIVE_PAGE_SIZE = 1000;

/** The corpus holding the backups: the user's own files, or the shared drive of the backup root. */
export type ListingCorpus = BackupCorpus;

/** Drive answered a listing with `incompleteSearch: true`: retried, never acted on. */
export class IncompleteListingError extends Error implements ClassifiedError {
  readonly failure: Failure;
  constructor() {
    super('Drive answered the backups listing with incompleteSearch: true');
    this.failure = { kind: 'transient', service: 'drive', reason: this.message };
  }
}

/** Where the backup root (DRIVE_FOLDER_ID) lives: one `files.get`. */
export async function listingCorpus(drive: Retry<DriveClient>, rootId: string): Promise<ListingCorpus> {
  const res = await drive('files.get (backup root drive)', ({ api }) =>
    api.files.get({ fileId: rootId, fields: 'id,driveId', supportsAllDrives: true }),
  );
  const driveId = res.data.driveId ?? undefined;
  return driveId ? { corpora: 'drive', driveId } : { corpora: 'user' };
}

/** Every page through `drive` (the Drive gateway, bound to the run's scope). */
export async function loadDriveIndex(drive: Retry<DriveClient>, scope: IndexScope, corpus: ListingCorpus): Promise<DriveIndex> {
  const index = new DriveIndex(scope);
  const query = q.and(byAppProperty(APP_PROPERTY.bucket, scope.bucket), notTrashed);
  const files = listBackupFiles(drive, {
    what: 'list Drive backups',
    query,
    fileFields: 'appProperties',
    pageSize: DRIVE_PAGE_SIZE,
    corpus,
    incomplete: () => new IncompleteListingError(),
  });
  for await (const file of files) index.add(file.appProperties);
  return index;
}
