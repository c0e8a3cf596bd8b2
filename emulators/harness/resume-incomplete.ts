/**
 * The "308 Resume Incomplete" reply of Google's resumable upload protocol, shared by the Cloud Storage and
 * Drive emulators, and the chunk-size rule both upload front ends enforce.
 *
 * A client that cannot take a 308 (a browser's XHR follows it as a redirect; Google's Go client sends the
 * header on every chunk, google-api-go-client internal/gensupport/resumable.go) asks with
 * `X-GUploader-No-308: yes`; Google's upload front end then answers 200 with
 * `X-Http-Status-Code-Override: 308` and otherwise the same headers (googleapis/storage-testbench#402).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Every chunk but the last must be at least this long (and should be a multiple of it). */
export const CHUNK_GRANULARITY = 256 * 1024;

export function wantsNo308(req: IncomingMessage): boolean {
  const v = req.headers['x-guploader-no-308'];
  return (Array.isArray(v) ? v[0] : v)?.trim().toLowerCase() === 'yes';
}

/** Replies "resume incomplete": 308, or 200 + `X-Http-Status-Code-Override: 308` for No-308 clients. */
export function sendResumeIncomplete(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): void {
  const out: Record<string, string> = { ...headers, 'content-length': '0' };
  if (wantsNo308(req)) {
    res.writeHead(200, { ...out, 'x-http-status-code-override': '308' });
  } else {
    res.writeHead(308, out);
  }
  res.end();
}

/** The `Range` header of a resume-incomplete reply, or undefined when nothing is persisted yet. */
export function persistedRange(persisted: number): string | undefined {
  return persisted > 0 ? `bytes=0-${persisted - 1}` : undefined;
}

/**
 * The message of Google's upload front end (Drive and Cloud Storage alike) for a non-final chunk shorter
 * than 256 KiB, as users report it verbatim.
 */
export function chunkTooSmallMessage(length: number): string {
  return (
    `Invalid request. The number of bytes uploaded is required to be equal or greater than ${CHUNK_GRANULARITY}, ` +
    `except for the final request (it's recommended to be the exact multiple of ${CHUNK_GRANULARITY}). ` +
    `The received request contained ${length} bytes, which does not meet this requirement.`
  );
}
