/**
 * Open resumable upload sessions: what each was opened for (create, or new content for a file), by whom,
 * the bytes persisted so far, and when it dies (a week by default, or `expireAll`). PUTs to one session
 * are serialized, so a status probe never overtakes a chunk whose connection was just cut.
 */
import { randomBytes } from 'node:crypto';
import { BlobBuilder } from '../harness/blob.js';
import { systemClock, type Clock } from '../harness/clock.js';
import type { Metadata, WriteParams } from './file-ops.js';
import type { Caller } from './store.js';

export const DEFAULT_SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

export interface UploadSession {
  id: string;
  caller: Caller;
  /** Undefined: the session creates a file; else it uploads new content for this file. */
  fileId?: string;
  metadata: Metadata;
  params: WriteParams;
  /** `fields` of the initiating request, applied to the final reply. */
  fields?: string;
  contentType: string;
  /** Total size, once known (X-Upload-Content-Length or a Content-Range total). */
  total?: number;
  persisted: BlobBuilder;
  expiresAtMs: number;
  /** The file once the upload completed (later probes answer with it). */
  resultFileId?: string;
  /** The PUT in progress, if any. */
  inFlight?: Promise<void>;
}

export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>();

  constructor(
    public ttlMs: number = DEFAULT_SESSION_TTL_MS,
    /** The hub's clock (emulators/harness/clock.ts), so a test can outlive a session without sleeping. */
    private readonly clock: Clock = systemClock,
  ) {}

  open(init: Omit<UploadSession, 'id' | 'persisted' | 'expiresAtMs'>): UploadSession {
    const id = `ADPyc${randomBytes(30).toString('base64url')}`;
    const session: UploadSession = { ...init, id, persisted: new BlobBuilder(), expiresAtMs: this.clock.now() + this.ttlMs };
    this.sessions.set(id, session);
    return session;
  }

  /** A live session, or undefined (unknown, expired or cancelled). */
  get(id: string): UploadSession | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (this.clock.now() >= session.expiresAtMs) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  delete(id: string): boolean {
    return this.sessions.delete(id);
  }

  /** Every open session answers 404 from now on. */
  expireAll(): void {
    this.sessions.clear();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Runs `fn` after any PUT in flight on the session, and marks it in flight meanwhile. */
  async serialize<T>(session: UploadSession, fn: () => Promise<T>): Promise<T> {
    while (session.inFlight) await session.inFlight.catch(() => undefined);
    const run = fn();
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    session.inFlight = settled;
    try {
      return await run;
    } finally {
      if (session.inFlight === settled) session.inFlight = undefined;
    }
  }
}
