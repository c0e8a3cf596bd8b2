/**
 * KEEP_REVISIONS_FOREVER=true: every new revision goes up kept forever, and Drive keeps at most 200
 * revisions of a file forever (src/drive/revisions.ts). Past the cap the newest generations matter most,
 * so room is made by deleting the oldest revision kept forever (a kept revision cannot be set back to
 * `keepForever: false`), with one `keptRevisionReleased` line:
 * - before a revision goes up, when the file already keeps 200 (one `revisions.list` per revision, only
 *   with KEEP_REVISIONS_FOREVER): robust to however Drive answers the 201st, which it does not document;
 * - when Drive refuses the revision as one kept forever too many anyway (a lower cap; `driveLimitOf`).
 * Both run inside the caller's Drive operation (an upload, or opening its session).
 */
import type { drive_v3 } from '@googleapis/drive';
import { driveLimitOf } from '../../core/drive-reasons.js';
import { isNotFound } from '../../core/error-shapes.js';
import { deleteRevision, KEEP_FOREVER_CAP, keptForever, listRevisions } from '../../drive/revisions.js';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../core/logs.js';
import type { ObjectRef } from '../../core/object-ref.js';

/** What keeping revisions forever reads of the object attempt (a BackupJob is one). */
export interface KeepForeverJob {
  readonly ref: Pick<ObjectRef, 'bucket' | 'name' | 'generation'>;
  readonly deps: {
    readonly config: Pick<Config, 'keepRevisionsForever'>;
    readonly logger: Pick<Logger, 'keptRevisionReleased'>;
  };
}

/**
 * Sends a revision of `fileId` with `send(keepForever)`, kept forever when the configuration says so,
 * making room under Drive's cap first and once more after a refusal.
 */
export async function reviseKeepingForever<T>(
  job: KeepForeverJob,
  api: drive_v3.Drive,
  fileId: string,
  send: (keepForever: boolean) => Promise<T>,
): Promise<T> {
  if (!job.deps.config.keepRevisionsForever) return send(false);
  const keep = await makeRoom(job, api, fileId, KEEP_FOREVER_CAP);
  try {
    return await send(keep);
  } catch (err) {
    if (!keep || driveLimitOf(err) !== 'keep-forever-cap') throw err;
    return send(await makeRoom(job, api, fileId, 0));
  }
}

/**
 * Deletes the oldest revision kept forever when the file keeps at least `cap` (0: Drive just refused one
 * more); false when none may go (only the current content is kept), so the new revision is not kept forever.
 */
async function makeRoom(job: KeepForeverJob, api: drive_v3.Drive, fileId: string, cap: number): Promise<boolean> {
  let revisions;
  try {
    revisions = await listRevisions(api, fileId);
  } catch (err) {
    // The file is gone: the revision's own request says so, in the way its caller understands.
    if (isNotFound(err)) return true;
    throw err;
  }
  const { count, oldest } = keptForever(revisions);
  if (count < cap) return true;
  const { ref, deps } = job;
  const object = { bucket: ref.bucket, name: ref.name, generation: ref.generation };
  if (oldest === undefined) {
    deps.logger.keptRevisionReleased({ ...object, driveFileId: fileId, keptForever: count });
    return false;
  }
  await deleteRevision(api, fileId, oldest.id);
  deps.logger.keptRevisionReleased({
    ...object,
    driveFileId: fileId,
    keptForever: count,
    revisionId: oldest.id,
    ...(oldest.modifiedTime !== undefined ? { revisionModifiedTime: oldest.modifiedTime } : {}),
  });
  return true;
}
