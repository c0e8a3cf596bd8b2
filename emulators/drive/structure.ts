/**
 * Drive's structural limits, checked before an item enters a folder or a revision is kept forever:
 * children per folder (My Drive's root excepted: the reason is numChildrenInNonRootLimitExceeded), items
 * per shared drive, levels of nested folders, and revisions kept forever per file. Limits and errors are
 * in limits.ts; the counts come from the store's ItemIndex.
 */
import { folderChildrenLimit, keepForeverLimit, myDriveTooDeep, sharedDriveItemLimit, sharedDriveTooDeep } from './limits.js';
import type { DriveStore, StoredFile } from './store.js';

/** Folder levels from the item's root down to `item`: a root is 0, a folder directly in a root is 1. */
export function folderLevel(store: DriveStore, item: StoredFile): number {
  let level = 0;
  const seen = new Set<string>();
  let current: StoredFile | undefined = item;
  while (current && current.kind === 'folder' && !seen.has(current.id)) {
    seen.add(current.id);
    level++;
    current = current.parents[0] ? store.files.get(current.parents[0]) : undefined;
  }
  return level;
}

/** Levels of folders below `folder` (0 when it has no subfolder). */
export function subtreeHeight(store: DriveStore, folder: StoredFile): number {
  let height = 0;
  let level: StoredFile[] = [folder];
  while (level.length) {
    const next: StoredFile[] = [];
    for (const f of level) {
      for (const id of store.index.childIds(f.id)) {
        const child = store.files.get(id);
        if (child?.kind === 'folder') next.push(child);
      }
    }
    if (next.length) height++;
    level = next;
  }
  return height;
}

/**
 * Before `item` (a new one, or one moved here) becomes a child of `parent`. For a folder, `height` is how
 * many folder levels it brings below itself (0 for a new one).
 */
export function checkNewChild(
  store: DriveStore,
  parent: StoredFile,
  opts: { folder: boolean; height?: number; newToDrive?: boolean },
): void {
  const rules = store.rules.get();
  const isRoot = parent.kind === 'root' || parent.kind === 'sharedDrive';
  if (!isRoot && rules.folderChildren !== null && store.index.childCount(parent.id) >= rules.folderChildren) {
    throw folderChildrenLimit();
  }
  if (
    parent.driveId &&
    (opts.newToDrive ?? true) &&
    rules.sharedDriveItems !== null &&
    store.index.sharedDriveItemCount(parent.driveId) >= rules.sharedDriveItems
  ) {
    throw sharedDriveItemLimit();
  }
  if (opts.folder && rules.folderDepth !== null && folderLevel(store, parent) + 1 + (opts.height ?? 0) > rules.folderDepth) {
    throw parent.driveId ? sharedDriveTooDeep() : myDriveTooDeep(rules.folderDepth);
  }
}

/** Before one more revision of `file` is kept forever. */
export function checkKeepForever(store: DriveStore, file: StoredFile): void {
  const limit = store.rules.get().keepForeverRevisions;
  if (limit === null) return;
  if (file.revisions.filter((r) => r.keepForever).length >= limit) throw keepForeverLimit(limit);
}
