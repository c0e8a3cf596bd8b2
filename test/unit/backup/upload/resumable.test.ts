/**
 * The resumable upload (resumable.ts) against fakes at its IO edge: the session protocol in memory (a
 * session holds the bytes it was sent), Drive in memory behind the real gateway, the state bucket in
 * memory, Cloud Storage as a fake client the real ranged reader (gcs/source.ts) reads. A fresh upload
 * opens a session and writes it into the record; a retry continues where Drive stopped; a vanished session
 * starts over once; the deadline stops it with the lease released; a lease taken over stops it before
 * its next chunk; a record's file that is gone or taken is a BackupFileGoneError.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Storage } from '@google-cloud/storage';
import { ObjectBusyError } from '../../../../src/backup/claim/claim.js';
import type { ObjectRecord } from '../../../../src/backup/claim/plan.js';
import { ResumableUpload, type ResumableUploadJob, type SessionProtocol } from '../../../../src/backup/upload/resumable.js';
import { DriveHttpError, SessionGoneError } from '../../../../src/backup/upload/session.js';
import { BackupFileGoneError, type DriveFile } from '../../../../src/drive/files.js';
import { APP_PROPERTY } from '../../../../src/drive/object-path.js';
import type { Versioned } from '../../../../src/state/store.js';
import { FakeDrive, FakeStore } from '../fakes.js';

const CHUNK = 4;
const CONTENT = Buffer.from('0123456789abcdefghij'); // five chunks
const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');
const KEY = 'objects/a.bin';
const META = {
  name: 'a.bin',
  mimeType: 'application/octet-stream',
  description: 'gs://src/a.bin#7',
  appProperties: { [APP_PROPERTY.generation]: '7' },
};

interface FakeSession {
  fileId?: string;
  metadata: object;
  query: Record<string, string>;
  held: Buffer;
  file?: DriveFile;
}

/** Resumable sessions in memory: `gone` makes the next send (or probe) find its session gone. */
class FakeSessions implements SessionProtocol {
  readonly sessions = new Map<string, FakeSession>();
  readonly calls: string[] = [];
  /** Errors the next `start` calls throw, in order. */
  readonly startFailures: Error[] = [];
  /** The next this many sends find their session gone. */
  goneOnSend = 0;
  /** An error Drive answers the next send's PUT with, through the upload's retrying call. */
  sendFailure: Error | undefined;
  private opened = 0;

  start: SessionProtocol['start'] = async (o) => {
    this.calls.push(o.fileId ? `start revise ${o.fileId}` : 'start create');
    const failure = this.startFailures.shift();
    if (failure) throw failure;
    const uri = `session-${++this.opened}`;
    this.sessions.set(uri, { fileId: o.fileId, metadata: o.metadata, query: o.query ?? {}, held: Buffer.alloc(0) });
    return uri;
  };

  status: SessionProtocol['status'] = async (o) => {
    this.calls.push(`status ${o.sessionUri}`);
    const s = this.session(o.sessionUri);
    return s.file ? { complete: true, file: s.file } : { complete: false, persisted: s.held.length };
  };

  send: SessionProtocol['send'] = async (o) => {
    this.calls.push(`send ${o.sessionUri} from ${o.startOffset}`);
    const s = this.session(o.sessionUri);
    if (this.goneOnSend > 0) {
      this.goneOnSend--;
      this.sessions.delete(o.sessionUri);
      throw new SessionGoneError(404);
    }
    const failure = this.sendFailure;
    this.sendFailure = undefined;
    if (failure) await o.retry('chunk', async () => Promise.reject(failure));
    let offset = o.startOffset;
    let source = await readAll(o.openSource(offset)).catch(() => readAll(o.openSource(offset)));
    while (offset < o.total) {
      if (o.deadline && !o.deadline.canStart(1)) return { complete: false, offset, bytesSent: offset - o.startOffset };
      const bytes = Math.min(o.chunkBytes, o.total - offset);
      o.onChunk?.({ offset, bytes });
      s.held = Buffer.concat([s.held, source.subarray(0, bytes)]);
      source = source.subarray(bytes);
      o.onSent?.(bytes);
      offset += bytes;
      await new Promise((resolve) => setImmediate(resolve)); // the PUT's round trip
    }
    s.file = { id: s.fileId ?? String((s.metadata as { id?: string }).id), md5Checksum: md5(s.held) };
    return { complete: true, file: s.file, bytesSent: offset - o.startOffset, md5Hex: o.md5 ? md5(s.held) : undefined };
  };

  private session(uri: string): FakeSession {
    const s = this.sessions.get(uri);
    if (!s) throw new SessionGoneError(404);
    return s;
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Cloud Storage's ranged reads of CONTENT; `failReads` makes the next reads break. */
function fakeStorage(reads: number[], failReads = { count: 0 }, streams: Readable[] = [], holdOpen = false): Storage {
  const file = {
    createReadStream: ({ start = 0 }: { start?: number }) => {
      reads.push(start);
      if (failReads.count > 0) {
        failReads.count--;
        return new Readable({
          read() {
            this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
          },
        });
      }
      // Held open: the bytes, then no end (a read nobody finishes stays open until it is closed).
      const stream = holdOpen ? new Readable({ read: () => undefined }) : Readable.from([CONTENT.subarray(start)]);
      if (holdOpen) stream.push(CONTENT.subarray(start));
      streams.push(stream);
      return stream;
    },
  };
  return { bucket: () => ({ file: () => file }) } as unknown as Storage;
}

function world(
  options: { record?: Partial<ObjectRecord>; md5Hash?: string; chunksAllowed?: number; failReads?: number; holdOpen?: boolean } = {},
) {
  const drive = new FakeDrive();
  const store = new FakeStore();
  const sessions = new FakeSessions();
  const reads: number[] = [];
  const streams: Readable[] = [];
  const retried: { what: string; attempt: number }[] = [];
  let allowed = options.chunksAllowed ?? Infinity;
  const job: ResumableUploadJob = {
    ref: { bucket: 'src', name: 'a.bin', generation: '7', md5Hash: options.md5Hash },
    size: CONTENT.length,
    key: KEY,
    meta: { ...META, parents: ['folder'] },
    scope: {},
    recordScope: {},
    request: { deadline: { canStart: () => allowed-- > 0 } },
    deps: {
      config: { keepRevisionsForever: false, leaseMs: 60_000, uploadChunkBytes: CHUNK, ioIdleTimeoutMs: 1000 },
      logger: { keptRevisionReleased: () => undefined },
      storage: fakeStorage(reads, { count: options.failReads ?? 0 }, streams, options.holdOpen),
      source: { retried: (what, info) => void retried.push({ what, attempt: info.attempt }) },
      store,
      drive: drive.gateway(),
    },
  };
  const start = async () => {
    const value: ObjectRecord = {
      v: 1,
      generation: '7',
      fileId: 'f',
      status: 'uploading',
      owner: 'me',
      leaseUntil: Date.now() + 60_000,
      fileCreated: false,
      ...options.record,
    };
    return (await store.create(KEY, value)) as Versioned<ObjectRecord>;
  };
  const record = async () => (await store.read<ObjectRecord>(KEY))?.value;
  return { drive, store, sessions, reads, streams, retried, job, start, record };
}

const upload = async (w: ReturnType<typeof world>) => new ResumableUpload(w.job, await w.start(), w.sessions).run();

describe('ResumableUpload', () => {
  test('a fresh upload: a create session with the record id, written into the record, all bytes sent from 0', async () => {
    const w = world();
    const result = await upload(w);
    assert.ok(result.complete);
    assert.deepEqual([result.file.id, result.md5Hex, result.record.value.session], ['f', md5(CONTENT), 'session-1']);
    assert.deepEqual(w.sessions.calls, ['start create', 'send session-1 from 0']);
    assert.deepEqual(w.sessions.sessions.get('session-1')?.metadata, { id: 'f', parents: ['folder'], ...META });
    assert.deepEqual(w.sessions.sessions.get('session-1')?.held, CONTENT);
    assert.equal((await w.record())?.session, 'session-1');
    assert.equal((await w.store.read(KEY))?.version, '2', 'one write (the session): a lease not yet due is not renewed');
  });

  test('a fresh upload opens the Cloud Storage read while Drive opens the session, and sends from that one read', async () => {
    const w = world();
    const readsWhenOpened: number[][] = [];
    const start = w.sessions.start;
    w.sessions.start = async (o) => (readsWhenOpened.push([...w.reads]), start(o));
    const result = await upload(w);
    assert.ok(result.complete);
    assert.deepEqual(readsWhenOpened, [[0]], 'the read from byte 0 was already open when the session was asked for');
    assert.deepEqual(w.reads, [0]);
  });

  test('a session that cannot be opened closes the read opened ahead', async () => {
    const w = world({ holdOpen: true });
    w.sessions.startFailures.push(new DriveHttpError(409, 'conflict', ''));
    await assert.rejects(upload(w), BackupFileGoneError);
    assert.deepEqual(w.reads, [0]);
    await new Promise((resolve) => setImmediate(resolve)); // the reader's 'close' reaches the client's stream
    assert.equal(w.streams.length, 1);
    assert.ok(w.streams[0].destroyed, 'the read is closed');
  });

  test('Cloud Storage has the MD5: the bytes are not hashed on the way', async () => {
    const result = await upload(world({ md5Hash: md5(CONTENT) }));
    assert.ok(result.complete);
    assert.equal(result.md5Hex, undefined);
  });

  test('a retry continues where Drive stopped: one probe, the source read from that offset, no new session', async () => {
    const w = world({ record: { session: 'session-1' } });
    w.sessions.sessions.set('session-1', { metadata: { id: 'f' }, query: {}, held: CONTENT.subarray(0, 8) });
    const result = await upload(w);
    assert.ok(result.complete);
    assert.deepEqual(w.sessions.calls, ['status session-1', 'send session-1 from 8']);
    assert.deepEqual(w.reads, [8]);
    assert.deepEqual(w.sessions.sessions.get('session-1')?.held, CONTENT);
    assert.equal(result.md5Hex, undefined, 'bytes this invocation did not send cannot be hashed');
  });

  test('a session that already finished: its file, nothing sent', async () => {
    const w = world({ record: { session: 'session-1' } });
    const file = { id: 'f', md5Checksum: md5(CONTENT) };
    w.sessions.sessions.set('session-1', { metadata: { id: 'f' }, query: {}, held: CONTENT, file });
    const result = await upload(w);
    assert.deepEqual(result, { complete: true, file, record: result.complete ? result.record : undefined });
    assert.deepEqual([w.sessions.calls, w.reads], [['status session-1'], []]);
  });

  test('a session gone when probed: a new one, from byte 0', async () => {
    const w = world({ record: { session: 'session-9' } });
    const result = await upload(w);
    assert.ok(result.complete);
    assert.deepEqual(w.sessions.calls, ['status session-9', 'start create', 'send session-1 from 0']);
    assert.equal((await w.record())?.session, 'session-1');
  });

  test('a session gone while sending: dropped from the record and started over once', async () => {
    const w = world();
    w.sessions.goneOnSend = 1;
    const result = await upload(w);
    assert.ok(result.complete);
    assert.deepEqual(w.sessions.calls, ['start create', 'send session-1 from 0', 'start create', 'send session-2 from 0']);
    assert.equal((await w.record())?.session, 'session-2');
  });

  test('a session gone twice: the failure goes to the caller', async () => {
    const w = world();
    w.sessions.goneOnSend = 2;
    await assert.rejects(upload(w), SessionGoneError);
    assert.equal(w.sessions.calls.filter((c) => c === 'start create').length, 2);
  });

  test('the deadline: stopped between chunks with the session kept and the lease released', async () => {
    const w = world({ chunksAllowed: 2 });
    const result = await upload(w);
    assert.deepEqual(result, { complete: false, offset: 2 * CHUNK });
    const record = await w.record();
    assert.deepEqual([record?.session, record?.leaseUntil], ['session-1', 0]);
  });

  test('a lease due for renewal is renewed while chunks flow', async () => {
    const w = world({ record: { leaseUntil: Date.now() } });
    const result = await upload(w);
    assert.ok(result.complete);
    assert.ok(((await w.record())?.leaseUntil ?? 0) > Date.now() + 30_000);
  });

  test('a lease taken over by another instance: stopped before the next chunk, ObjectBusyError', async () => {
    const w = world({ record: { session: 'session-1', leaseUntil: Date.now() } });
    w.sessions.sessions.set('session-1', { metadata: { id: 'f' }, query: {}, held: Buffer.alloc(0) });
    const owned = await w.start();
    assert.ok(await w.store.replace(KEY, { ...owned.value, owner: 'other' }, owned.version));
    await assert.rejects(new ResumableUpload(w.job, owned, w.sessions).run(), ObjectBusyError);
    assert.deepEqual(w.sessions.sessions.get('session-1')?.held, CONTENT.subarray(0, CHUNK));
    assert.equal((await w.record())?.owner, 'other');
  });

  test('a known file: a revision session for it; its file deleted in Drive (404) is a BackupFileGoneError', async () => {
    const w = world({ record: { fileCreated: true } });
    w.sessions.startFailures.push(new DriveHttpError(404, 'notFound', ''));
    await assert.rejects(upload(w), BackupFileGoneError);
    assert.deepEqual(w.sessions.calls, ['start revise f']);
  });

  test('a new file whose id is taken (409): a BackupFileGoneError, not a retry', async () => {
    const w = world();
    w.sessions.startFailures.push(new DriveHttpError(409, 'conflict', ''));
    await assert.rejects(upload(w), BackupFileGoneError);
    assert.deepEqual(w.sessions.calls, ['start create']);
  });

  test('a new file whose id turns out taken when Drive creates it (409 to a chunk): a BackupFileGoneError', async () => {
    const w = world();
    w.sessions.sendFailure = new DriveHttpError(409, 'conflict', '');
    await assert.rejects(upload(w), BackupFileGoneError);
  });

  test('a Cloud Storage read that breaks is told to the source gateway as a retry', async () => {
    const w = world({ failReads: 1 });
    const result = await upload(w);
    assert.ok(result.complete);
    assert.deepEqual(w.retried, [{ what: 'read gs://src/a.bin#7', attempt: 1 }]);
    assert.deepEqual(w.reads, [0, 0]);
  });
});
