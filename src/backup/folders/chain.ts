/**
 * A folder path's record in the state bucket, the decision part (pure). A path's record holds the Drive id
 * of its folder and, once Drive said that folder holds its maximum of items (500,000, 403
 * `numChildrenInNonRootLimitExceeded`), the folders continuing it: `NAME (overflow 2)`, `NAME (overflow 3)`,
 * … created beside it, in the parent's current folder. The last one of the chain is where new items of
 * the path go; items already in earlier ones stay where they are. The chain only grows by compare-and-swap
 * on the record (`extendChain` against the full folder's id), so every instance agrees on it.
 */

/** One folder of a path's chain: its pre-generated Drive id, and whether it was created in Drive. */
export interface FolderEntry {
  id: string;
  created?: boolean;
}

export interface FolderRecord extends FolderEntry {
  /** The folders continuing this one once it was full, oldest first. */
  overflow?: FolderEntry[];
}

/** The folder new items of the path go to, and its position in the chain (0: the path's own folder). */
export function currentEntry(record: FolderRecord): { index: number; entry: FolderEntry } {
  const overflow = record.overflow ?? [];
  return overflow.length === 0
    ? { index: 0, entry: { id: record.id, created: record.created } }
    : { index: overflow.length, entry: overflow[overflow.length - 1] };
}

/** The record with its current entry replaced (created in Drive, or a new id for one that is gone). */
export function withCurrentEntry(record: FolderRecord, entry: FolderEntry): FolderRecord {
  const overflow = record.overflow ?? [];
  if (overflow.length === 0) return { id: entry.id, ...(entry.created ? { created: true } : {}) };
  return { ...record, overflow: [...overflow.slice(0, -1), entry] };
}

/**
 * The record continued in a new folder `newId` because its current folder `fullId` is full; undefined when
 * the current folder is another one already (someone continued the chain first: use theirs).
 */
export function extendChain(record: FolderRecord, fullId: string, newId: string): FolderRecord | undefined {
  if (currentEntry(record).entry.id !== fullId) return undefined;
  return { ...record, overflow: [...(record.overflow ?? []), { id: newId }] };
}

/** The Drive name of the folder at `index` of a chain: the path's own name, then `NAME (overflow N)` from 2. */
export function entryName(name: string, index: number): string {
  return index === 0 ? name : `${name} (overflow ${index + 1})`;
}

/** The `gdb.folder` appProperty of the folder at `index` (how a folder is found again after state is lost). */
export function entryKey(pathKey: string, index: number): string {
  return index === 0 ? pathKey : `${pathKey}~${index + 1}`;
}
