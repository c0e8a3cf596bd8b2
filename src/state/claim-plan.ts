/**
 * Exactly-once, the decision part (pure). Every object name (or, with ON_NEW_GENERATION=copy, every
 * object generation) has one record in the state bucket, written only with preconditions:
 *
 *   { generation, fileId, status: 'uploading' | 'done', owner, leaseUntil, session?, fileCreated }
 *
 * `fileId` is a Drive id generated before the upload starts, so every instance that works on the same
 * object uploads to the same Drive file: a second create with that id gets 409, never a twin. A worker
 * owns the upload while its lease (the end of its invocation) runs; a resumable session URI is kept in
 * the record so that the next owner continues where Drive is. Whether a generation finished is read
 * from Drive itself (the file's `gdb.generation` appProperty), so the happy path needs no extra write.
 */

export interface ObjectRecord {
  v: 1;
  generation: string;
  fileId: string;
  status: 'uploading' | 'done';
  owner: string;
  /** Epoch ms: the owner's invocation ends by then. */
  leaseUntil: number;
  /** Resumable session URI of the upload in progress for `generation`. */
  session?: string;
  /** The Drive file `fileId` exists (an earlier generation landed): new content becomes a revision. */
  fileCreated: boolean;
}

/** What Drive says about `record.fileId`, looked up only when the plan needs it. */
export type DriveProbe = 'absent' | { generation?: string; trashed?: boolean };

export type ClaimPlan =
  /** Nothing to do: acknowledge. */
  | { action: 'settled'; reason: 'duplicate' | 'superseded' | 'exists' }
  /** Someone else holds a live lease on this object: retry later. */
  | { action: 'busy'; until: number }
  /** Ask Drive whether the record's generation already landed, then plan again. */
  | { action: 'probe-drive' }
  /** Write this record (compare-and-swap) and upload. */
  | { action: 'take'; record: ObjectRecord };

export interface PlanInput {
  record: ObjectRecord;
  generation: string;
  mode: 'revision' | 'copy' | 'skip';
  me: string;
  now: number;
  leaseUntil: number;
  /** Undefined until a probe was made. */
  drive?: DriveProbe;
}

export function compareGenerations(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x === y ? 0 : x < y ? -1 : 1;
}

function landed(record: ObjectRecord, drive: DriveProbe | undefined): boolean | undefined {
  if (record.status === 'done') return true;
  if (drive === undefined) return undefined;
  return drive !== 'absent' && drive.generation === record.generation;
}

export function planClaim(input: PlanInput): ClaimPlan {
  const { record, generation, mode, me, now, leaseUntil, drive } = input;
  const order = compareGenerations(record.generation, generation);
  if (order > 0) return { action: 'settled', reason: 'superseded' };

  const done = landed(record, drive);
  if (done === undefined) return { action: 'probe-drive' };
  const fileExists = record.fileCreated || done || (drive !== undefined && drive !== 'absent');

  if (order === 0) {
    if (done) return { action: 'settled', reason: 'duplicate' };
    if (record.owner !== me && record.leaseUntil > now) return { action: 'busy', until: record.leaseUntil };
    // Take over (or resume our own): keep the session so the upload continues where Drive is.
    return { action: 'take', record: { ...record, owner: me, leaseUntil, fileCreated: fileExists } };
  }

  // An older generation is recorded.
  if (!done && record.owner !== me && record.leaseUntil > now) return { action: 'busy', until: record.leaseUntil };
  if (mode === 'skip' && fileExists) return { action: 'settled', reason: 'exists' };
  return {
    action: 'take',
    record: { v: 1, generation, fileId: record.fileId, status: 'uploading', owner: me, leaseUntil, fileCreated: fileExists },
  };
}

export function freshRecord(generation: string, fileId: string, me: string, leaseUntil: number): ObjectRecord {
  return { v: 1, generation, fileId, status: 'uploading', owner: me, leaseUntil, fileCreated: false };
}
