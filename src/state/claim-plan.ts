/**
 * Exactly-once, the decision part (pure). Every object name (or, with ON_NEW_GENERATION=copy, every
 * object generation) has one record in the state bucket, written only with preconditions:
 *
 *   { generation, fileId, status: 'uploading' | 'done', owner, leaseUntil, session?, fileCreated }
 *
 * `fileId` is a Drive id generated before the upload starts, so every instance that works on the same
 * object uploads to the same Drive file: a second create with that id gets 409, never a twin. A worker
 * owns the upload while its lease runs (renewed while a large upload moves); a resumable session URI is
 * kept in the record so that the next owner continues where Drive is. Whether a generation landed is
 * read from Drive itself (the file's `gdb.generation` appProperty, and its MD5 when the object has one),
 * so the happy path needs no extra write.
 */

export interface ObjectRecord {
  v: 1;
  generation: string;
  fileId: string;
  status: 'uploading' | 'done';
  owner: string;
  /** Epoch ms: the owner's claim ends by then unless renewed. */
  leaseUntil: number;
  /** Resumable session URI of the upload in progress for `generation`. */
  session?: string;
  /** The Drive file `fileId` exists (an earlier generation landed): new content becomes a revision. */
  fileCreated: boolean;
}

/** What Drive says about `record.fileId`, looked up only when the plan needs it. */
export type DriveProbe = 'absent' | { generation?: string; trashed?: boolean; md5Hex?: string };

export type ClaimPlan =
  /** Nothing to do: acknowledge. */
  | { action: 'settled'; reason: 'duplicate' | 'superseded' | 'exists' }
  /** Someone else holds a live lease on this object: retry later. */
  | { action: 'busy'; until: number }
  /** Ask Drive about the record's file, then plan again. */
  | { action: 'probe-drive' }
  /**
   * Write this record (compare-and-swap) and upload. With `newFile`, the record's file is gone (deleted or
   * trashed in Drive): the caller gives it a fresh Drive id first.
   */
  | { action: 'take'; record: ObjectRecord; newFile: boolean };

export interface PlanInput {
  record: ObjectRecord;
  generation: string;
  /** Hex MD5 of the generation, when Cloud Storage has one: a landed file must match it. */
  expectedMd5Hex?: string;
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

const exists = (drive: DriveProbe): drive is Exclude<DriveProbe, 'absent'> => drive !== 'absent';
/** A file new content can go into: there and not in the trash. */
const usable = (drive: DriveProbe): boolean => exists(drive) && drive.trashed !== true;

export function planClaim(input: PlanInput): ClaimPlan {
  const { record, generation, mode, me, now, leaseUntil, drive } = input;
  const order = compareGenerations(record.generation, generation);
  if (order > 0) return { action: 'settled', reason: 'superseded' };
  const leasedByOther = record.owner !== me && record.leaseUntil > now;

  if (order === 0) {
    if (record.status === 'done') return { action: 'settled', reason: 'duplicate' };
    if (drive === undefined) return { action: 'probe-drive' };
    // A backup the user trashed still counts (events do not restore it; reconcile does).
    const landed =
      exists(drive) &&
      drive.generation === record.generation &&
      (input.expectedMd5Hex === undefined || drive.md5Hex === undefined || drive.md5Hex === input.expectedMd5Hex);
    if (landed) return { action: 'settled', reason: 'duplicate' };
    if (leasedByOther) return { action: 'busy', until: record.leaseUntil };
    // Take over (or resume our own). A file that vanished after being created needs a new id; one never
    // created keeps its id (and session): an earlier create may still complete, and 409 then says so.
    const gone = drive === 'absent' ? record.fileCreated : !usable(drive);
    if (gone)
      return { action: 'take', newFile: true, record: { ...record, owner: me, leaseUntil, fileCreated: false, session: undefined } };
    return {
      action: 'take',
      newFile: false,
      record: { ...record, owner: me, leaseUntil, fileCreated: record.fileCreated || exists(drive) },
    };
  }

  // An older generation is recorded: where is its file?
  if (drive === undefined) return { action: 'probe-drive' };
  const previousLanded = record.status === 'done' || (exists(drive) && drive.generation === record.generation);
  if (!previousLanded && leasedByOther) return { action: 'busy', until: record.leaseUntil };
  const fileUsable = usable(drive);
  if (mode === 'skip' && fileUsable) return { action: 'settled', reason: 'exists' };
  return {
    action: 'take',
    newFile: !fileUsable && (record.fileCreated || previousLanded || exists(drive)),
    record: { v: 1, generation, fileId: record.fileId, status: 'uploading', owner: me, leaseUntil, fileCreated: fileUsable },
  };
}

export function freshRecord(generation: string, fileId: string, me: string, leaseUntil: number): ObjectRecord {
  return { v: 1, generation, fileId, status: 'uploading', owner: me, leaseUntil, fileCreated: false };
}
