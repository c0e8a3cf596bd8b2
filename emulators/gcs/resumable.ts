/**
 * Resumable upload sessions of the Cloud Storage emulator: created by `uploadType=resumable` POSTs, fed by
 * PUTs or POSTs with `Content-Range` (chunks, `a-*` "rest of the object", status queries). Bytes are
 * appended to a BlobBuilder as they arrive, so the object is held once; a cut connection keeps what arrived
 * (in whole 256 KiB blocks) and the client resumes from the `Range` of the next 308.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BlobBuilder } from '../harness/blob.js';
import { HttpError } from '../harness/http.js';
import { CHUNK_GRANULARITY, chunkTooSmallMessage } from '../harness/resume-incomplete.js';
import type { Preconditions } from './preconditions.js';
import type { UploadContentRange } from './ranges.js';
import type { StorageObjectData, WritableMetadata } from './resource.js';

export interface UploadSession {
  id: string;
  bucket: string;
  name: string;
  metadata: WritableMetadata;
  preconditions: Preconditions;
  /** The object's size once known: `X-Upload-Content-Length` of the initiating POST, or a chunk's total. */
  total?: number;
  data: BlobBuilder;
  /** The hashes the initiating POST's metadata claims (`md5Hash`, `crc32c`), checked at finalization. */
  claimed?: { crc32c?: unknown; md5?: unknown };
  /** The object resource once the upload has finalized (later PUTs get it again). */
  result?: StorageObjectData;
}

export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>();

  create(init: Omit<UploadSession, 'id' | 'data'>): UploadSession {
    const session: UploadSession = { ...init, id: randomBytes(18).toString('base64url'), data: new BlobBuilder() };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | null): UploadSession {
    const s = id ? this.sessions.get(id) : undefined;
    if (!s) throw new HttpError(404, 'No such upload session (upload_id unknown or expired).', 'notFound');
    return s;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  clear(): void {
    this.sessions.clear();
  }
}

/** What a PUT did to a session: keep going (308 with the persisted size) or finalize with all the bytes. */
export type PutOutcome = { kind: 'incomplete'; received: number } | { kind: 'complete' };

function invalid(message: string): HttpError {
  return new HttpError(400, `Invalid request. ${message}`, 'invalid');
}

/**
 * Applies one chunk PUT (or POST) to a session, as https://cloud.google.com/storage/docs/performing-resumable-uploads
 * describes: `bytes FIRST-LAST/TOTAL`, `bytes FIRST-LAST/*` while the total is unknown, `bytes * /TOTAL` or
 * `bytes * /*` to ask for (or complete with) what is persisted, `FIRST-*` for "the rest is this body".
 * Bytes the server already has (a client re-sending after a lost reply) are skipped; a gap, a body of
 * another length than its range, or a total that changes is a 400. A non-final chunk shorter than 256 KiB
 * is refused as Google's upload front end refuses it; a longer one that is not a multiple of 256 KiB is
 * persisted up to the last whole 256 KiB (the 308's Range says so, and the client resends the rest).
 * `range` undefined means the whole object in this one body.
 */
export async function applyPut(session: UploadSession, range: UploadContentRange | undefined, body: Readable): Promise<PutOutcome> {
  const data = session.data;
  const r = range ?? { first: 0 };
  const known = session.total;
  if (r.total !== undefined && known !== undefined && r.total !== known) {
    await drainQuietly(body);
    throw invalid(`The declared total size ${r.total} differs from the size ${known} given earlier.`);
  }
  const total = r.total ?? known;
  if (total !== undefined && total < data.size) {
    await drainQuietly(body);
    throw invalid(`The total size ${total} is smaller than the ${data.size} bytes already persisted.`);
  }
  if (r.first === undefined) {
    // A status query (`bytes * /...`): no body; with the total equal to what is persisted it completes.
    await drainQuietly(body);
    session.total = total;
    return total !== undefined && data.size === total ? { kind: 'complete' } : { kind: 'incomplete', received: data.size };
  }
  if (r.first > data.size) {
    await drainQuietly(body);
    throw invalid(`The Content-Range starts at ${r.first} but only ${data.size} bytes were persisted.`);
  }
  const before = data.size;
  let received = 0;
  let skip = before - r.first;
  let overflow = false;
  try {
    for await (const raw of body) {
      let chunk = raw as Buffer;
      received += chunk.length;
      if (overflow) continue; // read the rest, so the 400 reaches the client
      if (skip > 0) {
        const n = Math.min(skip, chunk.length);
        skip -= n;
        chunk = chunk.subarray(n);
      }
      data.append(chunk);
      if (total !== undefined && data.size > total) overflow = true;
    }
  } catch (err) {
    // A cut connection keeps what arrived, in whole 256 KiB blocks.
    data.truncate(Math.max(before, Math.min(total ?? Infinity, floorToGranularity(data.size))));
    throw err;
  }
  if (overflow) {
    data.truncate(before);
    throw invalid(`Received more than the declared ${total} bytes.`);
  }
  const declared = r.last === undefined ? undefined : r.last - r.first + 1;
  if (declared !== undefined && received !== declared) {
    data.truncate(before);
    throw invalid(`The Content-Range header declares ${declared} byte(s) but the request contained ${received} byte(s).`);
  }
  const end = r.first + received;
  // `FIRST-*` with an unknown total: this body was the rest of the object.
  const finalTotal = r.last === undefined && total === undefined ? end : total;
  if (finalTotal === undefined || end !== finalTotal) {
    if (received < CHUNK_GRANULARITY) {
      data.truncate(before);
      throw new HttpError(400, chunkTooSmallMessage(received), 'invalid');
    }
    data.truncate(Math.max(before, floorToGranularity(data.size)));
  }
  session.total = finalTotal;
  return finalTotal !== undefined && data.size === finalTotal ? { kind: 'complete' } : { kind: 'incomplete', received: data.size };
}

function floorToGranularity(n: number): number {
  return Math.floor(n / CHUNK_GRANULARITY) * CHUNK_GRANULARITY;
}

async function drainQuietly(body: Readable): Promise<void> {
  for await (const _ of body) {
    // discard
  }
}
