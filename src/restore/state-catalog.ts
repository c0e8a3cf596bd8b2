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
import type { ObjectRecord } from '../backup/05-claim-plan.js';
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
/** `objects/<40 hex>`: the part of a record's or spill's key shared by everything of one object. */
const OBJECT_ID = /^objects\/([0-9a-f]{40})/;

export interface StateCatalogOptions {
  store: StateStore;
  /** The source bucket the backups came from. */
  bucket: string;
  scope?: CallScope;
}

export class StateCatalog implements Catalog {
  /** Records seen without a history (backed up before histories were kept). */
  unrecorded = 0;

  constructor(private readonly options: StateCatalogOptions) {}

  async *entries(prefix: string): AsyncIterable<CatalogEntry[]> {
    let group: ListedKey[] = [];
    let groupId: string | undefined;
    for await (const page of this.options.store.list(RECORDS, this.options.scope)) {
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
    const records = group.flatMap((item) =>
      item.raw !== undefined && !item.key.includes(SPILL_INFIX) ? [parse<ObjectRecord>(item.raw)] : [],
    );
    const spills = group.filter((item) => item.key.includes(SPILL_INFIX));
    let source: RecordedSource | undefined = records.find((r) => r?.source)?.source;
    const history: HistoryEntry[] = [];
    if (source === undefined && spills.length === 0) {
      this.unrecorded += records.length;
      return [];
    }
    if (source !== undefined && !this.wanted(source, prefix)) return [];
    for (const spill of spills) {
      const text = await this.options.store.readText(spill.key, this.options.scope);
      const spilled = text === undefined ? undefined : parse<SpilledHistory>(text);
      if (!spilled) continue;
      source ??= spilled.source;
      history.push(...spilled.entries);
    }
    if (source === undefined || !this.wanted(source, prefix)) return [];
    for (const record of records) {
      if (!record) continue;
      history.push(...(record.history ?? []));
      // The record's own generation last: its Drive file is the one the record holds now.
      if (record.pending !== undefined || record.pendingMoved === true) {
        history.push({
          ...(record.pending ?? {}),
          generation: record.generation,
          driveFileId: record.fileId,
          ...(record.revisionId !== undefined ? { driveRevisionId: record.revisionId } : {}),
        });
      } else this.unrecorded += 1;
    }
    const bucket = source.bucket;
    const name = sourceName(source) as string;
    return mergeEntries(history).map((entry): CatalogEntry => {
      if (isDeletion(entry)) return { kind: 'tombstone', value: { bucket, name, ...entry } };
      const { generation, timeCreated, size, driveFileId, ...rest } = entry;
      return {
        kind: 'generation',
        value: { bucket, name, generation, timeCreated: timeCreated ?? '', size: size ?? '0', ...rest, driveFileId: driveFileId ?? '' },
      };
    });
  }

  private wanted(source: RecordedSource, prefix: string): boolean {
    const name = sourceName(source);
    return source.bucket === this.options.bucket && name !== undefined && name.startsWith(prefix);
  }
}

function parse<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
