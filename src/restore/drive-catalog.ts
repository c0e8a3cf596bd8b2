/**
 * The catalog from Drive alone, for when the state bucket (or the whole project) is gone: ONE paged query
 * of the backup's files (every file tagged `gdb.bucket = B`, trashed ones too: a trashed backup is a
 * deleted object's), asking for what src/drive/source-facts.ts reads back, in pages of 1000; and, only when
 * older generations are asked for, one `revisions.list` per file, mapping each revision named by its
 * `originalFilename` to its generation.
 *
 * What each entry holds:
 * - the newest generation of each file: its exact name and metadata from appProperties (and the
 *   description's second line); a file backed up before the facts were all recorded gives what it has
 *   (`older-format`: timeCreated is the file's modifiedTime, headers and custom metadata unknown);
 * - an older generation: its name, generation, timeCreated (the revision's modifiedTime), size, MD5 and
 *   Drive's MIME type of it as contentType; its headers and custom metadata are not in Drive;
 * - a tombstone where the file says its object was deleted (`gdb.deletedAt`), or a trashed file that
 *   does not say when (DELETE_MODE=trash before tombstones were recorded: its `trashedTime`, or failing
 *   that its modifiedTime) unless a live file of the same object exists (then it was trashed in Drive and
 *   backed up again by reconcile).
 * A bucket whose name does not fit an appProperty (dotted names over 114 bytes) cannot be listed this way.
 * Entries are grouped per object after the listing (Drive lists in no useful order), so the catalog holds
 * every matching file's facts in memory until the listing ends: `prefix` narrows it.
 */
import type { ClassifiedError, Failure } from '../core/failure.js';
import type { Retry } from '../core/gateway.js';
import type { drive_v3 } from '@googleapis/drive';
import type { DriveClient } from '../drive/gateway.js';
import { APP_PROPERTY } from '../drive/object-path.js';
import { listBackupFiles, type BackupCorpus } from '../drive/list-backups.js';
import { byAppProperty } from '../drive/query.js';
import { generationOfOriginalFilename, readDriveFacts, type ReadFacts } from '../drive/source-facts.js';
import type { BackedUpGeneration, Catalog, CatalogEntry } from './catalog.js';

export const DRIVE_CATALOG_PAGE_SIZE = 1000;

const FILE_FIELDS = 'id,trashed,trashedTime,modifiedTime,size,mimeType,description,appProperties,headRevisionId';
const REVISION_FIELDS = 'nextPageToken,revisions(id,modifiedTime,originalFilename,md5Checksum,size,mimeType)';

/** The corpus holding the backups: the user's own files, or the shared drive of the backup root. */
export type CatalogCorpus = BackupCorpus;

/** A file whose facts may not be the object's exactly, or that could not be read: for the restore's report. */
export interface DriveCatalogProblem {
  driveFileId: string;
  name?: string;
  problem: 'older-format' | 'description-changed';
}

export interface DriveCatalogOptions {
  /** The Drive gateway, bound to the run's scope. */
  drive: Retry<DriveClient>;
  /** The source bucket the backups came from. */
  bucket: string;
  corpus: CatalogCorpus;
  /** Also list each file's revisions to give back older generations (one revisions.list per file). */
  olderGenerations?: boolean;
  onProblem?: (problem: DriveCatalogProblem) => void;
}

/** Drive answered a listing with `incompleteSearch: true`: retried, never acted on. */
export class IncompleteCatalogListingError extends Error implements ClassifiedError {
  readonly failure: Failure;
  constructor() {
    super('Drive answered the backups listing with incompleteSearch: true');
    this.failure = { kind: 'transient', service: 'drive', reason: this.message };
  }
}

interface FileFacts extends ReadFacts {
  id: string;
  headRevisionId?: string;
  trashed: boolean;
  trashedTime?: string;
  modifiedTime?: string;
}

export class DriveCatalog implements Catalog {
  constructor(private readonly options: DriveCatalogOptions) {}

  async *entries(prefix: string): AsyncIterable<CatalogEntry[]> {
    const byKey = new Map<string, FileFacts[]>();
    for await (const file of this.files()) {
      const read = readDriveFacts(file);
      if (read === undefined || read.bucket !== this.options.bucket || !read.name.startsWith(prefix) || !file.id) continue;
      if (read.problem) this.options.onProblem?.({ driveFileId: file.id, name: read.name, problem: read.problem });
      const key = file.appProperties?.[APP_PROPERTY.key] ?? read.name;
      const facts: FileFacts = {
        ...read,
        id: file.id,
        trashed: file.trashed === true,
        ...(file.headRevisionId ? { headRevisionId: file.headRevisionId } : {}),
        ...(file.trashedTime ? { trashedTime: file.trashedTime } : {}),
        ...(file.modifiedTime ? { modifiedTime: file.modifiedTime } : {}),
      };
      byKey.set(key, [...(byKey.get(key) ?? []), facts]);
    }
    for (const files of byKey.values()) {
      // A file in the trash beside a live one was trashed in Drive, not by a deletion: reconcile backed the
      // object up again. Live files first, so a generation both hold is the live file's.
      const live = files.some((f) => !f.trashed);
      const seen = new Set<string>();
      const entries: CatalogEntry[] = [];
      for (const file of [...files].sort((a, b) => Number(a.trashed) - Number(b.trashed))) {
        for (const entry of await this.entriesOf(file, !live)) {
          const id =
            entry.kind === 'generation' ? `g${entry.value.generation}` : `t${entry.value.deletedAt}#${entry.value.generation ?? ''}`;
          if (seen.has(id)) continue;
          seen.add(id);
          entries.push(entry);
        }
      }
      if (entries.length > 0) yield entries;
    }
  }

  /**
   * The head generation, its tombstone, and (when asked) the older revisions mapped to generations. With
   * `trashMeansDeleted`, a trashed file that does not say when its object was deleted counts as deleted.
   */
  private async entriesOf(file: FileFacts, trashMeansDeleted: boolean): Promise<CatalogEntry[]> {
    const { bucket, name } = file;
    const head: BackedUpGeneration = {
      bucket,
      name,
      ...file.facts,
      driveFileId: file.id,
      ...(file.headRevisionId ? { driveRevisionId: file.headRevisionId } : {}),
    };
    const entries: CatalogEntry[] = [{ kind: 'generation', value: head }];
    const deletedAt = file.deletedAt ?? (file.trashed && trashMeansDeleted ? (file.trashedTime ?? file.modifiedTime) : undefined);
    if (deletedAt !== undefined) entries.push({ kind: 'tombstone', value: { bucket, name, generation: file.facts.generation, deletedAt } });
    if (this.options.olderGenerations) {
      for (const revision of await this.revisions(file.id)) {
        const generation = generationOfOriginalFilename(revision.originalFilename);
        if (generation === undefined || generation === head.generation || revision.id === file.headRevisionId || !revision.id) continue;
        entries.push({ kind: 'generation', value: olderGeneration(file, generation, revision) });
      }
    }
    return entries;
  }

  private async *files(): AsyncGenerator<drive_v3.Schema$File> {
    const { corpus, drive } = this.options;
    yield* listBackupFiles(drive, {
      what: 'list Drive backups (catalog)',
      query: byAppProperty(APP_PROPERTY.bucket, this.options.bucket),
      fileFields: FILE_FIELDS,
      pageSize: DRIVE_CATALOG_PAGE_SIZE,
      corpus,
      incomplete: () => new IncompleteCatalogListingError(),
    });
  }

  private async revisions(fileId: string): Promise<drive_v3.Schema$Revision[]> {
    const out: drive_v3.Schema$Revision[] = [];
    let pageToken: string | undefined;
    do {
      const res = await this.options.drive('revisions.list (catalog)', ({ api }) =>
        api.revisions.list({ fileId, pageSize: 1000, fields: REVISION_FIELDS, ...(pageToken !== undefined ? { pageToken } : {}) }),
      );
      out.push(...(res.data.revisions ?? []));
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
    return out;
  }
}

/** An older revision as a generation: what Drive keeps of it (no headers, no custom metadata). */
export function olderGeneration(
  file: Pick<FileFacts, 'bucket' | 'name' | 'id'>,
  generation: string,
  revision: drive_v3.Schema$Revision,
): BackedUpGeneration {
  return {
    bucket: file.bucket,
    name: file.name,
    generation,
    timeCreated: revision.modifiedTime ?? '',
    size: revision.size ?? '0',
    ...(revision.md5Checksum ? { md5Hash: Buffer.from(revision.md5Checksum, 'hex').toString('base64') } : {}),
    ...(revision.mimeType ? { contentType: revision.mimeType } : {}),
    driveFileId: file.id,
    ...(revision.id ? { driveRevisionId: revision.id } : {}),
  };
}
