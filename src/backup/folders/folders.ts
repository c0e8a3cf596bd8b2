/**
 * One Drive folder per object path prefix, always — even with concurrent instances and Drive's list lag —
 * and a way past Drive's folder limits.
 *
 * Listing Drive to see whether `a/b` exists races: two instances both miss it and both create it. Instead
 * every folder path has a record in the state bucket holding the folder's pre-generated Drive id, created
 * with "only if absent": the first writer wins and every instance then creates the folder WITH THAT ID —
 * Drive answers 409 to all but one create, so a twin cannot exist. Listing is used only to adopt a folder
 * this tool made before its state was lost (it carries `gdb.folder` = the path key). Resolved ids are
 * cached per instance, so a warm instance resolves known folders with no request at all. Every Drive call
 * goes through the Drive gateway and every record through the state store, each retried where it is made;
 * a lookup shared by concurrent backups runs in the scope of the one that started it.
 *
 * Drive's limits (https://developers.google.com/workspace/drive/api/guides/limits):
 * - a full folder (500,000 items) is continued in overflow folders beside it, decided once in the path's
 *   record (chain.ts); the backup root's overflow goes beside the root, in its parent;
 * - a path deeper than Drive's 100 folder levels is folded into the file name (src/drive/object-path.ts).
 *   The levels left below the root are assumed to be 99 (a root at the top of My Drive, where `authorize`
 *   makes it); when Drive refuses a folder as too deep, the instance learns the real number and plans again;
 * - an id Drive refuses (generated for another Google account) is replaced in the record under its
 *   precondition, after the instance's pool of ids is emptied.
 */
import { createHash } from 'node:crypto';
import { driveLimitOf } from '../../core/drive-reasons.js';
import { httpStatusOf } from '../../core/error-shapes.js';
import type { CallScope } from '../../core/gateway.js';
import type { DriveGateway } from '../../drive/gateway.js';
import type { DriveIdPool } from '../../drive/id-pool.js';
import { DEFAULT_FOLDER_LEVELS, planObjectPath, type PlannedPath } from '../../drive/object-path.js';
import type { StateStore } from '../../state/store.js';
import { currentEntry, entryKey, entryName, extendChain, withCurrentEntry, type FolderRecord } from './chain.js';
import { FolderDrive } from './drive.js';
import { FolderTooDeepError, RootFolderError, RootFolderFullError } from './errors.js';

export { FOLDER_KEY_PROPERTY } from './drive.js';
export { RootFolderError, RootFolderFullError } from './errors.js';

/** Stable key of a folder path under a root: the record name and the `gdb.folder` appProperty. */
export function folderKey(rootId: string, path: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([rootId, ...path]))
    .digest('hex')
    .slice(0, 40);
}

/** An overflow folder started for a full one (for the instance's log line). */
export interface OverflowNotice {
  /** The path of the full folder below the root (empty: the root itself). */
  path: readonly string[];
  fullFolderId: string;
  folderId: string;
  folderName: string;
}

/** Where an object's file goes: its planned folders and file name, and the Drive folder to create it in. */
export interface Placement extends PlannedPath {
  parentId: string;
}

/** Rounds of record changes one lookup makes at most before giving up (contention, folders deleted meanwhile). */
const MAX_ROUNDS = 20;

export class FolderResolver {
  /** Folder key → id of the path's current folder (resolved) or the lookup in flight, shared by concurrent backups. */
  private readonly cache = new Map<string, string | Promise<string>>();
  private rootChecked?: Promise<void>;
  /** Folder levels below the root Drive accepts (learned when Drive refuses a folder as too deep). */
  private maxFolders = DEFAULT_FOLDER_LEVELS;
  private readonly remote: FolderDrive;

  constructor(
    private readonly deps: {
      drive: Pick<DriveGateway, 'call'>;
      store: Pick<StateStore, 'read' | 'create' | 'replace'>;
      ids: Pick<DriveIdPool, 'next' | 'discard'>;
      rootId: string;
      onOverflow?: (notice: OverflowNotice) => void;
    },
  ) {
    this.remote = new FolderDrive(deps.drive);
  }

  /** Where the file of `objectName` goes, creating the folders it needs; deep paths are folded to fit. */
  async place(objectName: string, scope?: CallScope): Promise<Placement> {
    for (;;) {
      const planned = planObjectPath(objectName, this.maxFolders);
      try {
        return { ...planned, parentId: await this.resolve(planned.folders, scope) };
      } catch (err) {
        if (!(err instanceof FolderTooDeepError) || err.level > this.maxFolders) throw err;
        this.maxFolders = err.level - 1;
      }
    }
  }

  /** The Drive id of the current folder for `folders` (e.g. ['a', 'b']) under the root, creating what is missing. */
  async resolve(folders: readonly string[], scope?: CallScope): Promise<string> {
    await this.checkRoot(scope);
    let parent = await (this.cache.get(folderKey(this.deps.rootId, [])) ?? this.deps.rootId);
    for (let depth = 1; depth <= folders.length; depth++) {
      const path = folders.slice(0, depth);
      const key = folderKey(this.deps.rootId, path);
      let entry = this.cache.get(key);
      if (entry === undefined) {
        entry = this.share(key, this.ensure(path, parent, scope));
      }
      parent = await entry;
    }
    return parent;
  }

  /**
   * The folder `fullId` of path `folders` holds Drive's maximum of items: the id of the folder continuing
   * it (created beside it if nobody did yet), which `resolve` answers from now on.
   */
  async overflow(folders: readonly string[], fullId: string, scope?: CallScope): Promise<string> {
    const key = folderKey(this.deps.rootId, folders);
    const recordKey = `folders/${key}`;
    const { store, ids } = this.deps;
    for (let round = 0; ; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`could not continue the full folder ${describePath(folders)} (too much contention)`);
      const record =
        (await store.read<FolderRecord>(recordKey, scope)) ??
        (folders.length === 0 ? await store.create<FolderRecord>(recordKey, { id: this.deps.rootId, created: true }, scope) : undefined);
      if (!record) {
        if (folders.length === 0) continue;
        break; // the path's record is gone (state reset): resolving creates it again
      }
      const newId = await ids.next(scope);
      const extended = extendChain(record.value, fullId, newId);
      if (!extended) break;
      if (!(await store.replace(recordKey, extended, record.version, scope))) continue;
      const name = entryName(folders.at(-1) ?? (await this.rootName(scope)), extended.overflow?.length ?? 0);
      this.deps.onOverflow?.({ path: folders, fullFolderId: fullId, folderId: newId, folderName: name });
      break;
    }
    this.cache.delete(key);
    if (folders.length > 0) return this.resolve(folders, scope);
    return this.share(key, this.ensureRootChain(scope));
  }

  /** Forgets what this instance knows of a path's folders (e.g. after Drive said a parent is gone). */
  forget(folders: readonly string[]): void {
    for (let depth = 1; depth <= folders.length; depth++) this.cache.delete(folderKey(this.deps.rootId, folders.slice(0, depth)));
  }

  /** Caches a lookup while it runs and its result once done; a failed lookup is forgotten. */
  private share(key: string, lookup: Promise<string>): Promise<string> {
    this.cache.set(key, lookup);
    lookup.then(
      (id) => this.cache.set(key, id),
      () => this.cache.delete(key),
    );
    return lookup;
  }

  /** Once per instance: is the root there and visible (drive.file sees only folders the app made)? */
  private checkRoot(scope?: CallScope): Promise<void> {
    this.rootChecked ??= (async () => {
      if (!(await this.remote.usable(this.deps.rootId, 'files.get (root folder)', scope))) {
        throw new RootFolderError(this.deps.rootId, new Error('the root folder is missing or in the trash'));
      }
    })();
    this.rootChecked.catch(() => {
      this.rootChecked = undefined;
    });
    return this.rootChecked;
  }

  /** The current folder of a path below the root, its record and Drive folder made if missing. */
  private async ensure(path: readonly string[], parentId: string, scope?: CallScope): Promise<string> {
    const { store, ids } = this.deps;
    const key = folderKey(this.deps.rootId, path);
    const recordKey = `folders/${key}`;
    for (let round = 0; ; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`could not resolve the folder ${describePath(path)} (too much contention)`);
      let record = await store.read<FolderRecord>(recordKey, scope);
      if (!record) {
        const id = (await this.remote.adopt(key, parentId, scope)) ?? (await ids.next(scope));
        record = (await store.create<FolderRecord>(recordKey, { id }, scope)) ?? (await store.read<FolderRecord>(recordKey, scope));
        if (!record) continue;
      }
      const { index, entry } = currentEntry(record.value);
      if (entry.created && !(await this.remote.usable(entry.id, 'files.get (folder)', scope))) {
        // Deleted or trashed in Drive by someone: a new folder (new id) replaces it, for every instance.
        await store.replace(recordKey, withCurrentEntry(record.value, { id: await ids.next(scope) }), record.version, scope);
        continue;
      }
      if (!entry.created) {
        if ((await this.createEntry(path, parentId, { id: entry.id, index, key }, scope)) === 'id-refused') {
          await store.replace(recordKey, withCurrentEntry(record.value, { id: await ids.next(scope) }), record.version, scope);
          continue;
        }
        await store.replace(recordKey, withCurrentEntry(record.value, { id: entry.id, created: true }), record.version, scope);
      }
      return entry.id;
    }
  }

  /**
   * Creates a chain's folder in `parentId`, the parent path's current folder: continues a full parent,
   * learns a depth Drive refuses, and empties the id pool when Drive refuses the id (another account's).
   */
  private async createEntry(
    path: readonly string[],
    parentId: string,
    entry: { id: string; index: number; key: string },
    scope?: CallScope,
  ): Promise<'created' | 'id-refused'> {
    const name = entryName(path.at(-1) as string, entry.index);
    for (let parent = parentId, round = 0; ; round++) {
      try {
        await this.remote.create({ id: entry.id, name, parentId: parent, key: entryKey(entry.key, entry.index) }, scope);
        return 'created';
      } catch (err) {
        const limit = driveLimitOf(err);
        if (limit === 'too-deep') throw new FolderTooDeepError(path.length, err);
        if (limit === 'id-refused') {
          this.deps.ids.discard();
          return 'id-refused';
        }
        if (limit !== 'folder-full' || round >= MAX_ROUNDS) throw err;
        parent = await this.overflow(path.slice(0, -1), parent, scope);
      }
    }
  }

  /** The root's current folder after an overflow: the last of its chain, created beside the root if needed. */
  private async ensureRootChain(scope?: CallScope): Promise<string> {
    const { store, ids, rootId } = this.deps;
    const recordKey = `folders/${folderKey(rootId, [])}`;
    for (let round = 0; ; round++) {
      if (round >= MAX_ROUNDS) throw new Error('could not continue the full backup root folder (too much contention)');
      const record = await store.read<FolderRecord>(recordKey, scope);
      if (!record) return rootId;
      const { index, entry } = currentEntry(record.value);
      if (entry.created) return entry.id;
      const { name, parentId } = await this.remote.rootPlace(rootId, scope);
      if (parentId === undefined) throw new RootFolderFullError(rootId, new Error('the root folder has no parent folder'));
      try {
        await this.remote.create(
          { id: entry.id, name: entryName(name, index), parentId, key: entryKey(folderKey(rootId, []), index) },
          scope,
        );
      } catch (err) {
        const limit = driveLimitOf(err);
        if (limit === 'id-refused') {
          ids.discard();
          await store.replace(recordKey, withCurrentEntry(record.value, { id: await ids.next(scope) }), record.version, scope);
          continue;
        }
        // The root's parent is not the app's (drive.file sees only what it created), or is full itself.
        const status = httpStatusOf(err);
        if (limit === 'folder-full' || status === 403 || status === 404) throw new RootFolderFullError(rootId, err);
        throw err;
      }
      await store.replace(recordKey, withCurrentEntry(record.value, { id: entry.id, created: true }), record.version, scope);
      return entry.id;
    }
  }

  private async rootName(scope?: CallScope): Promise<string> {
    return (await this.remote.rootPlace(this.deps.rootId, scope)).name;
  }
}

function describePath(path: readonly string[]): string {
  return path.length === 0 ? 'DRIVE_FOLDER_ID' : JSON.stringify(path.join('/'));
}
