/**
 * The `Range` request header of a download (`bytes=A-B`, `bytes=A-`, `bytes=-N`), resolved against the
 * content size. Pure. Multiple ranges are not supported (the whole content is sent, as a server may).
 */

export type ResolvedRange =
  /** No usable Range header: send everything with 200. */
  | { kind: 'full' }
  /** Send bytes [start, end) with 206. */
  | { kind: 'partial'; start: number; end: number }
  /** 416, with `Content-Range: bytes * /size`. */
  | { kind: 'unsatisfiable' };

export function resolveRange(header: string | undefined, size: number): ResolvedRange {
  if (!header) return { kind: 'full' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'full' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return size === 0 ? { kind: 'unsatisfiable' } : { kind: 'partial', start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: last + 1 };
}
