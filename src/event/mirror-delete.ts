/**
 * DELETE_MODE=trash: when an object is deleted, move its Drive backup to the trash. Cloud Storage also
 * sends `deleted` for the old generation when an object is overwritten; then the live object still
 * exists and the backup is kept. Each call goes through its service's gateway.
 */
import { isNotFound } from '../core/error-shapes.js';
import type { CallScope } from '../core/gateway.js';
import type { ObjectRef } from '../core/object-ref.js';
import { trashFile } from '../drive/files.js';
import { objectMetadata } from '../gcs/source.js';
import type { ObjectRecord } from '../backup/claim/plan.js';
import { objectRecordKey } from '../backup/claim/claim.js';
import type { Runtime } from '../tasks/dispatch.js';

export async function mirrorDelete(
  runtime: Runtime,
  ref: ObjectRef,
  scope: CallScope,
): Promise<'overwritten' | 'not-backed-up' | 'trashed'> {
  try {
    await objectMetadata(runtime.source, { bucket: ref.bucket, name: ref.name }, scope);
    return 'overwritten';
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const copy = runtime.config.onNewGeneration === 'copy';
  const key = objectRecordKey(ref.bucket, ref.name, copy ? ref.generation : undefined);
  const record = await runtime.store.read<ObjectRecord>(key, scope);
  if (!record) return 'not-backed-up';
  const fileId = record.value.fileId;
  const result = await runtime.drive.call(
    'files.update (trash)',
    async ({ api }) => {
      try {
        await trashFile(api, fileId);
        return 'trashed' as const;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        return 'not-backed-up' as const;
      }
    },
    scope,
  );
  // The object is gone: forget its record, so an object re-created under this name gets a new Drive file
  // instead of reviving the trashed one.
  await runtime.store.remove(key, scope);
  return result;
}
