/**
 * Where `restore` and the restore drill (command line and `POST /restore-drill`) read what was backed up:
 * the state bucket's history (the fast path), or Drive alone (`--from-drive`, when the state bucket or the
 * project is gone). One seam, so the commands' tests can hand in a catalog of their own.
 */
import type { Runtime } from '../tasks/dispatch.js';
import type { Catalog } from './catalog.js';

/** Opens the catalog of the backups of `bucket`. */
export type CatalogOpener = (
  runtime: Runtime,
  source: { bucket: string; fromDrive: boolean; olderGenerations: boolean },
) => Promise<Catalog>;

/** The product's catalogs. */
export const openProductCatalog: CatalogOpener = () =>
  Promise.reject(new Error('this build has no catalog reader yet: restore needs the backup history readers'));
