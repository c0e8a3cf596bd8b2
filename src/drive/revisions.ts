/**
 * A Drive file's revisions as KEEP_REVISIONS_FOREVER needs them: listing them (every page), choosing the
 * oldest one kept forever that may go (pure), and deleting it. Drive keeps at most 200 revisions of a file
 * forever ("Manage file revisions", https://developers.google.com/workspace/drive/api/guides/manage-revisions)
 * and refuses to set one back to `keepForever: false` (400 illegalKeepForeverModification, "Resolve errors"),
 * so deleting a kept revision (`revisions.delete`) is the only way to make room for a new one.
 */
import type { drive_v3 } from '@googleapis/drive';
import { isNotFound } from '../core/error-shapes.js';

/** Revisions Drive keeps forever per file at most (revisions reference: "a maximum of 200 revisions"). */
export const KEEP_FOREVER_CAP = 200;

export interface RevisionFacts {
  id: string;
  keepForever: boolean;
  modifiedTime?: string;
  md5Checksum?: string;
}

/** Every revision of the file, oldest first (Drive lists them in that order). */
export async function listRevisions(api: drive_v3.Drive, fileId: string): Promise<RevisionFacts[]> {
  const out: RevisionFacts[] = [];
  let pageToken: string | undefined;
  do {
    const res = await api.revisions.list({
      fileId,
      pageSize: 1000,
      fields: 'nextPageToken,revisions(id,keepForever,modifiedTime,md5Checksum)',
      ...(pageToken !== undefined ? { pageToken } : {}),
    });
    for (const r of res.data.revisions ?? []) {
      if (!r.id) continue;
      out.push({
        id: r.id,
        keepForever: r.keepForever === true,
        modifiedTime: r.modifiedTime ?? undefined,
        md5Checksum: r.md5Checksum ?? undefined,
      });
    }
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken);
  return out;
}

/**
 * The revisions kept forever, and the oldest of them that may be deleted to keep one more: never the head
 * revision (the file's current content, the last one listed).
 */
export function keptForever(revisions: readonly RevisionFacts[]): { count: number; oldest?: RevisionFacts } {
  const kept = revisions.filter((r) => r.keepForever);
  const head = revisions.at(-1);
  return { count: kept.length, oldest: kept.find((r) => r !== head) };
}

/** Deletes a revision; one already gone (an earlier attempt's, its reply lost) counts as deleted. */
export async function deleteRevision(api: drive_v3.Drive, fileId: string, revisionId: string): Promise<void> {
  try {
    await api.revisions.delete({ fileId, revisionId });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
