/**
 * Sending a Drive revision's bytes (`files.get` and `revisions.get` with `alt=media`, Download and export
 * files: https://developers.google.com/workspace/drive/api/guides/manage-downloads): the whole content
 * (200), or one `Range` (206 with `Content-Range: bytes A-B/SIZE`; the guide documents partial downloads
 * with the Range header), or 416 with `Content-Range: bytes * /SIZE` (RFC 9110; Drive does not document its
 * 416 body: the JSON error here is a guess); and the 403 Drive answers for content it cannot download
 * (folders, Google Workspace documents:
 * https://developers.google.com/workspace/drive/api/guides/handle-errors#fileNotDownloadable).
 */
import { pipeline } from 'node:stream/promises';
import type { RequestContext } from '../harness/http.js';
import { resolveRange } from './byte-range.js';
import { DriveError } from './errors.js';
import type { StoredRevision } from './store.js';

export function notDownloadable(): DriveError {
  return new DriveError(
    403,
    'Only files with binary content can be downloaded. Use Export with Docs Editors files.',
    'fileNotDownloadable',
    {
      location: 'alt',
      locationType: 'parameter',
    },
  );
}

/** `onStart(bytes)`: told the length of what is about to be sent (download quotas count it). */
export async function sendContent(ctx: RequestContext, revision: StoredRevision, onStart?: (bytes: number) => void): Promise<void> {
  const blob = revision.content;
  const range = resolveRange(ctx.req.headers.range, blob.size);
  if (range.kind === 'unsatisfiable') {
    throw new DriveError(
      416,
      'Request range not satisfiable',
      'requestedRangeNotSatisfiable',
      {},
      { 'content-range': `bytes */${blob.size}` },
    );
  }
  const [status, start, end] = range.kind === 'partial' ? [206, range.start, range.end] : [200, 0, blob.size];
  const headers: Record<string, string | number> = {
    'content-type': revision.mimeType,
    'accept-ranges': 'bytes',
    'content-length': end - start,
  };
  if (status === 206) headers['content-range'] = `bytes ${start}-${end - 1}/${blob.size}`;
  onStart?.(end - start);
  ctx.res.writeHead(status, headers);
  await pipeline(blob.stream(start, end), ctx.res).catch(() => undefined);
}
