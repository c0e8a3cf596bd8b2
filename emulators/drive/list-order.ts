/**
 * `files.list` ordering and paging, pure: parses `orderBy`, builds a sort key per file (always ending
 * with the id, so the order is total), and encodes keyset page tokens: a token holds the sort key of the
 * last item served, and the next page starts strictly after it. Pages are thus complete and stable even
 * when files are created or deleted between pages.
 */

export type OrderField = 'folder' | 'name' | 'createdTime' | 'modifiedTime' | 'starred' | 'quotaBytesUsed';

export interface OrderKey {
  field: OrderField;
  desc: boolean;
}

export interface SortableFile {
  id: string;
  name: string;
  isFolder: boolean;
  createdTime: string;
  modifiedTime: string;
  starred: boolean;
  quotaBytesUsed: number;
}

export class ListParameterError extends Error {
  constructor(
    readonly parameter: 'orderBy' | 'pageToken',
    message: string,
  ) {
    super(message);
  }
}

/** Drive's orderBy keys, mapped onto what the emulator stores. */
const FIELD_ALIASES: Record<string, OrderField> = {
  folder: 'folder',
  name: 'name',
  name_natural: 'name',
  createdTime: 'createdTime',
  modifiedTime: 'modifiedTime',
  modifiedByMeTime: 'modifiedTime',
  recency: 'modifiedTime',
  viewedByMeTime: 'modifiedTime',
  sharedWithMeTime: 'modifiedTime',
  starred: 'starred',
  quotaBytesUsed: 'quotaBytesUsed',
};

/** Without `orderBy`: creation order (stable; Drive leaves the default order unspecified). */
export const DEFAULT_ORDER: readonly OrderKey[] = [{ field: 'createdTime', desc: false }];

export function parseOrderBy(orderBy: string | null | undefined): OrderKey[] {
  if (!orderBy || !orderBy.trim()) return [...DEFAULT_ORDER];
  return orderBy.split(',').map((part) => {
    const m = /^\s*([A-Za-z_]+)(?:\s+(asc|desc))?\s*$/i.exec(part);
    const field = m ? FIELD_ALIASES[m[1]!] : undefined;
    if (!m || !field) throw new ListParameterError('orderBy', `Invalid Value`);
    return { field, desc: (m[2] ?? '').toLowerCase() === 'desc' };
  });
}

export type SortKey = Array<string | number>;

export function sortKeyOf(file: SortableFile, keys: readonly OrderKey[]): SortKey {
  const values: SortKey = keys.map(({ field }) => {
    switch (field) {
      case 'folder':
        return file.isFolder ? 0 : 1;
      case 'name':
        return `${file.name.toLowerCase()}\u0000${file.name}`;
      case 'createdTime':
        return file.createdTime;
      case 'modifiedTime':
        return file.modifiedTime;
      case 'starred':
        return file.starred ? 0 : 1;
      case 'quotaBytesUsed':
        return file.quotaBytesUsed;
    }
  });
  values.push(file.id);
  return values;
}

function compareValues(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Tuple order: each key ascending or descending as asked; the trailing id always ascending. */
export function compareSortKeys(a: SortKey, b: SortKey, keys: readonly OrderKey[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return keys[i]?.desc ? -c : c;
  }
  return 0;
}

interface TokenBody {
  /** The orderBy the key was built with (a token is only valid with the same ordering). */
  o: string;
  k: SortKey;
}

export function encodePageToken(keys: readonly OrderKey[], last: SortKey): string {
  const body: TokenBody = { o: orderSignature(keys), k: last };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

export function decodePageToken(token: string, keys: readonly OrderKey[]): SortKey {
  let body: TokenBody;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as TokenBody;
  } catch {
    throw new ListParameterError('pageToken', 'Invalid Value');
  }
  if (
    !body ||
    body.o !== orderSignature(keys) ||
    !Array.isArray(body.k) ||
    body.k.length !== keys.length + 1 ||
    !body.k.every((v) => typeof v === 'string' || typeof v === 'number')
  ) {
    throw new ListParameterError('pageToken', 'Invalid Value');
  }
  return body.k;
}

function orderSignature(keys: readonly OrderKey[]): string {
  return keys.map((k) => `${k.field}${k.desc ? ' desc' : ''}`).join(',');
}

/**
 * One page: sorts `files`, drops those at or before `after` (a decoded token), and returns at most
 * `pageSize` items plus the token for the next page (undefined on the last page).
 */
export function pageOf<T extends SortableFile>(
  files: readonly T[],
  keys: readonly OrderKey[],
  pageSize: number,
  after?: SortKey,
): { items: T[]; nextPageToken?: string } {
  const keyed = files.map((file) => ({ file, key: sortKeyOf(file, keys) }));
  keyed.sort((a, b) => compareSortKeys(a.key, b.key, keys));
  const rest = after ? keyed.filter((e) => compareSortKeys(e.key, after, keys) > 0) : keyed;
  const page = rest.slice(0, pageSize);
  const items = page.map((e) => e.file);
  if (rest.length <= pageSize) return { items };
  return { items, nextPageToken: encodePageToken(keys, page[page.length - 1]!.key) };
}
