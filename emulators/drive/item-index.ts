/**
 * Indexes over Drive's items that the limits need on every create: the children of each folder and the
 * number of items in each shared drive (trashed ones included, as Drive counts them). Kept up to date by
 * DriveStore on insert, move and delete, so a check costs O(1) instead of a scan of every file.
 */
import type { StoredFile } from './store.js';

export class ItemIndex {
  private readonly children = new Map<string, Set<string>>();
  private readonly driveItems = new Map<string, number>();

  clear(): void {
    this.children.clear();
    this.driveItems.clear();
  }

  add(file: StoredFile): void {
    for (const p of file.parents) this.link(p, file.id);
    if (file.driveId && file.kind !== 'sharedDrive') this.driveItems.set(file.driveId, this.sharedDriveItemCount(file.driveId) + 1);
  }

  remove(file: StoredFile): void {
    for (const p of file.parents) this.children.get(p)?.delete(file.id);
    this.children.delete(file.id);
    if (file.driveId && file.kind !== 'sharedDrive')
      this.driveItems.set(file.driveId, Math.max(0, this.sharedDriveItemCount(file.driveId) - 1));
  }

  move(file: StoredFile, from: readonly string[], to: readonly string[]): void {
    for (const p of from) this.children.get(p)?.delete(file.id);
    for (const p of to) this.link(p, file.id);
  }

  childIds(folderId: string): ReadonlySet<string> {
    return this.children.get(folderId) ?? new Set();
  }

  childCount(folderId: string): number {
    return this.children.get(folderId)?.size ?? 0;
  }

  sharedDriveItemCount(driveId: string): number {
    return this.driveItems.get(driveId) ?? 0;
  }

  private link(parent: string, child: string): void {
    let set = this.children.get(parent);
    if (!set) this.children.set(parent, (set = new Set()));
    set.add(child);
  }
}
