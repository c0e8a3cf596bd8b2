/**
 * Pure range math for the Cloud Storage emulator: the `Range` request header of downloads
 * (`bytes=a-b`, `bytes=a-`, `bytes=-n`) and the `Content-Range` header of resumable-upload PUTs
 * (`bytes a-b/total`, `bytes a-b/*`, `bytes a-* /total` as the Node client sends it, `bytes * /total`).
 */

/** Outcome of a download `Range` header against an object of `size` bytes. `end` is exclusive. */
export type ByteRange = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * Interprets a `Range` header. Missing, malformed or multi-range headers are ignored (full content), as
 * HTTP allows. An empty object is always served whole.
 */
export function parseRangeHeader(header: string | undefined, size: number): ByteRange {
  if (header === undefined) return { kind: 'full' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return { kind: 'full' };
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return { kind: 'full' };
  if (size === 0) return { kind: 'full' };
  if (first === '') {
    const n = Number(last);
    if (n === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size };
  }
  const start = Number(first);
  if (start >= size) return { kind: 'unsatisfiable' };
  if (last === '') return { kind: 'partial', start, end: size };
  const lastByte = Number(last);
  if (lastByte < start) return { kind: 'full' };
  return { kind: 'partial', start, end: Math.min(lastByte + 1, size) };
}

/** `Content-Range` value of a 206 reply (`end` exclusive). */
export function contentRangeValue(start: number, end: number, size: number): string {
  return `bytes ${start}-${end - 1}/${size}`;
}

/**
 * The `Content-Range` header of a resumable-upload PUT:
 * - `first`/`last`: inclusive byte positions of this request's body, or undefined for a status query
 *   (`bytes * /...`); `last` is undefined when the client wrote `a-*` ("the rest is this body").
 * - `total`: the object's size when the client knows it, undefined for `*`.
 */
export interface UploadContentRange {
  first?: number;
  last?: number;
  total?: number;
}

export function parseUploadContentRange(header: string | undefined): UploadContentRange | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s+(?:(\*)|(\d+)-(\d+|\*))\s*\/\s*(\d+|\*)\s*$/i.exec(header);
  if (!m) return undefined;
  const [, star, first, last, total] = m;
  const out: UploadContentRange = {};
  if (total !== undefined && total !== '*') out.total = Number(total);
  if (star) return out;
  out.first = Number(first);
  if (last !== undefined && last !== '*') {
    out.last = Number(last);
    if (out.last < out.first) return undefined;
  }
  return out;
}

/** The `Range` header of a 308 reply: bytes persisted so far, or none when nothing was received. */
export function persistedRangeValue(received: number): string | undefined {
  return received > 0 ? `bytes=0-${received - 1}` : undefined;
}
