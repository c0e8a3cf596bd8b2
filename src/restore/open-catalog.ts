/**
 * Where `restore` and the restore drill (command line and `POST /restore-drill`) read what was backed up:
 * the state bucket's history (the fast path, src/restore/state-catalog.ts), or Drive alone (`--from-drive`,
 * src/restore/drive-catalog.ts: when the state bucket or the project is gone). One seam, so the commands'
 * tests can hand in a catalog of their own.
 */
import type { Runtime } from '../tasks/dispatch.js';
import type { Catalog } from './catalog.js';
import { DriveCatalog, type CatalogCorpus } from './drive-catalog.js';
import { StateCatalog } from './state-catalog.js';

/** Opens the catalog of the backups of `bucket`. */
export type CatalogOpener = (
  runtime: Runtime,
  source: { bucket: string; fromDrive: boolean; olderGenerations: boolean },
) => Promise<Catalog>;

/** The corpus that holds the backup root: the user's own files, or the shared drive it is in. */
async function corpusOf(runtime: Runtime): Promise<CatalogCorpus> {
  const { data } = await runtime.drive.call('files.get (backup root)', ({ api }) =>
    api.files.get({ fileId: runtime.config.driveFolderId, fields: 'id,driveId', supportsAllDrives: true }),
  );
  return data.driveId ? { corpora: 'drive', driveId: data.driveId } : { corpora: 'user' };
}

/** The product's catalogs. */
export const openProductCatalog: CatalogOpener = async (runtime, { bucket, fromDrive, olderGenerations }) => {
  if (!fromDrive) return new StateCatalog({ store: runtime.store, bucket });
  return new DriveCatalog({ drive: runtime.drive.retry(), bucket, corpus: await corpusOf(runtime), olderGenerations });
};
