/**
 * Drive's upload endpoints (https://developers.google.com/workspace/drive/api/guides/manage-uploads):
 * `POST /upload/drive/v3/files` and `PATCH /upload/drive/v3/files/ID` with
 * `uploadType=media|multipart|resumable` (also under `/resumable/upload/...`, the discovery document's
 * resumable path), and `PUT` or `POST` to a resumable session URI
 * (`/upload/drive/v3/files[/ID]?uploadType=resumable&upload_id=...`). Content is streamed into Blobs and
 * held once. Route names: `drive.upload.create`, `drive.upload.update`, `drive.upload.session`.
 */
import { Blob, BlobBuilder } from '../harness/blob.js';
import { drain, readJson, sendJson, type RequestContext, type Route } from '../harness/http.js';
import { parseMultipartRelated } from '../harness/multipart.js';
import { persistedRange, sendResumeIncomplete } from '../harness/resume-incomplete.js';
import type { OAuthEmulator } from '../oauth/index.js';
import { authenticate } from './auth.js';
import { badRequest, DriveError } from './errors.js';
import { createFile, metadataObject, precheckCreate, updateFile, writeParamsOf, type Content, type Metadata } from './file-ops.js';
import type { FileReplies } from './replies.js';
import { parseContentRange, persistedAfterInterruption, planChunk, ResumableProtocolError, type ContentRange } from './resumable.js';
import type { DriveQuotas } from './quotas.js';
import { isWorkspaceType, type Caller, type DriveStore, type StoredFile } from './store.js';
import { checkKeepForever } from './structure.js';
import type { UploadSession, UploadSessions } from './upload-sessions.js';

export interface UploadDeps {
  store: DriveStore;
  quotas: DriveQuotas;
  sessions: UploadSessions;
  oauth: Pick<OAuthEmulator, 'verifyAccessToken'>;
  replies: FileReplies;
  baseUrl(): string;
}

const isSessionPut = (url: URL) => url.searchParams.has('upload_id');
/** `/resumable/upload/...` is the resumable path of Drive's discovery document (`mediaUpload.protocols.resumable.path`). */
const FILES_UPLOAD = /^\/(?:resumable\/)?upload\/drive\/v3\/files$/;
const FILE_UPLOAD = /^\/(?:resumable\/)?upload\/drive\/v3\/files\/(?<fileId>[^/]+)$/;
const SESSION = /^\/(?:resumable\/)?upload\/drive\/v3\/files(?:\/(?<fileId>[^/]+))?$/;
const UPLOAD_TYPES = ['media', 'multipart', 'resumable'];

function declaredLength(ctx: RequestContext): number | undefined {
  const header = ctx.req.headers['content-length'];
  if (header === undefined) return undefined;
  const n = Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function contentTypeOf(ctx: RequestContext): string {
  return (ctx.req.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim() || 'application/octet-stream';
}

export function createUploadRoutes(deps: UploadDeps): Route[] {
  const { store, quotas, sessions, oauth, replies } = deps;

  /** Quota checks before accepting `bytes` of new content (undefined: size not known yet). */
  function checkQuotas(caller: Caller, bytes: number | undefined, sharedDrive: boolean): void {
    quotas.checkDailyUpload(caller.user, bytes ?? 0);
    if (bytes !== undefined && !sharedDrive) quotas.checkStorage(caller.user, bytes);
  }

  /** After the whole content arrived: storage check, upload accounting, then create or update. */
  function commit(caller: Caller, md: Metadata, query: URLSearchParams, content: Content, fileId?: string): StoredFile {
    const params = writeParamsOf(query);
    const target = fileId ? store.find(caller, fileId, { supportsAllDrives: params.supportsAllDrives, access: 'write' }) : undefined;
    if (!target?.driveId) quotas.checkStorage(caller.user, content.blob.size);
    const file = fileId ? updateFile(store, caller, fileId, md, params, content) : createFile(store, caller, md, params, content);
    quotas.countUpload(caller.user, content.blob.size);
    return file;
  }

  async function simpleOrMultipart(ctx: RequestContext, fileId?: string): Promise<void> {
    const caller = authenticate(oauth, ctx.req);
    store.requireScope(caller, 'write');
    // Drive's upload endpoint defaults to a simple (media) upload when uploadType is absent.
    const uploadType = ctx.query.get('uploadType') ?? 'media';
    if (!UPLOAD_TYPES.includes(uploadType)) {
      await drain(ctx.body).catch(() => undefined);
      throw new DriveError(400, `Invalid upload type: ${uploadType}`, 'invalid', { location: 'uploadType', locationType: 'parameter' });
    }
    // A create is charged against the user's create rate when it is asked for (for a resumable upload:
    // when its session opens), before anything else is checked.
    if (!fileId) quotas.chargeCreate(caller.user);
    if (uploadType === 'resumable') return initiateResumable(ctx, caller, fileId);
    if (fileId) store.find(caller, fileId, { supportsAllDrives: writeParamsOf(ctx.query).supportsAllDrives, access: 'write' });
    replies.checkFileFields(ctx.query.get('fields'));
    // Content-Length is the content's size only for uploadType=media (multipart adds the metadata part).
    checkQuotas(caller, uploadType === 'media' ? declaredLength(ctx) : undefined, false);
    let md: Metadata = {};
    let content: Content;
    if (uploadType === 'multipart') {
      const parsed = await parseMultipartRelated(ctx.body, ctx.req.headers['content-type'] ?? '');
      md = metadataObject(parsed.metadata);
      content = { blob: parsed.media, mimeType: parsed.mediaContentType };
    } else {
      content = { blob: await Blob.fromStream(ctx.body), mimeType: contentTypeOf(ctx) };
    }
    const file = commit(caller, md, ctx.query, content, fileId);
    replies.sendFile(ctx, file, caller, ctx.query.get('fields'));
  }

  async function initiateResumable(ctx: RequestContext, caller: Caller, fileId?: string): Promise<void> {
    replies.checkFileFields(ctx.query.get('fields'));
    const md = metadataObject(await readJson(ctx.body));
    const params = writeParamsOf(ctx.query);
    const lengthHeader = ctx.req.headers['x-upload-content-length'];
    let total: number | undefined;
    if (lengthHeader !== undefined) {
      total = Number(lengthHeader);
      if (!Number.isSafeInteger(total) || total < 0)
        throw badRequest(`Invalid X-Upload-Content-Length: ${String(lengthHeader)}`, 'invalid');
    }
    let sharedDrive = false;
    if (fileId) {
      const target = store.find(caller, fileId, { supportsAllDrives: params.supportsAllDrives, access: 'write' });
      sharedDrive = !!target.driveId;
      // Refuse a revision that could not be kept forever before its bytes are sent (checked again at the end).
      if (params.keepRevisionForever && !isWorkspaceType(target.mimeType)) checkKeepForever(store, target);
    } else precheckCreate(store, caller, md, params);
    checkQuotas(caller, total, sharedDrive);
    const headerType = ctx.req.headers['x-upload-content-type'];
    const contentType =
      (typeof headerType === 'string' && headerType) || (typeof md.mimeType === 'string' && md.mimeType) || 'application/octet-stream';
    const session = sessions.open({
      caller,
      fileId: fileId ? store.find(caller, fileId, { supportsAllDrives: params.supportsAllDrives }).id : undefined,
      metadata: md,
      params,
      fields: ctx.query.get('fields') ?? undefined,
      contentType,
      total,
    });
    const path = fileId ? `/upload/drive/v3/files/${encodeURIComponent(session.fileId!)}` : '/upload/drive/v3/files';
    const query = new URLSearchParams(ctx.query);
    query.set('uploadType', 'resumable');
    query.set('upload_id', session.id);
    query.delete('fields');
    const location = `${deps.baseUrl()}${path}?${query.toString()}`;
    sendJson(ctx.res, 200, undefined, { location, 'x-guploader-uploadid': session.id, 'content-length': '0' });
  }

  function sessionOf(ctx: RequestContext): UploadSession {
    const session = sessions.get(ctx.query.get('upload_id') ?? '');
    const notFound = () => new DriveError(404, 'Upload session not found. It may have expired or been cancelled.', 'notFound');
    if (!session) throw notFound();
    // The session URI is the credential (Google accepts PUTs without Authorization); a valid token of
    // another user is refused as if the session did not exist.
    const token = /^Bearer\s+(\S+)/i.exec(ctx.req.headers.authorization ?? '')?.[1];
    const other = token ? oauth.verifyAccessToken(token) : undefined;
    if (other && other.user !== session.caller.user) throw notFound();
    return session;
  }

  function sendStatus(ctx: RequestContext, session: UploadSession): void {
    const range = persistedRange(session.persisted.size);
    sendResumeIncomplete(ctx.req, ctx.res, { ...(range ? { range } : {}), 'x-guploader-uploadid': session.id });
  }

  function finalize(ctx: RequestContext, session: UploadSession): void {
    const caller = session.caller;
    if (session.resultFileId === undefined) {
      const content: Content = { blob: session.persisted.build(), mimeType: session.contentType };
      const query = new URLSearchParams();
      const p = session.params;
      if (p.supportsAllDrives) query.set('supportsAllDrives', 'true');
      if (p.keepRevisionForever) query.set('keepRevisionForever', 'true');
      if (p.addParents.length) query.set('addParents', p.addParents.join(','));
      if (p.removeParents.length) query.set('removeParents', p.removeParents.join(','));
      const file = commit(caller, session.metadata, query, content, session.fileId);
      session.resultFileId = file.id;
    }
    const file = store.files.get(session.resultFileId);
    if (!file) throw new DriveError(404, `File not found: ${session.resultFileId}.`, 'notFound');
    replies.sendFile(ctx, file, caller, session.fields);
  }

  async function putChunk(ctx: RequestContext, session: UploadSession): Promise<void> {
    if (session.resultFileId !== undefined) {
      await drain(ctx.body);
      return finalize(ctx, session);
    }
    let range: ContentRange;
    let plan;
    const persisted = session.persisted.size;
    try {
      const header = ctx.req.headers['content-range'];
      const length = declaredLength(ctx);
      range = parseContentRange(header, length ?? 0);
      const bodyLength = length ?? (range.kind === 'bytes' ? range.last - range.first + 1 : 0);
      plan = planChunk(persisted, session.total, range, bodyLength);
    } catch (err) {
      await drain(ctx.body).catch(() => undefined);
      if (err instanceof ResumableProtocolError) throw badRequest(err.message, 'badRequest');
      throw err;
    }
    if (range.total !== undefined) session.total = range.total;
    if (plan.action !== 'write') {
      await drain(ctx.body);
      return plan.action === 'finalize' ? finalize(ctx, session) : sendStatus(ctx, session);
    }
    const first = range.kind === 'bytes' ? range.first : 0;
    const incoming = new BlobBuilder();
    let received = 0;
    try {
      for await (const chunk of ctx.body) {
        const buf = chunk as Buffer;
        const start = Math.max(0, plan.skip - received);
        received += buf.length;
        if (start < buf.length) incoming.append(start ? buf.subarray(start) : buf);
      }
    } catch {
      // Connection cut mid-chunk: keep what arrived, rounded down to the chunk granularity.
      const keep = persistedAfterInterruption(persisted, first, received) - persisted;
      if (keep > 0) session.persisted.appendBlob(incoming.build().truncate(keep));
      return;
    }
    const expected = range.kind === 'bytes' ? range.last - range.first + 1 : 0;
    if (received !== expected) throw badRequest(`Invalid request. Expected ${expected} byte(s) in the body, received ${received}.`);
    session.persisted.appendBlob(incoming.build());
    if (plan.keepUpTo !== undefined && session.persisted.size > plan.keepUpTo) session.persisted.truncate(plan.keepUpTo);
    if (plan.final) return finalize(ctx, session);
    sendStatus(ctx, session);
  }

  return [
    {
      method: ['PUT', 'POST'],
      path: SESSION,
      name: 'drive.upload.session',
      when: isSessionPut,
      handle: async (ctx) => {
        const session = sessionOf(ctx);
        await sessions.serialize(session, () => putChunk(ctx, session));
      },
    },
    {
      method: 'DELETE',
      path: SESSION,
      name: 'drive.upload.cancel',
      when: isSessionPut,
      handle: async (ctx) => {
        const session = sessionOf(ctx);
        await drain(ctx.body);
        sessions.delete(session.id);
        // Google answers a cancelled session with 499 Client Closed Request.
        sendJson(ctx.res, 499, undefined, { 'content-length': '0' });
      },
    },
    {
      method: 'POST',
      path: FILES_UPLOAD,
      name: 'drive.upload.create',
      handle: (ctx) => simpleOrMultipart(ctx),
    },
    {
      method: 'PATCH',
      path: FILE_UPLOAD,
      name: 'drive.upload.update',
      handle: (ctx) => simpleOrMultipart(ctx, ctx.params.fileId),
    },
  ];
}
