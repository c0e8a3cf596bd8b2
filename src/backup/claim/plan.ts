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
 * so the happy path needs no extra write. `nextRecord` is every other change an owner makes to its record.
 *
 * The record also keeps the object's history for restore (src/state/history.ts): the claim writes the new
 * generation's facts, and a take by a newer generation seals the one before with the revision that holds
 * it — in the same write.
 */
import type { DriveProbe } from '../../drive/files.js';
import { compareGenerations, type GenerationFacts } from '../../core/object-ref.js';
import { advanceHistory, type HistoryFields, type RecordedSource } from '../../state/history.js';

export interface ObjectRecord extends HistoryFields {
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
  /** The object and the facts of `generation`, for the history. */
  source?: RecordedSource;
  facts?: GenerationFacts;
}

const exists = (drive: DriveProbe): drive is Exclude<DriveProbe, 'absent'> => drive !== 'absent';
/** A file new content can go into: there and not in the trash. */
export const usable = (drive: DriveProbe): boolean => exists(drive) && drive.trashed !== true;

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
    const known = withFacts(record, input);
    if (gone) return { action: 'take', newFile: true, record: { ...known, owner: me, leaseUntil, fileCreated: false, session: undefined } };
    return {
      action: 'take',
      newFile: false,
      record: { ...known, owner: me, leaseUntil, fileCreated: record.fileCreated || exists(drive) },
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
    record: {
      v: 1,
      generation,
      fileId: record.fileId,
      status: 'uploading',
      owner: me,
      leaseUntil,
      fileCreated: fileUsable,
      ...advanceHistory(withFacts(record, { source: input.source, generation: record.generation }), input.facts, drive),
    },
  };
}

/** The record with its source and its generation's facts filled in where a record written before histories lacks them. */
function withFacts(record: ObjectRecord, input: Pick<PlanInput, 'source' | 'facts' | 'generation'>): ObjectRecord {
  const source = record.source ?? input.source;
  const pending = record.pending ?? (record.pendingMoved !== true && input.generation === record.generation ? input.facts : undefined);
  return { ...record, ...(source ? { source } : {}), ...(pending ? { pending } : {}) };
}

export function freshRecord(generation: string, fileId: string, me: string, leaseUntil: number, history: HistoryFields = {}): ObjectRecord {
  return { v: 1, generation, fileId, status: 'uploading', owner: me, leaseUntil, fileCreated: false, ...history };
}

/** What happened to an owned upload, as the owner records it. */
export type RecordChange =
  /** The record's file was not what it expected, but a usable file is there: revise it. */
  | { kind: 'file-found' }
  /** The record's file is gone, trashed, taken, or held a discarded copy: start over with a new id. */
  | { kind: 'new-file'; fileId: string }
  /** A resumable session was opened; its URI lets the next owner continue. */
  | { kind: 'session-opened'; session: string }
  /** The session is gone or finished with a bad copy: never resume it. */
  | { kind: 'session-dropped' }
  /** The lease runs until then (renewal); 0 releases it so a retry need not wait. */
  | { kind: 'lease'; until: number }
  /** The generation landed in `fileId`, as its revision `revisionId` when the upload's reply said. */
  | { kind: 'done'; fileId: string; revisionId?: string };

/** The record after `change`, pure: the owner writes it with compare-and-swap. */
export function nextRecord(record: ObjectRecord, change: RecordChange): ObjectRecord {
  switch (change.kind) {
    case 'file-found':
      return { ...record, fileCreated: true, session: undefined };
    case 'new-file': {
      const { revisionId: _revisionId, ...rest } = record;
      return { ...rest, fileId: change.fileId, fileCreated: false, session: undefined };
    }
    case 'session-opened':
      return { ...record, session: change.session };
    case 'session-dropped':
      return { ...record, session: undefined };
    case 'lease':
      return { ...record, leaseUntil: change.until };
    case 'done':
      return {
        ...record,
        fileId: change.fileId,
        status: 'done',
        session: undefined,
        fileCreated: true,
        ...(change.revisionId !== undefined ? { revisionId: change.revisionId } : {}),
      };
  }
}
