/**
 * DELETE_MODE=trash: when an object is deleted, move its Drive backup to the trash. Cloud Storage also
 * sends `deleted` for the old generation when an object is overwritten; then the live object still
 * exists and the backup is kept.
 */
import type { ObjectRef } from './event.js';
import { objectMetadata } from './gcs/source.js';
import { isNotFound } from './errors.js';
import { objectRecordKey } from './state/object-claim.js';
import type { ObjectRecord } from './state/claim-plan.js';
import { trashFile } from './drive/files.js';
import type { Runtime } from './runtime.js';

export async function mirrorDelete(runtime: Runtime, ref: ObjectRef): Promise<'overwritten' | 'not-backed-up' | 'trashed'> {
  try {
    await objectMetadata(runtime.storage, ref.bucket, ref.name);
    return 'overwritten';
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const copy = runtime.config.onNewGeneration === 'copy';
  const key = objectRecordKey(ref.bucket, ref.name, copy ? ref.generation : undefined);
  const record = await runtime.store.read<ObjectRecord>(key);
  if (!record) return 'not-backed-up';
  let result: 'trashed' | 'not-backed-up' = 'trashed';
  try {
    await trashFile(await runtime.drive(), record.value.fileId);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    result = 'not-backed-up';
  }
  // The object is gone: forget its record, so an object re-created under this name gets a new Drive file
  // instead of reviving the trashed one.
  await runtime.store.remove(key);
  return result;
}
