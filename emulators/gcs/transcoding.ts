/**
 * Decompressive transcoding (https://cloud.google.com/storage/docs/transcoding): an object stored
 * gzip-compressed with `Content-Encoding: gzip` is served decompressed, "and the response containing the
 * object does not contain a Content-Encoding or Content-Length header", unless the request's
 * `Accept-Encoding` includes gzip (then it is "served as-is in that specific request, along with a
 * Content-Encoding: gzip response header") or the object's `Cache-Control` includes `no-transform` (then
 * it is always served compressed). The same page: a transcoded response ignores `Range` (the whole
 * object, 200), and the hashes Cloud Storage keeps (sent in `x-goog-hash`, with
 * `x-goog-stored-content-length` and `x-goog-stored-content-encoding`) describe the stored, compressed
 * bytes, so they do not match what a transcoded response carries. Brotli and other encodings are never
 * transcoded. Pure.
 *
 * Guesses: `Accept-Encoding: *` (q > 0) counts as accepting gzip, `gzip;q=0` does not; `x-gzip` is gzip.
 */

/** Whether `Accept-Encoding` accepts gzip. */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  let star = false;
  for (const part of text.split(',')) {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const accepted = q === undefined || Number(q.slice(2)) > 0;
    if (coding === 'gzip' || coding === 'x-gzip') return accepted;
    if (coding === '*') star = accepted;
  }
  return star;
}

/** Whether this download of an object with these metadata is decompressed before it is sent. */
export function servesDecompressed(
  obj: { contentEncoding?: string; cacheControl?: string },
  acceptEncoding: string | string[] | undefined,
): boolean {
  if ((obj.contentEncoding ?? '').trim().toLowerCase() !== 'gzip') return false;
  if (/(^|,)\s*no-transform\s*(,|$)/i.test(obj.cacheControl ?? '')) return false;
  return !acceptsGzip(acceptEncoding);
}
