/**
 * How many bytes the next PUT of a resumable upload carries. Every PUT waits for Drive's answer before the
 * next starts, so each one costs a round trip to Drive and an empty pipe while it waits: the fewer, the
 * better ("Keep the chunk size as large as possible",
 * https://developers.google.com/workspace/drive/api/guides/manage-uploads#resumable). So a PUT carries all
 * that is left, up to the configured chunk, unless the invocation's deadline says its estimated time does
 * not fit: then it is halved, in whole 256 KiB units (Drive's granularity for every PUT but the last),
 * down to a floor, so the time left is still used without a PUT the deadline would cut.
 */
import { CHUNK_GRANULARITY } from './session.js';

/** The smallest PUT a shrinking one goes down to (a smaller configured chunk is its own floor). */
export const MIN_SHRUNK_PUT_BYTES = 8 * 1024 * 1024;

/**
 * The next PUT's length for `rest` bytes still to send with PUTs of at most `maxBytes`, or `undefined` when
 * even the floor does not `fit` (the transfer stops there). `fit` is asked about each candidate in turn,
 * largest first.
 */
export function nextPutBytes(rest: number, maxBytes: number, fit: (bytes: number) => boolean): number | undefined {
  const floor = Math.min(maxBytes, MIN_SHRUNK_PUT_BYTES);
  let bytes = Math.min(rest, maxBytes);
  while (!fit(bytes)) {
    if (bytes <= floor) return undefined;
    bytes = Math.max(floor, Math.floor(bytes / 2 / CHUNK_GRANULARITY) * CHUNK_GRANULARITY);
  }
  return bytes;
}
