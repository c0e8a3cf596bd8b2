/**
 * One Drive folder per object path prefix, always — even with concurrent instances and Drive's list lag.
 *
 * Listing Drive to see whether `a/b` exists races: two instances both miss it and both create it. Instead
 * every folder path has a record in the state bucket holding the folder's pre-generated Drive id, created
 * with "only if absent": the first writer wins and every instance then creates the folder WITH THAT ID —
 * Drive answers 409 to all but one create, so a twin cannot exist. Listing is used only to adopt a folder
 * this tool made before its state was lost (it carries `gdb.folder` = the path key). Resolved ids are
 * cached per instance, so a warm instance resolves known folders with no request at all. Every Drive call
 * goes through the Drive gateway and every record through the state store, each retried where it is made;
 * a lookup shared by concurrent backups runs in the scope of the one that started it.
 */
import { createHash } from 'node:crypto';
import { isConflict, isNotFound } from '../core/error-shapes.js';
import type { ClassifiedError, Failure } from '../core/failure.js';
import type { CallScope } from '../core/gateway.js';
import type { DriveGateway } from '../drive/gateway.js';
import type { DriveIdPool } from '../drive/id-pool.js';
import { byAppProperty, childFoldersOf, FOLDER_MIME_TYPE, q } from '../drive/query.js';
import type { StateStore } from '../state/store.js';

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

/** DRIVE_FOLDER_ID is missing, trashed or invisible to this app: only the operator can fix it. */
export class RootFolderError extends Error implements ClassifiedError {
  readonly failure: Failure;
  constructor(rootId: string, cause: unknown) {
    super(`the backup root folder DRIVE_FOLDER_ID=${rootId} cannot be used`, { cause });
    this.failure = {
      kind: 'operator',
      service: 'drive',
      reason: `Drive replied 404 for DRIVE_FOLDER_ID=${rootId} (not found, trashed, or not visible to this app)`,
      problemCode: 'drive-root-missing',
      action:
        'DRIVE_FOLDER_ID names a folder not found or not visible to this app; with the drive.file scope the app sees only folders it created: run authorize to create the folder',
    };
  }
}

export class FolderResolver {
  /** Folder key → id (resolved) or the lookup in flight, so concurrent backups share one lookup. */
  private readonly cache = new Map<string, string | Promise<string>>();
  private rootChecked?: Promise<void>;

  constructor(
    private readonly deps: {
      drive: DriveGateway;
      store: StateStore;
      ids: DriveIdPool;
      rootId: string;
    },
  ) {}

  /** The Drive id of the folder for `folders` (e.g. ['a', 'b']) under the root, creating what is missing. */
  async resolve(folders: readonly string[], scope?: CallScope): Promise<string> {
    await this.checkRoot(scope);
    let parent = this.deps.rootId;
    for (let depth = 1; depth <= folders.length; depth++) {
      const path = folders.slice(0, depth);
      const key = folderKey(this.deps.rootId, path);
      let entry = this.cache.get(key);
      if (entry === undefined) {
        const lookup = this.ensure(key, path[depth - 1], parent, scope);
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
  private checkRoot(scope?: CallScope): Promise<void> {
    this.rootChecked ??= (async () => {
      if (!(await this.usable(this.deps.rootId, 'files.get (root folder)', scope))) {
        throw new RootFolderError(this.deps.rootId, new Error('the root folder is missing or in the trash'));
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

  private async ensure(key: string, name: string, parentId: string, scope?: CallScope): Promise<string> {
    const { store, ids } = this.deps;
    const recordKey = `folders/${key}`;
    for (;;) {
      let record = await store.read<FolderRecord>(recordKey, scope);
      if (!record) {
        const id = (await this.adopt(key, parentId, scope)) ?? (await ids.next(scope));
        record = (await store.create<FolderRecord>(recordKey, { id }, scope)) ?? (await store.read<FolderRecord>(recordKey, scope));
        if (!record) continue;
      }
      if (record.value.created && !(await this.usable(record.value.id, 'files.get (folder)', scope))) {
        // Deleted or trashed in Drive by someone: a new folder (new id) replaces it, for every instance.
        await store.replace(recordKey, { id: await ids.next(scope) }, record.version, scope);
        continue;
      }
      if (!record.value.created) {
        await this.createFolder(record.value.id, name, parentId, key, scope);
        await store.replace(recordKey, { id: record.value.id, created: true }, record.version, scope);
      }
      return record.value.id;
    }
  }

  /** The folder is there and not in the trash (checked once per instance, when it is first needed). */
  private usable(id: string, what: string, scope?: CallScope): Promise<boolean> {
    return this.deps.drive.call(
      what,
      async ({ api }) => {
        try {
          const res = await api.files.get({ fileId: id, fields: 'id,trashed', supportsAllDrives: true });
          return res.data.trashed !== true;
        } catch (err) {
          if (isNotFound(err)) return false;
          throw err;
        }
      },
      scope,
    );
  }

  private adopt(key: string, parentId: string, scope?: CallScope): Promise<string | undefined> {
    return this.deps.drive.call(
      'files.list (folder to adopt)',
      async ({ api }) => {
        const res = await api.files.list({
          q: q.and(childFoldersOf(parentId), byAppProperty(FOLDER_KEY_PROPERTY, key)),
          fields: 'files(id)',
          pageSize: 10,
          supportsAllDrives: true,
          includeItemsFromAllDrives: true,
        });
        return res.data.files?.[0]?.id ?? undefined;
      },
      scope,
    );
  }

  private createFolder(id: string, name: string, parentId: string, key: string, scope?: CallScope): Promise<void> {
    return this.deps.drive.call(
      'files.create (folder)',
      async ({ api }) => {
        try {
          await api.files.create({
            requestBody: { id, name, mimeType: FOLDER_MIME_TYPE, parents: [parentId], appProperties: { [FOLDER_KEY_PROPERTY]: key } },
            fields: 'id',
            supportsAllDrives: true,
          });
        } catch (err) {
          if (!isConflict(err)) throw err; // 409: another instance (or our own lost reply) created it with this very id
        }
      },
      scope,
    );
  }
}
