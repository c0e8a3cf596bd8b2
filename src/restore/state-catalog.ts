/**
 * The catalog from the state bucket (the fast path): one paged listing of the object records, whose
 * history (src/state/history.ts) comes with the listing itself — no read per object — plus one download
 * per spill object, only for objects whose history outgrew their record. Records are named by a hash of
 * bucket/name, so all of one object's records and spills are next to each other in the listing: entries
 * stream out one object at a time.
 *
 * The newest generation of a record is its pending one: a small object's upload writes nothing after it
 * lands (no extra write on the happy path), so the state bucket alone cannot tell it landed; the restore
 * checks the bytes against Drive's MD5 and the recorded one before it counts. Records written before
 * histories were kept hold no facts: they are counted in `unrecorded` and left to the Drive catalog.
 */
import type { CallScope } from '../core/gateway.js';
import { sourceKey } from '../drive/object-path.js';
import type { ObjectRecord } from '../backup/claim/plan.js';
import {
  isDeletion,
  mergeEntries,
  sourceName,
  SPILL_INFIX,
  type HistoryEntry,
  type RecordedSource,
  type SpilledHistory,
} from '../state/history.js';
import type { ListedKey, StateStore } from '../state/store.js';
import type { Catalog, CatalogEntry } from './catalog.js';

const RECORDS = 'objects/';
/** How many files without a history are kept to be named. */
const UNRECORDED_FILES = 100;
/** `objects/<40 hex>`: the part of a record's or spill's key shared by everything of one object. */
const OBJECT_ID = /^objects\/([0-9a-f]{40})/;

export interface StateCatalogOptions {
  store: StateStore;
  /** The source bucket the backups came from. */
  bucket: string;
  scope?: CallScope;
  /** Only this object's records (one short listing): a restore task's one object. */
  objectName?: string;
}

export class StateCatalog implements Catalog {
  /** Records seen without a history (backed up before histories were kept). */
  unrecorded = 0;
  /** The Drive files of the first of those records (src/restore/unrecorded.ts names them). */
  readonly unrecordedFiles: string[] = [];

  constructor(private readonly options: StateCatalogOptions) {}

  async *entries(prefix: string): AsyncIterable<CatalogEntry[]> {
    let group: ListedKey[] = [];
    let groupId: string | undefined;
    const { objectName } = this.options;
    const keys = objectName === undefined ? RECORDS : `${RECORDS}${sourceKey(this.options.bucket, objectName)}`;
    for await (const page of this.options.store.list(keys, this.options.scope)) {
      for (const item of page) {
        const id = OBJECT_ID.exec(item.key)?.[1];
        if (id === undefined) continue;
        if (id !== groupId && group.length > 0) {
          const entries = await this.entriesOf(group, prefix);
          if (entries.length > 0) yield entries;
          group = [];
        }
        groupId = id;
        group.push(item);
      }
    }
    if (group.length > 0) {
      const entries = await this.entriesOf(group, prefix);
      if (entries.length > 0) yield entries;
    }
  }

  /** One object's entries, from its records and (when its name is wanted) its spill objects. */
  private async entriesOf(group: readonly ListedKey[], prefix: string): Promise<CatalogEntry[]> {
    const records = group.flatMap((item) => {
      const record = item.raw !== undefined && !item.key.includes(SPILL_INFIX) ? parse<ObjectRecord>(item.raw) : undefined;
      return record ? [record] : [];
    });
    const spillKeys = group.filter((item) => item.key.includes(SPILL_INFIX)).map((item) => item.key);
    const known = records.find((r) => r.source)?.source;
    if (known === undefined && spillKeys.length === 0) {
      this.unrecorded += records.length;
      for (const r of records) if (this.unrecordedFiles.length < UNRECORDED_FILES && r.fileId) this.unrecordedFiles.push(r.fileId);
      return [];
    }
    if (known !== undefined && !this.wanted(known, prefix)) return [];
    const spills: SpilledHistory[] = [];
    for (const key of spillKeys) {
      const text = await this.options.store.readText(key, this.options.scope);
      const spilled = text === undefined ? undefined : parse<SpilledHistory>(text);
      if (spilled) spills.push(spilled);
    }
    this.unrecorded += records.filter((r) => r.pending === undefined && r.pendingMoved !== true).length;
    const { source, entries } = catalogEntries(records, spills);
    return source !== undefined && this.wanted(source, prefix) ? entries : [];
  }

  private wanted(source: RecordedSource, prefix: string): boolean {
    const name = sourceName(source);
    return source.bucket === this.options.bucket && name !== undefined && name.startsWith(prefix);
  }
}

/**
 * One object's catalog entries from its records (one, or one per generation with ON_NEW_GENERATION=copy)
 * and its spill objects: each record's history, then its own generation with the Drive file it holds now
 * (last, so that it wins a merge), merged by generation. Pure.
 */
export function catalogEntries(
  records: readonly ObjectRecord[],
  spills: readonly SpilledHistory[],
): { source?: RecordedSource; entries: CatalogEntry[] } {
  const source = records.find((r) => r.source)?.source ?? spills.find((s) => s.source)?.source;
  const name = source === undefined ? undefined : sourceName(source);
  if (source === undefined || name === undefined) return { entries: [] };
  const history: HistoryEntry[] = spills.flatMap((spill) => spill.entries);
  for (const record of records) {
    history.push(...(record.history ?? []));
    if (record.pending === undefined && record.pendingMoved !== true) continue;
    history.push({
      ...(record.pending ?? {}),
      generation: record.generation,
      driveFileId: record.fileId,
      ...(record.revisionId !== undefined ? { driveRevisionId: record.revisionId } : {}),
    });
  }
  const bucket = source.bucket;
  const entries = mergeEntries(history).map((entry): CatalogEntry => {
    if (isDeletion(entry)) return { kind: 'tombstone', value: { bucket, name, ...entry } };
    const { generation, timeCreated, size, driveFileId, ...rest } = entry;
    // mergeEntries keeps only generations with these three.
    return {
      kind: 'generation',
      value: { bucket, name, generation, timeCreated: timeCreated ?? '', size: size ?? '0', ...rest, driveFileId: driveFileId ?? '' },
    };
  });
  return { source, entries };
}

function parse<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
