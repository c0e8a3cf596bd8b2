/**
 * One Drive folder per object path prefix, always — even with concurrent instances and Drive's list lag.
 *
 * Listing Drive to see whether `a/b` exists races: two instances both miss it and both create it. Instead
 * every folder path has a record in the state bucket holding the folder's pre-generated Drive id, created
 * with "only if absent": the first writer wins and every instance then creates the folder WITH THAT ID —
 * Drive answers 409 to all but one create, so a twin cannot exist. Listing is used only to adopt a folder
 * this tool made before its state was lost (it carries `gdb.folder` = the path key). Resolved ids are
 * cached per instance, so a warm instance resolves known folders with no request at all.
 */
import { createHash } from 'node:crypto';
import type { drive_v3 } from '@googleapis/drive';
import { classifyFailure, isConflict, isNotFound, type ClassifiedError, type Failure } from '../errors.js';
import type { StateStore } from '../state/store.js';
import type { DriveIdPool } from './id-pool.js';
import { byAppProperty, childFoldersOf, FOLDER_MIME_TYPE, q } from './query.js';

export const FOLDER_KEY_PROPERTY = 'gdb.folder';

interface FolderRecord {
  id: string;
  created?: boolean;
}

/** Stable key of a folder path under a root: the record name and the `gdb.folder` appProperty. */
export function folderKey(rootId: string, path: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([rootId, ...path]))
    .digest('hex')
    .slice(0, 40);
}

/** DRIVE_FOLDER_ID is missing or invisible to this app: only the operator can fix it. */
export class RootFolderError extends Error implements ClassifiedError {
  readonly failure: Failure;
  constructor(rootId: string, cause: unknown) {
    super(`the backup root folder DRIVE_FOLDER_ID=${rootId} cannot be used`, { cause });
    this.failure = classifyFailure(cause, 'drive-root');
  }
}

export class FolderResolver {
  /** Folder key → id (resolved) or the lookup in flight, so concurrent backups share one lookup. */
  private readonly cache = new Map<string, string | Promise<string>>();
  private rootChecked?: Promise<void>;

  constructor(
    private readonly deps: {
      drive: () => Promise<drive_v3.Drive>;
      store: StateStore;
      ids: DriveIdPool;
      rootId: string;
    },
  ) {}

  /** The Drive id of the folder for `folders` (e.g. ['a', 'b']) under the root, creating what is missing. */
  async resolve(folders: readonly string[]): Promise<string> {
    await this.checkRoot();
    let parent = this.deps.rootId;
    for (let depth = 1; depth <= folders.length; depth++) {
      const path = folders.slice(0, depth);
      const key = folderKey(this.deps.rootId, path);
      let entry = this.cache.get(key);
      if (entry === undefined) {
        const lookup = this.ensure(key, path[depth - 1] as string, parent);
        this.cache.set(key, lookup);
        lookup.then(
          (id) => this.cache.set(key, id),
          () => this.cache.delete(key),
        );
        entry = lookup;
      }
      parent = await entry;
    }
    return parent;
  }

  /** Once per instance: is the root there and visible (drive.file sees only folders the app made)? */
  private checkRoot(): Promise<void> {
    this.rootChecked ??= (async () => {
      const drive = await this.deps.drive();
      try {
        const res = await drive.files.get({ fileId: this.deps.rootId, fields: 'id,trashed', supportsAllDrives: true });
        if (res.data.trashed) throw Object.assign(new Error('the root folder is in the trash'), { code: 404 });
      } catch (err) {
        throw isNotFound(err) ? new RootFolderError(this.deps.rootId, err) : err;
      }
    })();
    this.rootChecked.catch(() => {
      this.rootChecked = undefined;
    });
    return this.rootChecked;
  }

  /** Forgets what this instance knows of a path's folders (e.g. after Drive said a parent is gone). */
  forget(folders: readonly string[]): void {
    for (let depth = 1; depth <= folders.length; depth++) this.cache.delete(folderKey(this.deps.rootId, folders.slice(0, depth)));
  }

  private async ensure(key: string, name: string, parentId: string): Promise<string> {
    const recordKey = `folders/${key}`;
    for (;;) {
      let record = await this.deps.store.read<FolderRecord>(recordKey);
      if (!record) {
        const id = (await this.adopt(key, parentId)) ?? (await this.deps.ids.next());
        record = (await this.deps.store.create<FolderRecord>(recordKey, { id })) ?? (await this.deps.store.read<FolderRecord>(recordKey));
        if (!record) continue;
      }
      if (record.value.created && !(await this.usable(record.value.id))) {
        // Deleted or trashed in Drive by someone: a new folder (new id) replaces it, for every instance.
        await this.deps.store.replace(recordKey, { id: await this.deps.ids.next() }, record.version);
        continue;
      }
      if (!record.value.created) {
        await this.createFolder(record.value.id, name, parentId, key);
        await this.deps.store.replace(recordKey, { id: record.value.id, created: true }, record.version);
      }
      return record.value.id;
    }
  }

  /** The folder is there and not in the trash (checked once per instance, when it is first needed). */
  private async usable(id: string): Promise<boolean> {
    const drive = await this.deps.drive();
    try {
      const res = await drive.files.get({ fileId: id, fields: 'id,trashed', supportsAllDrives: true });
      return res.data.trashed !== true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  private async adopt(key: string, parentId: string): Promise<string | undefined> {
    const drive = await this.deps.drive();
    const res = await drive.files.list({
      q: q.and(childFoldersOf(parentId), byAppProperty(FOLDER_KEY_PROPERTY, key)),
      fields: 'files(id)',
      pageSize: 10,
      supportsAllDrives: true,
      includeItemsFromAllDrives: true,
    });
    return res.data.files?.[0]?.id ?? undefined;
  }

  private async createFolder(id: string, name: string, parentId: string, key: string): Promise<void> {
    const drive = await this.deps.drive();
    try {
      await drive.files.create({
        requestBody: { id, name, mimeType: FOLDER_MIME_TYPE, parents: [parentId], appProperties: { [FOLDER_KEY_PROPERTY]: key } },
        fields: 'id',
        supportsAllDrives: true,
      });
    } catch (err) {
      if (!isConflict(err)) throw err; // 409: another instance created it with this very id
    }
  }
}
