/**
 * Reads what Drive holds for a bucket with ONE paged query — every untrashed file the event path tagged
 * `gdb.bucket = B` — asking only for `nextPageToken,files(appProperties)` in pages of 1000: ⌈files/1000⌉
 * requests per run, none per object. Files outside the backup root count too (the claim records in the
 * state bucket say "done" for them as well, so the event path would not copy them again either).
 * A bucket whose name does not fit an appProperty (> 114 bytes) has no `gdb.bucket`: its index stays
 * empty and every object goes to backupObject, whose claim settles what is already there — correct,
 * only not economical.
 */
import type { Retry } from '../core/gateway.js';
import type { DriveClient } from '../drive/gateway.js';
import { APP_PROPERTY } from '../drive/object-path.js';
import { byAppProperty, notTrashed, q } from '../drive/query.js';
import { DriveIndex, type IndexScope } from './drive-index.js';

export const DRIVE_PAGE_SIZE = 1000;

/** Every page through `drive` (the Drive gateway, bound to the run's scope). */
export async function loadDriveIndex(drive: Retry<DriveClient>, scope: IndexScope): Promise<DriveIndex> {
  const index = new DriveIndex(scope);
  const query = q.and(byAppProperty(APP_PROPERTY.bucket, scope.bucket), notTrashed);
  let pageToken: string | undefined;
  do {
    const res = await drive('list Drive backups', ({ api }) =>
      api.files.list({
        q: query,
        fields: 'nextPageToken,files(appProperties)',
        pageSize: DRIVE_PAGE_SIZE,
        corpora: 'allDrives',
        includeItemsFromAllDrives: true,
        supportsAllDrives: true,
        spaces: 'drive',
        ...(pageToken !== undefined ? { pageToken } : {}),
      }),
    );
    for (const file of res.data.files ?? []) index.add(file.appProperties);
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken);
  return index;
}
