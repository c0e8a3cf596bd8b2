/**
 * The bucket's live objects under a prefix, in name order, one page (≤ 1000) at a time: the streaming
 * side of the reconcile diff, so only one page of the listing is ever in memory. Resumes strictly after
 * a cursor name (`startOffset` is inclusive, so the cursor itself is dropped).
 */
import type { Storage } from '@google-cloud/storage';
import type { Retry } from '../core/gateway.js';
import { customMetadata, OBJECT_TEXT_FIELDS, type ObjectRef } from '../core/object-ref.js';

export const LIST_PAGE_SIZE = 1000;
const OBJECT_FIELDS = `name,generation,metageneration,size,${OBJECT_TEXT_FIELDS.join(',')},metadata`;

export interface ListingOptions {
  prefix: string;
  /** Resume after this name (a stored cursor). */
  startAfter?: string;
  pageSize?: number;
  /** Called once per page request, for counting. */
  onPage?: () => void;
}

/** Pages through `source` (the source bucket's gateway, bound to the run's scope). */
export async function* listObjectPages(source: Retry<Storage>, bucket: string, options: ListingOptions): AsyncGenerator<ObjectRef[]> {
  let pageToken: string | undefined;
  do {
    const query = {
      autoPaginate: false,
      maxResults: options.pageSize ?? LIST_PAGE_SIZE,
      fields: `nextPageToken,items(${OBJECT_FIELDS})`,
      ...(options.prefix !== '' ? { prefix: options.prefix } : {}),
      ...(options.startAfter !== undefined ? { startOffset: options.startAfter } : {}),
      ...(pageToken !== undefined ? { pageToken } : {}),
    };
    const [files, next] = await source('list objects', (storage) => storage.bucket(bucket).getFiles(query));
    options.onPage?.();
    // With `fields`, the client hands back the raw resources instead of File objects.
    const items = files as unknown as ListedMetadata[];
    yield items.map((item) => toObjectRef(bucket, item)).filter((ref) => ref.name !== options.startAfter);
    pageToken = (next as { pageToken?: string } | null | undefined)?.pageToken ?? undefined;
  } while (pageToken);
}

type ListedMetadata = { name: string; metadata?: unknown } & Partial<Record<'generation' | 'metageneration' | 'size', string | number>> &
  Partial<Record<(typeof OBJECT_TEXT_FIELDS)[number], string>>;

function toObjectRef(bucket: string, m: ListedMetadata): ObjectRef {
  const text = (v: string | number | undefined) => (v === undefined ? undefined : String(v));
  return {
    bucket,
    name: m.name,
    generation: String(m.generation),
    metageneration: text(m.metageneration),
    size: text(m.size),
    md5Hash: m.md5Hash,
    crc32c: m.crc32c,
    contentType: m.contentType,
    updated: m.updated,
    timeCreated: m.timeCreated,
    contentEncoding: m.contentEncoding,
    contentDisposition: m.contentDisposition,
    contentLanguage: m.contentLanguage,
    cacheControl: m.cacheControl,
    metadata: customMetadata(m.metadata),
  };
}
