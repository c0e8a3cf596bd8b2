/**
 * The history an object's claim record keeps, so that every backed-up generation can be restored to its
 * name, bytes and metadata, and a restore "as of T" leaves out what was deleted before T. Pure.
 *
 * Where it lives, and why there: in the claim record itself (src/backup/claim/), written by the
 * writes the record gets anyway, so the happy path costs no extra request:
 * - the claim (create, or take over from an older generation) writes the new generation's facts as
 *   `pending`, and — a take — seals the previous generation into `history` with its Drive file and the
 *   revision that holds it (the claim's Drive probe already reads the file's `headRevisionId`; a resumable
 *   upload's completion write records it too). A generation that never landed is not sealed.
 * - a `deleted` event appends a tombstone (the event's time) with one compare-and-swap write.
 * The record is one object's custom metadata, and Cloud Storage allows 8 KiB of custom metadata per
 * object in all and 4 KiB per value (https://cloud.google.com/storage/quotas; the JSON API's
 * ServiceConstants: MAX_CUSTOM_METADATA_FIELD_VALUE_BYTES). So a record stays under `RECORD_BUDGET_BYTES`:
 * when the history outgrows it, the oldest entries (and, for a generation whose own facts are too large —
 * 8 KiB of custom metadata — those facts) move to an immutable object beside the record, named by the hash
 * of its content and created (`ifGenerationMatch: 0`) just before the record write that drops them. Such
 * a write happens once per few generations of one object, never on a small object's first backup, and
 * each spill object's name is written once, so Cloud Storage's 1 write/s per object name is never
 * approached: the record itself is written no more often than before, plus once per deletion. A spill
 * whose record write then loses a race is harmless: readers merge entries by generation.
 */
import { createHash } from 'node:crypto';
import { compareGenerations, type GenerationFacts } from '../core/object-ref.js';

/** A generation landed in Drive; a stub (no timeCreated) when its facts were moved to a spill object. */
export interface RecordedGeneration extends Partial<GenerationFacts> {
  generation: string;
  driveFileId?: string;
  /** Absent: the file's head revision when it was recorded was not known. */
  driveRevisionId?: string;
}

/** A `deleted` event for the object's live generation. */
export interface RecordedDeletion {
  deletedAt: string;
  generation?: string;
}

export type HistoryEntry = RecordedGeneration | RecordedDeletion;

export const isDeletion = (entry: HistoryEntry): entry is RecordedDeletion => 'deletedAt' in entry;

/** The object a record is about. A name JSON would escape (control characters, quotes) is kept in base64. */
export interface RecordedSource {
  bucket: string;
  name?: string;
  name64?: string;
}

/** The history-bearing fields of a claim record. */
export interface HistoryFields {
  source?: RecordedSource;
  /** Generations before the record's `generation` that landed, and deletions, oldest first. */
  history?: HistoryEntry[];
  /** The facts of the record's `generation`, written by the claim. */
  pending?: GenerationFacts;
  /** The facts of the record's `generation` are in a spill object (they did not fit the record). */
  pendingMoved?: true;
  /** The Drive revision holding the record's `generation`, once an upload's reply said it. */
  revisionId?: string;
}

/** What sealing needs of a record besides its history fields. */
export interface CurrentGeneration extends HistoryFields {
  generation: string;
  fileId: string;
  status: 'uploading' | 'done';
}

/** What a Drive probe of the record's file told. */
export type FileSeen = 'absent' | { generation?: string; headRevisionId?: string };

/**
 * A record's JSON is fitted to this many bytes when its history grows: one custom-metadata value may hold
 * 4 KiB, and 1 KB stays free for what an owner writes later (a resumable session's URI).
 */
export const RECORD_BUDGET_BYTES = 3000;

/** A name JSON keeps as is; one it would escape (up to 6 bytes a character) goes in base64 instead. */
export function recordedSource(bucket: string, name: string): RecordedSource {
  const escaped = JSON.stringify(name).length !== name.length + 2;
  return escaped ? { bucket, name64: Buffer.from(name, 'utf8').toString('base64') } : { bucket, name };
}

export function sourceName(source: RecordedSource): string | undefined {
  if (source.name !== undefined) return source.name;
  return source.name64 === undefined ? undefined : Buffer.from(source.name64, 'base64').toString('utf8');
}

/**
 * The record's current generation as a history entry, when it landed: the record says done, or the probe
 * found the file holding it. Undefined for one that never landed, or a record written before histories.
 */
export function sealCurrent(record: CurrentGeneration, seen: FileSeen | undefined): RecordedGeneration | undefined {
  if (record.pending === undefined && record.pendingMoved !== true) return undefined;
  const held = seen !== undefined && seen !== 'absent' && seen.generation === record.generation ? seen : undefined;
  if (record.status !== 'done' && held === undefined) return undefined;
  const revision = record.revisionId ?? held?.headRevisionId;
  return {
    ...(record.pending ?? { generation: record.generation }),
    driveFileId: record.fileId,
    ...(revision !== undefined ? { driveRevisionId: revision } : {}),
  };
}

/** The history fields after a take-over by a newer generation: the current one sealed, the new one pending. */
export function advanceHistory(record: CurrentGeneration, next: GenerationFacts | undefined, seen: FileSeen | undefined): HistoryFields {
  // The same generation again (its backup lost in Drive, uploaded anew): it stays the current one.
  const sealed = next?.generation === record.generation ? undefined : sealCurrent(record, seen);
  const history = [...(record.history ?? []), ...(sealed ? [sealed] : [])];
  return {
    ...(record.source ? { source: record.source } : {}),
    ...(history.length > 0 ? { history } : {}),
    ...(next ? { pending: next } : {}),
  };
}

/** The history fields with a deletion appended (once: a redelivered event adds nothing). */
export function withDeletion<T extends HistoryFields>(record: T, deletion: RecordedDeletion): T {
  const same = (e: HistoryEntry) => isDeletion(e) && e.deletedAt === deletion.deletedAt && e.generation === deletion.generation;
  if (record.history?.some(same)) return record;
  return { ...record, history: [...(record.history ?? []), deletion] };
}

/** Bytes of a record as the state store writes it. */
export const recordBytes = (record: unknown): number => Buffer.byteLength(JSON.stringify(record), 'utf8');

/**
 * A record that fits `budget`: the oldest history entries moved out first, then (when one generation's
 * facts alone are too large) the pending facts. `moved` is what must be in a spill object before the
 * record is written; undefined when everything fits.
 */
export function fitRecord<T extends HistoryFields>(record: T, budget = RECORD_BUDGET_BYTES): { record: T; moved?: HistoryEntry[] } {
  if (recordBytes(record) <= budget) return { record };
  const history = [...(record.history ?? [])];
  const moved: HistoryEntry[] = [];
  let fitted: T = record;
  while (recordBytes(fitted) > budget && history.length > 0) {
    moved.push(history.shift() as HistoryEntry);
    fitted = withHistory(record, history);
  }
  if (recordBytes(fitted) > budget && fitted.pending !== undefined) {
    moved.push(fitted.pending);
    const { pending: _pending, ...rest } = fitted;
    fitted = { ...rest, pendingMoved: true } as T;
  }
  return { record: fitted, moved: moved.length > 0 ? moved : undefined };
}

function withHistory<T extends HistoryFields>(record: T, history: HistoryEntry[]): T {
  const { history: _history, ...rest } = record;
  return (history.length > 0 ? { ...rest, history } : rest) as T;
}

/** The content of a spill object: the entries, and whose they are (a spill outlives a lost record). */
export interface SpilledHistory {
  source?: RecordedSource;
  entries: HistoryEntry[];
}

/** The spill object's key beside the record `key`, named by its content so that a retried create is a no-op. */
export function spillKey(key: string, text: string): string {
  return `${key}${SPILL_INFIX}${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32)}`;
}

export const SPILL_INFIX = '.history/';

/**
 * Every entry once, oldest first: generations merged field by field (a stub in a record completes the facts
 * a spill holds), deletions by time. Generations without their facts or Drive file are left out.
 */
export function mergeEntries(entries: Iterable<HistoryEntry>): HistoryEntry[] {
  const generations = new Map<string, RecordedGeneration>();
  const deletions = new Map<string, RecordedDeletion>();
  for (const entry of entries) {
    if (isDeletion(entry)) deletions.set(`${entry.deletedAt}#${entry.generation ?? ''}`, entry);
    else generations.set(entry.generation, { ...generations.get(entry.generation), ...defined(entry), generation: entry.generation });
  }
  const complete = [...generations.values()].filter(
    (g) => g.timeCreated !== undefined && g.size !== undefined && g.driveFileId !== undefined,
  );
  complete.sort((a, b) => compareGenerations(a.generation, b.generation));
  const gone = [...deletions.values()].sort((a, b) => (a.deletedAt < b.deletedAt ? -1 : a.deletedAt > b.deletedAt ? 1 : 0));
  return [...complete, ...gone];
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
