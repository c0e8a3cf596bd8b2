/**
 * An object's deletion, as the backup keeps it: a tombstone with the event's time in the object's record
 * (src/state/history.ts) and on its Drive file (`gdb.deletedAt`, src/drive/source-facts.ts), so a restore
 * "as of T" leaves out what was deleted before T; with DELETE_MODE=trash, the same Drive request moves the
 * backup to the trash (still restorable from there while Drive keeps it). Cloud Storage also sends `deleted` for the old generation when an object is overwritten; then the
 * live object still exists and nothing is recorded. Each call goes through its service's gateway.
 *
 * The record is kept (it holds the history): a new object under the same name finds its backup trashed,
 * and the claim gives it a new Drive file, as for any backup trashed in Drive.
 */
import { isNotFound } from '../core/error-shapes.js';
import type { CallScope } from '../core/gateway.js';
import type { ObjectRef } from '../core/object-ref.js';
import { markDeleted } from '../drive/files.js';
import { objectMetadata } from '../gcs/source.js';
import { withDeletion } from '../state/history.js';
import type { ObjectRecord } from '../backup/claim/plan.js';
import { fitted, objectRecordKey } from '../backup/claim/claim.js';
import type { Runtime } from '../tasks/dispatch.js';

export type DeleteResult = 'overwritten' | 'not-backed-up' | 'trashed' | 'recorded';

/** Compare-and-swap rounds for the tombstone before giving up (an upload's owner writes the record too). */
const TOMBSTONE_ROUNDS = 5;

export async function mirrorDelete(runtime: Runtime, ref: ObjectRef, deletedAt: string, scope: CallScope): Promise<DeleteResult> {
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
  const trash = runtime.config.deleteMode === 'trash';
  const result = await runtime.drive.call(
    trash ? 'files.update (trash)' : 'files.update (mark deleted)',
    async ({ api }) => {
      try {
        await markDeleted(api, fileId, deletedAt, trash);
        return trash ? ('trashed' as const) : ('recorded' as const);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        return 'not-backed-up' as const;
      }
    },
    scope,
  );
  await recordDeletion(runtime, key, { deletedAt, generation: ref.generation }, scope);
  return result;
}

/** Appends the tombstone to the record (compare-and-swap, re-read on a lost race); a redelivery adds nothing. */
async function recordDeletion(runtime: Runtime, key: string, deletion: { deletedAt: string; generation: string }, scope: CallScope) {
  for (let round = 0; round < TOMBSTONE_ROUNDS; round++) {
    const current = await runtime.store.read<ObjectRecord>(key, scope);
    if (!current) return;
    const next = withDeletion(current.value, deletion);
    if (next === current.value) return;
    if (await runtime.store.replace(key, await fitted(runtime.store, key, next, scope), current.version, scope)) return;
  }
  throw new Error('could not record the deletion in the object record (too much contention); will retry');
}
