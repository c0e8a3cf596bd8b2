/**
 * Resumable upload sessions of the Cloud Storage emulator: created by `uploadType=resumable` POSTs, fed by
 * PUTs with `Content-Range` (chunks, `a-*` "rest of the object", status queries). Bytes are appended to a
 * BlobBuilder as they arrive, so the object is held once; a cut connection keeps what arrived and the
 * client resumes from the `Range` of the next 308.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BlobBuilder } from '../harness/blob.js';
import { HttpError } from '../harness/http.js';
import type { Preconditions } from './preconditions.js';
import type { UploadContentRange } from './ranges.js';
import type { StorageObjectData, WritableMetadata } from './resource.js';

export interface UploadSession {
  id: string;
  bucket: string;
  name: string;
  metadata: WritableMetadata;
  preconditions: Preconditions;
  /** `X-Upload-Content-Length` of the initiating POST, if any. */
  declaredSize?: number;
  data: BlobBuilder;
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

/**
 * Applies one PUT to a session. Bytes the server already has (a client re-sending after a lost reply)
 * are skipped; a gap (start beyond what was received) is a 400. `range` undefined means the whole object
 * in this one body.
 */
export async function applyPut(session: UploadSession, range: UploadContentRange | undefined, body: Readable): Promise<PutOutcome> {
  const data = session.data;
  const r = range ?? { first: 0 };
  let total = r.total ?? session.declaredSize;

  if (r.first !== undefined) {
    if (r.first > data.size) {
      throw new HttpError(
        400,
        `Invalid request. The Content-Range starts at ${r.first} but only ${data.size} bytes were persisted.`,
        'invalid',
      );
    }
    let skip = data.size - r.first;
    for await (const raw of body) {
      let chunk = raw as Buffer;
      if (skip > 0) {
        const n = Math.min(skip, chunk.length);
        skip -= n;
        chunk = chunk.subarray(n);
      }
      data.append(chunk);
      if (total !== undefined && data.size > total) {
        throw new HttpError(400, `Invalid request. Received more than the declared ${total} bytes.`, 'invalid');
      }
    }
    // `a-*` with an unknown total: this body was the rest of the object.
    if (r.last === undefined && total === undefined) total = data.size;
  } else {
    for await (const _ of body) {
      // a status query has no body
    }
  }
  if (total !== undefined && data.size === total) return { kind: 'complete' };
  if (total !== undefined && data.size > total) {
    throw new HttpError(400, `Invalid request. Received more than the declared ${total} bytes.`, 'invalid');
  }
  return { kind: 'incomplete', received: data.size };
}
