/**
 * Upload routes of the Cloud Storage JSON API emulator (`/upload/storage/v1/b/B/o`, and the
 * `/resumable/upload/storage/v1/b/B/o` path the discovery document names for resumable uploads and gcloud
 * uses): `uploadType=media`, `uploadType=multipart` (multipart/related, streamed) and
 * `uploadType=resumable` (POST starts a session, PUTs or POSTs to the session URI send chunks or query
 * status, DELETE cancels). https://cloud.google.com/storage/docs/uploading-objects and
 * https://cloud.google.com/storage/docs/performing-resumable-uploads.
 */
import { BlobBuilder } from '../harness/blob.js';
import { drain, HttpError, readJson, sendJson, type RequestContext, type Route } from '../harness/http.js';
import { persistedRange, sendResumeIncomplete } from '../harness/resume-incomplete.js';
import { parseMultipartRelated } from '../harness/multipart.js';
import { parseGoogHash, verifyClaimedHashes, type GcsContext } from './context.js';
import { validateObjectName } from './objects.js';
import { parseGenerationNumber, preconditionsFromQuery } from './preconditions.js';
import { parseUploadContentRange } from './ranges.js';
import { applyPut, type UploadSession } from './resumable.js';
import { assertHeaderSafe, toResource, writableMetadataOf } from './resource.js';

/** `resumable/` is the resumable path alias of the discovery document (`mediaUpload.protocols.resumable.path`). */
const UPLOAD_PATH = /^\/(?:resumable\/)?upload\/storage\/v1\/b\/(?<bucket>[^/]+)\/o\/?$/;
const UPLOAD_TYPES = ['media', 'multipart', 'resumable'];

const uploadType = (type: string) => (url: URL) => url.searchParams.get('uploadType') === type;

function header(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function bucketOf(g: GcsContext, ctx: RequestContext): string {
  const bucket = ctx.params.bucket ?? '';
  g.store.bucket(bucket);
  return bucket;
}

async function mediaUpload(g: GcsContext, ctx: RequestContext): Promise<void> {
  const bucket = bucketOf(g, ctx);
  const name = validateObjectName(ctx.query.get('name') ?? undefined);
  const preconditions = preconditionsFromQuery(ctx.query);
  const builder = new BlobBuilder();
  for await (const chunk of ctx.body) builder.append(chunk as Buffer);
  const content = builder.build();
  verifyClaimedHashes(content, parseGoogHash(ctx.req.headers['x-goog-hash']));
  const contentType = header(ctx, 'content-type');
  const obj = g.store.insert(bucket, name, content, { contentType }, preconditions);
  sendJson(ctx.res, 200, toResource(obj, g.baseUrl()));
}

async function multipartUpload(g: GcsContext, ctx: RequestContext): Promise<void> {
  const bucket = bucketOf(g, ctx);
  const preconditions = preconditionsFromQuery(ctx.query);
  const { metadata, mediaContentType, media } = await parseMultipartRelated(ctx.body, header(ctx, 'content-type') ?? '');
  const m = (metadata && typeof metadata === 'object' ? metadata : {}) as Record<string, unknown>;
  const name = validateObjectName(ctx.query.get('name') ?? (typeof m.name === 'string' ? m.name : undefined));
  verifyClaimedHashes(media, { crc32c: m.crc32c, md5: m.md5Hash });
  verifyClaimedHashes(media, parseGoogHash(ctx.req.headers['x-goog-hash']));
  const meta = writableMetadataOf(m);
  meta.contentType ||= mediaContentType;
  const obj = g.store.insert(bucket, name, media, meta, preconditions);
  sendJson(ctx.res, 200, toResource(obj, g.baseUrl()));
}

async function startResumable(g: GcsContext, ctx: RequestContext): Promise<void> {
  const bucket = bucketOf(g, ctx);
  const body = await readJson<Record<string, unknown>>(ctx.body);
  const name = validateObjectName(ctx.query.get('name') ?? (typeof body.name === 'string' ? body.name : undefined));
  const preconditions = preconditionsFromQuery(ctx.query);
  const meta = writableMetadataOf(body);
  meta.contentType ||= header(ctx, 'x-upload-content-type');
  // Refused before any byte is sent, not at finalization.
  assertHeaderSafe(meta);
  const sizeHeader = header(ctx, 'x-upload-content-length');
  const session = g.sessions.create({
    bucket,
    name,
    metadata: meta,
    preconditions,
    total: sizeHeader ? parseGenerationNumber(sizeHeader, 'X-Upload-Content-Length') : undefined,
    // The object resource's `md5Hash` and `crc32c` are writable on insert, and Cloud Storage checks the
    // stored bytes against them when the upload completes, refusing the object with 400 on a mismatch
    // (https://cloud.google.com/storage/docs/data-validation, "Checksums for data writes";
    // https://cloud.google.com/storage/docs/json_api/v1/objects/insert).
    claimed: { crc32c: body.crc32c, md5: body.md5Hash },
  });
  const location = new URL(`${g.baseUrl()}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o`);
  location.searchParams.set('uploadType', 'resumable');
  location.searchParams.set('name', name);
  location.searchParams.set('upload_id', session.id);
  ctx.res.writeHead(200, { location: location.toString(), 'content-length': 0 });
  ctx.res.end();
}

function finalize(g: GcsContext, ctx: RequestContext, session: UploadSession): void {
  const content = session.data.build();
  verifyClaimedHashes(content, parseGoogHash(ctx.req.headers['x-goog-hash']));
  if (session.claimed) verifyClaimedHashes(content, session.claimed);
  const obj = g.store.insert(session.bucket, session.name, content, session.metadata, session.preconditions);
  session.result = toResource(obj, g.baseUrl());
  // A finalized session answers later PUTs with its result alone: its bytes (now the object's) are let go.
  session.data = new BlobBuilder();
  sendJson(ctx.res, 200, session.result);
}

async function putResumable(g: GcsContext, ctx: RequestContext): Promise<void> {
  const session = g.sessions.get(ctx.query.get('upload_id'));
  if (session.result) {
    for await (const _ of ctx.body) {
      // already finalized: the reply is the object again
    }
    sendJson(ctx.res, 200, session.result);
    return;
  }
  const rangeHeader = header(ctx, 'content-range');
  const range = parseUploadContentRange(rangeHeader);
  if (rangeHeader !== undefined && !range && !/^\s*bytes\s+0--1\/0\s*$/.test(rangeHeader)) {
    throw new HttpError(400, `Failed to parse Content-Range header: ${rangeHeader}`, 'invalid');
  }
  const outcome = await applyPut(session, range, ctx.body);
  if (outcome.kind === 'complete') {
    try {
      finalize(g, ctx, session);
    } catch (err) {
      // A failed finalization (precondition, hash) ends the session, as in GCS; a rate-limited one (429)
      // keeps it, and the client's retry of the last request (or a status query) finalizes it.
      if (!(err instanceof HttpError && err.status === 429)) g.sessions.delete(session.id);
      throw err;
    }
    return;
  }
  const persisted = persistedRange(outcome.received);
  sendResumeIncomplete(ctx.req, ctx.res, persisted ? { range: persisted } : {});
}

/** An upload POST without a known `uploadType` (https://cloud.google.com/storage/docs/json_api/v1/objects/insert). */
async function unknownUploadType(ctx: RequestContext): Promise<void> {
  await drain(ctx.body).catch(() => undefined);
  const type = ctx.query.get('uploadType');
  throw new HttpError(
    400,
    type === null
      ? 'Required parameter: uploadType'
      : `Invalid value for parameter uploadType: "${type}". Use media, multipart or resumable.`,
    type === null ? 'required' : 'invalid',
  );
}

function cancelResumable(g: GcsContext, ctx: RequestContext): void {
  const session = g.sessions.get(ctx.query.get('upload_id'));
  g.sessions.delete(session.id);
  ctx.res.writeHead(499, { 'content-length': 0 });
  ctx.res.end();
}

export function uploadRoutes(g: GcsContext): Route[] {
  return [
    { method: 'POST', path: UPLOAD_PATH, name: 'gcs.upload.media', when: uploadType('media'), handle: (ctx) => mediaUpload(g, ctx) },
    {
      method: 'POST',
      path: UPLOAD_PATH,
      name: 'gcs.upload.multipart',
      when: uploadType('multipart'),
      handle: (ctx) => multipartUpload(g, ctx),
    },
    {
      method: 'POST',
      path: UPLOAD_PATH,
      name: 'gcs.upload.resumable.start',
      when: (url) => uploadType('resumable')(url) && !url.searchParams.has('upload_id'),
      handle: (ctx) => startResumable(g, ctx),
    },
    {
      method: ['PUT', 'POST'],
      path: UPLOAD_PATH,
      name: 'gcs.upload.resumable.put',
      when: (url) => url.searchParams.has('upload_id'),
      handle: (ctx) => putResumable(g, ctx),
    },
    {
      method: 'DELETE',
      path: UPLOAD_PATH,
      name: 'gcs.upload.resumable.cancel',
      when: (url) => url.searchParams.has('upload_id'),
      handle: (ctx) => cancelResumable(g, ctx),
    },
    {
      method: 'POST',
      path: UPLOAD_PATH,
      name: 'gcs.upload.invalid',
      when: (url) => !UPLOAD_TYPES.includes(url.searchParams.get('uploadType') ?? ''),
      handle: (ctx) => unknownUploadType(ctx),
    },
  ];
}
