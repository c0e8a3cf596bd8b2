/**
 * What the Cloud Storage emulator's route modules share: the store, upload sessions, the notifier, the
 * download log, the base URL (for selfLink/mediaLink and session URIs) and small request helpers.
 */
import { HttpError, type RequestContext } from '../harness/http.js';
import type { Blob } from '../harness/blob.js';
import type { DownloadLog } from './downloads.js';
import type { ChangeNotifier } from './notifications.js';
import type { GcsStore } from './objects.js';
import { parseGenerationNumber } from './preconditions.js';
import type { UploadSessions } from './resumable.js';

export interface GcsContext {
  store: GcsStore;
  sessions: UploadSessions;
  notifier: ChangeNotifier;
  downloads: DownloadLog;
  baseUrl(): string;
}

/** The JSON API object paths: `/storage/v1/b/...`, and `/b/...` as the Node client uses with STORAGE_EMULATOR_HOST. */
export const JSON_API = '^(?:/storage/v1)?';

/** Optional `generation` query parameter. */
export function generationParam(ctx: RequestContext): number | undefined {
  const raw = ctx.query.get('generation');
  return raw === null || raw === '' ? undefined : parseGenerationNumber(raw, 'generation');
}

/** Route params `bucket` and `object` (already URL-decoded by the router). */
export function objectParams(ctx: RequestContext): { bucket: string; name: string } {
  return { bucket: ctx.params.bucket ?? '', name: ctx.params.object ?? '' };
}

/**
 * Checks hashes a client claims for the content (`crc32c`/`md5Hash` in metadata, or an `X-Goog-Hash`
 * header); 400 on mismatch, as GCS rejects a corrupted upload.
 */
export function verifyClaimedHashes(content: Blob, claimed: { crc32c?: unknown; md5?: unknown }): void {
  if (typeof claimed.crc32c === 'string' && claimed.crc32c && claimed.crc32c !== content.crc32c) {
    throw new HttpError(400, `Provided CRC32C "${claimed.crc32c}" doesn't match calculated CRC32C "${content.crc32c}".`, 'invalid');
  }
  if (typeof claimed.md5 === 'string' && claimed.md5 && claimed.md5 !== content.md5Base64) {
    throw new HttpError(400, `Provided MD5 hash "${claimed.md5}" doesn't match calculated MD5 hash "${content.md5Base64}".`, 'invalid');
  }
}

/** `X-Goog-Hash: crc32c=...,md5=...` as a map. */
export function parseGoogHash(header: string | string[] | undefined): { crc32c?: string; md5?: string } {
  const out: { crc32c?: string; md5?: string } = {};
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const part of text.split(',')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const key = part.slice(0, i).trim().toLowerCase();
    const value = part.slice(i + 1).trim();
    if (key === 'crc32c') out.crc32c = value;
    else if (key === 'md5') out.md5 = value;
  }
  return out;
}
