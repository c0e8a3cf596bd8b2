/**
 * The Drive folder tree under the backup root, built from the Drive emulator's flat file list (pure):
 * folders first, then files, each by name; trashed items kept (the page marks them).
 */
import type { DriveFileView } from '@gcs-drive-backup/emulators/drive/index.js';

/** What the tree needs of a Drive file (a subset of the emulator's `DriveFileView`). */
export type DriveFileFacts = Pick<
  DriveFileView,
  'id' | 'name' | 'mimeType' | 'parents' | 'trashed' | 'size' | 'md5Checksum' | 'revisions' | 'modifiedTime'
>;

export interface DriveNode {
  id: string;
  name: string;
  folder: boolean;
  trashed: boolean;
  size?: number;
  md5Checksum?: string;
  revisions: number;
  modifiedTime: string;
  children: DriveNode[];
}

export const FOLDER_MIME_TYPE = 'application/vnd.google-apps.folder';

/** The children of `rootId`, recursively. Items not under the root are left out; cycles are cut. */
export function buildDriveTree(files: readonly DriveFileFacts[], rootId: string): DriveNode[] {
  const byParent = new Map<string, DriveFileFacts[]>();
  for (const f of files) {
    for (const parent of f.parents) {
      const siblings = byParent.get(parent) ?? [];
      siblings.push(f);
      byParent.set(parent, siblings);
    }
  }
  const visited = new Set<string>([rootId]);
  const childrenOf = (parentId: string): DriveNode[] =>
    (byParent.get(parentId) ?? [])
      .filter((f) => !visited.has(f.id))
      .map((f) => {
        visited.add(f.id);
        const folder = f.mimeType === FOLDER_MIME_TYPE;
        const node: DriveNode = {
          id: f.id,
          name: f.name,
          folder,
          trashed: f.trashed,
          revisions: f.revisions,
          modifiedTime: f.modifiedTime,
          children: folder ? childrenOf(f.id) : [],
        };
        if (f.size !== undefined) node.size = f.size;
        if (f.md5Checksum !== undefined) node.md5Checksum = f.md5Checksum;
        return node;
      })
      .sort(byKindThenName);
  return childrenOf(rootId);
}

function byKindThenName(a: DriveNode, b: DriveNode): number {
  if (a.folder !== b.folder) return a.folder ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1;
}
