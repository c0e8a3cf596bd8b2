/**
 * The one paged listing of the backups of a bucket that reconcile's index (src/reconcile/drive-listing.ts)
 * and restore's catalog (src/restore/drive-catalog.ts) both make: `files.list` over one corpus, every page
 * through the Drive gateway, and never an incomplete answer. A `corpora=allDrives` search may answer
 * `incompleteSearch: true` (files.list,
 * https://developers.google.com/workspace/drive/api/reference/rest/v3/files/list); a listing missing
 * backups would make reconcile upload them again and restore miss them, so such a page is thrown as the
 * caller's error (retried by the gateway, never used).
 */
import type { drive_v3 } from '@googleapis/drive';
import type { Retry } from '../core/gateway.js';
import type { DriveClient } from './gateway.js';

/** The corpus holding the backups: the user's own files, or the shared drive of the backup root. */
export type BackupCorpus = { corpora: 'user' } | { corpora: 'drive'; driveId: string };

export interface BackupListing {
  /** The gateway call's name. */
  what: string;
  query: string;
  /** The fields of each file (`files(…)`). */
  fileFields: string;
  pageSize: number;
  corpus: BackupCorpus;
  /** The error an incomplete page is thrown as. */
  incomplete: () => Error;
}

/** Every file of the listing, page after page. */
export async function* listBackupFiles(drive: Retry<DriveClient>, listing: BackupListing): AsyncGenerator<drive_v3.Schema$File> {
  const { corpus } = listing;
  const where = corpus.corpora === 'drive' ? { ...corpus, includeItemsFromAllDrives: true } : corpus;
  let pageToken: string | undefined;
  do {
    const res = await drive(listing.what, async ({ api }) => {
      const page = await api.files.list({
        q: listing.query,
        fields: `nextPageToken,incompleteSearch,files(${listing.fileFields})`,
        pageSize: listing.pageSize,
        ...where,
        supportsAllDrives: true,
        spaces: 'drive',
        ...(pageToken !== undefined ? { pageToken } : {}),
      });
      if (page.data.incompleteSearch === true) throw listing.incomplete();
      return page;
    });
    yield* res.data.files ?? [];
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken);
}
