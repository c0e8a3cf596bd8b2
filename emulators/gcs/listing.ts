/**
 * Object listing, pure: name ordering (UTF-8 byte order, as GCS sorts), `prefix`, `delimiter` (collapsed
 * into `prefixes`), `startOffset`/`endOffset`, and pagination with opaque page tokens that resume exactly
 * after the last entry (item or prefix) of the previous page, so pages are complete and stable.
 */
import { HttpError } from '../harness/http.js';

/** Compares by Unicode code point, which is the order of the UTF-8 bytes. */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (!xs && !ys) return x - y;
    return (a.codePointAt(i) ?? 0) - (b.codePointAt(i) ?? 0);
  }
  return a.length - b.length;
}

export interface ListEntry {
  name: string;
  generation: number;
}

export interface ListOptions {
  prefix?: string;
  delimiter?: string;
  startOffset?: string;
  endOffset?: string;
  pageToken?: string;
  maxResults?: number;
  includeTrailingDelimiter?: boolean;
}

export interface ListPage<T> {
  items: T[];
  prefixes: string[];
  nextPageToken?: string;
}

/** Where a page resumes: strictly after (name, generation), and past every name starting with `skip`. */
interface Cursor {
  name: string;
  generation: number;
  skip?: string;
}

export function encodePageToken(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

export function decodePageToken(token: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.name !== 'string' || typeof c.generation !== 'number') throw new Error('shape');
    return c;
  } catch {
    throw new HttpError(400, 'Invalid page token', 'invalid');
  }
}

export const DEFAULT_MAX_RESULTS = 1000;

function compareEntries(a: ListEntry, b: ListEntry): number {
  return compareNames(a.name, b.name) || a.generation - b.generation;
}

/** One page of `entries` (any order; sorted here by name, then generation). */
export function listPage<T extends ListEntry>(entries: readonly T[], opts: ListOptions): ListPage<T> {
  const max = opts.maxResults && opts.maxResults > 0 ? Math.min(opts.maxResults, DEFAULT_MAX_RESULTS) : DEFAULT_MAX_RESULTS;
  const prefix = opts.prefix ?? '';
  const delimiter = opts.delimiter || undefined;
  const cursor = opts.pageToken ? decodePageToken(opts.pageToken) : undefined;

  const sorted = entries
    .filter(
      (e) =>
        e.name.startsWith(prefix) &&
        (opts.startOffset === undefined || compareNames(e.name, opts.startOffset) >= 0) &&
        (opts.endOffset === undefined || opts.endOffset === '' || compareNames(e.name, opts.endOffset) < 0),
    )
    .sort(compareEntries);

  const items: T[] = [];
  const prefixes: string[] = [];
  let i = 0;
  if (cursor) {
    while (i < sorted.length) {
      const e = sorted[i] as T;
      const afterCursor = compareEntries(e, cursor) > 0 && !(cursor.skip !== undefined && e.name.startsWith(cursor.skip));
      if (afterCursor) break;
      i++;
    }
  }
  let last: Cursor | undefined;
  while (i < sorted.length) {
    if (items.length + prefixes.length >= max) {
      return { items, prefixes, nextPageToken: last && encodePageToken(last) };
    }
    const e = sorted[i] as T;
    const cut = delimiter ? e.name.indexOf(delimiter, prefix.length) : -1;
    if (delimiter && cut >= 0) {
      const p = e.name.slice(0, cut + delimiter.length);
      prefixes.push(p);
      // With includeTrailingDelimiter, an object named exactly like the prefix is listed as an item too.
      while (i < sorted.length && (sorted[i] as T).name.startsWith(p)) {
        const inner = sorted[i] as T;
        if (opts.includeTrailingDelimiter && inner.name === p) items.push(inner);
        i++;
      }
      last = { name: p, generation: Number.MAX_SAFE_INTEGER, skip: p };
      continue;
    }
    items.push(e);
    last = { name: e.name, generation: e.generation };
    i++;
  }
  return { items, prefixes };
}
