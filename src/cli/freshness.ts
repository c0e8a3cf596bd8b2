/**
 * `check`'s freshness: the newest object of the watched bucket and whether Drive holds its
 * backup, from one listing page (up to 1,000 objects, in name order: the newest of those) and one Drive
 * query (the files tagged with the object's source key). Cheap enough to run often, and it notices a
 * trigger that stopped delivering: the newest object then has no backup. Canaries of `verify`, folder
 * placeholders and what the filters leave out are not user data to back up and do not count. An object
 * younger than `staleAfterMs` without a backup is pending, not stale: it may be on its way.
 */
import { selectObject, type ObjectFilter } from '../backup/select.js';
import { customMetadata, describeRef, type ObjectRef } from '../core/object-ref.js';
import type { DriveGateway } from '../drive/gateway.js';
import { APP_PROPERTY, sourceKey } from '../drive/object-path.js';
import { byAppProperty, notTrashed, q } from '../drive/query.js';
import type { StorageGateway } from '../gcs/gateway.js';

export const FRESHNESS_PAGE = 1000;

export interface Newest {
  ref: ObjectRef;
  /** How many objects the one page listed, and whether the bucket has more. */
  listed: number;
  truncated: boolean;
}

/** The newest user object (by `updated`) on the first listing page, or undefined for none. */
export async function newestObject(
  source: StorageGateway,
  bucket: string,
  filter: ObjectFilter,
): Promise<Newest | { listed: number; truncated: boolean }> {
  const [files, next] = await source.call('list objects (freshness)', (storage) =>
    storage.bucket(bucket).getFiles({
      autoPaginate: false,
      maxResults: FRESHNESS_PAGE,
      fields: 'nextPageToken,items(name,generation,size,md5Hash,updated,metadata)',
    }),
  );
  // With `fields`, the client hands back the raw resources instead of File objects.
  const items = files as unknown as {
    name: string;
    generation: string | number;
    size?: string;
    md5Hash?: string;
    updated?: string;
    metadata?: unknown;
  }[];
  const truncated = Boolean((next as { pageToken?: string } | null | undefined)?.pageToken);
  let newest: ObjectRef | undefined;
  for (const item of items) {
    const metadata = customMetadata(item.metadata);
    const selection = selectObject(item.name, filter, metadata);
    if (!selection.backup || selection.canary === true) continue;
    const ref: ObjectRef = {
      bucket,
      name: item.name,
      generation: String(item.generation),
      size: item.size,
      md5Hash: item.md5Hash,
      updated: item.updated,
    };
    if (newest === undefined || (ref.updated ?? '') > (newest.updated ?? '')) newest = ref;
  }
  return newest === undefined ? { listed: items.length, truncated } : { ref: newest, listed: items.length, truncated };
}

/** The Drive file holding this generation, by one query on the object's source key; undefined for none. */
export async function backupOf(drive: DriveGateway, ref: ObjectRef): Promise<{ id: string } | undefined> {
  const { data } = await drive.call('files.list (freshness)', ({ api }) =>
    api.files.list({
      q: q.and(byAppProperty(APP_PROPERTY.key, sourceKey(ref.bucket, ref.name)), notTrashed),
      fields: 'files(id,md5Checksum,appProperties)',
      pageSize: 100,
      corpora: 'allDrives',
      includeItemsFromAllDrives: true,
      supportsAllDrives: true,
      spaces: 'drive',
    }),
  );
  const md5Hex = ref.md5Hash === undefined ? undefined : Buffer.from(ref.md5Hash, 'base64').toString('hex');
  const file = (data.files ?? []).find(
    (f) => f.appProperties?.[APP_PROPERTY.generation] === ref.generation && (md5Hex === undefined || f.md5Checksum === md5Hex),
  );
  return file?.id ? { id: file.id } : undefined;
}

export type FreshnessVerdict = { fresh: true; line: string } | { fresh: false; line: string };

/** What `check` says of the newest object, pure. */
export function freshnessVerdict(
  bucket: string,
  newest: Newest | { listed: number; truncated: boolean },
  backup: { id: string } | undefined,
  staleAfterMs: number,
  now: number,
): FreshnessVerdict {
  const scope = newest.truncated ? ` (the newest of the first ${newest.listed} objects, in name order)` : '';
  if (!('ref' in newest)) return { fresh: true, line: `OK: freshness: no object to back up in gs://${bucket}${scope}.` };
  const { ref } = newest;
  const updated = ref.updated === undefined ? Number.NaN : Date.parse(ref.updated);
  const age = Number.isNaN(updated) ? 'at an unknown time' : `${ref.updated}, ${formatAge(now - updated)} ago`;
  const subject = `the newest object${scope}, ${describeRef(ref)} (written ${age}),`;
  if (backup !== undefined) return { fresh: true, line: `OK: freshness: ${subject} is backed up (Drive file ${backup.id}).` };
  if (now - updated < staleAfterMs) {
    const line = `Pending: freshness: ${subject} is not in Drive yet; it counts as stale after ${staleAfterMs / 1000} s (--stale-after).`;
    return { fresh: true, line };
  }
  return {
    fresh: false,
    line:
      `STALE: ${subject} has no backup in Drive: the trigger may have stopped delivering events. Run ` +
      `\`npx --no gcs-drive-backup verify\` to test the pipeline, then \`npx --no gcs-drive-backup reconcile gs://${bucket}\` to back up what was missed.`,
  };
}

function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}
