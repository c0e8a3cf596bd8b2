/**
 * The backup's history readers opened from an instance's runtime: the state bucket's catalog (the fast
 * path), or Drive alone (when the state bucket or the project is gone), in the shape of the restore
 * command's catalog seam. Drive alone searches the corpus holding the backup root (DRIVE_FOLDER_ID): the
 * user's files, or its shared drive (one files.get).
 */
import type { Runtime } from '../tasks/dispatch.js';
import type { Catalog } from './catalog.js';
import { DriveCatalog, type CatalogCorpus, type DriveCatalogProblem } from './drive-catalog.js';
import { StateCatalog } from './state-catalog.js';

export interface HistorySource {
  /** The source bucket whose backup is read. */
  bucket: string;
  /** Read Drive alone, not the state bucket. */
  fromDrive: boolean;
  /** From Drive: list each file's revisions too (older generations). */
  olderGenerations: boolean;
  /** From Drive: a file whose facts may not be the object's exactly. */
  onProblem?: (problem: DriveCatalogProblem) => void;
}

export async function openHistoryCatalog(runtime: Runtime, source: HistorySource): Promise<Catalog> {
  if (!source.fromDrive) return new StateCatalog({ store: runtime.store, bucket: source.bucket });
  const drive = runtime.drive.retry();
  const root = await drive('files.get (backup root drive)', ({ api }) =>
    api.files.get({ fileId: runtime.config.driveFolderId, fields: 'id,driveId', supportsAllDrives: true }),
  );
  const driveId = root.data.driveId ?? undefined;
  const corpus: CatalogCorpus = driveId ? { corpora: 'drive', driveId } : { corpora: 'user' };
  return new DriveCatalog({
    drive,
    bucket: source.bucket,
    corpus,
    olderGenerations: source.olderGenerations,
    ...(source.onProblem ? { onProblem: source.onProblem } : {}),
  });
}
