/**
 * Object routes of the Cloud Storage JSON API emulator: metadata get, media download (JSON path with
 * `alt=media` and the `/download/storage/v1/...` path; Range, generation, hash headers, decompressive
 * transcoding: transcoding.ts), list, patch, delete and compose.
 */
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Blob } from '../harness/blob.js';
import { drain, HttpError, readJson, sendJson, type RequestContext, type Route } from '../harness/http.js';
import { generationParam, JSON_API, objectParams, type GcsContext } from './context.js';
import { objectNotFound } from './objects.js';
import { assertPreconditions, parseGenerationNumber, preconditionsFromJson, preconditionsFromQuery } from './preconditions.js';
import { contentRangeValue, parseRangeHeader } from './ranges.js';
import { etagOf, toResource, writableMetadataOf, type StoredObject } from './resource.js';
import { servesDecompressed } from './transcoding.js';

const OBJECT = '/b/(?<bucket>[^/]+)/o/(?<object>.+)$';
const MAX_COMPOSE_SOURCES = 32;

function isMedia(url: URL): boolean {
  return url.searchParams.get('alt') === 'media';
}

/** Looks up the targeted generation and checks read preconditions (304/412). */
function readTarget(g: GcsContext, ctx: RequestContext): StoredObject {
  const { bucket, name } = objectParams(ctx);
  const obj = g.store.find(bucket, name, generationParam(ctx));
  assertPreconditions(obj, preconditionsFromQuery(ctx.query), true);
  return obj;
}

async function sendMedia(g: GcsContext, ctx: RequestContext): Promise<void> {
  await drain(ctx.body);
  const obj = readTarget(g, ctx);
  const size = obj.content.size;
  const decompress = servesDecompressed(obj, ctx.req.headers['accept-encoding']);
  // A transcoded download ignores Range: the whole object, 200 (transcoding.ts).
  const range = decompress ? ({ kind: 'full' } as const) : parseRangeHeader(ctx.req.headers.range, size);
  if (range.kind === 'unsatisfiable') {
    throw new HttpError(416, 'The requested range cannot be satisfied.', 'requestedRangeNotSatisfiable', {
      'content-range': `bytes */${size}`,
    });
  }
  const hash =
    obj.componentCount === undefined ? `crc32c=${obj.content.crc32c},md5=${obj.content.md5Base64}` : `crc32c=${obj.content.crc32c}`;
  const headers: Record<string, string | number> = {
    'content-type': obj.contentType,
    'x-goog-hash': hash,
    'x-goog-generation': String(obj.generation),
    'x-goog-metageneration': String(obj.metageneration),
    'x-goog-stored-content-length': String(size),
    'x-goog-stored-content-encoding': obj.contentEncoding || 'identity',
    'x-goog-storage-class': 'STANDARD',
    etag: `"${etagOf(obj.generation, obj.metageneration)}"`,
    'last-modified': obj.updated.toUTCString(),
    'accept-ranges': 'bytes',
  };
  if (obj.contentEncoding && !decompress) headers['content-encoding'] = obj.contentEncoding;
  if (obj.contentDisposition) headers['content-disposition'] = obj.contentDisposition;
  if (obj.cacheControl) headers['cache-control'] = obj.cacheControl;
  const [status, start, end]: [200 | 206, number, number] = range.kind === 'partial' ? [206, range.start, range.end] : [200, 0, size];
  if (status === 206) headers['content-range'] = contentRangeValue(start, end, size);
  // Decompressed, the length is not known in advance: no Content-Length (chunked), as Google sends it.
  if (!decompress) headers['content-length'] = end - start;
  if (ctx.req.method !== 'HEAD') {
    g.downloads.record({ bucket: obj.bucket, name: obj.name, generation: String(obj.generation), start, end, status, atMs: Date.now() });
  }
  ctx.res.writeHead(status, headers);
  if (ctx.req.method === 'HEAD' || end === start) {
    ctx.res.end();
    return;
  }
  // The client may hang up mid-body (or a fault cuts the socket), or stored "gzip" bytes may not
  // decompress: the response is cut, nothing else to report.
  if (decompress) await pipeline(obj.content.stream(0, size), createGunzip(), ctx.res).catch(() => ctx.res.destroy());
  else await pipeline(obj.content.stream(start, end), ctx.res).catch(() => undefined);
}

function listObjects(g: GcsContext, ctx: RequestContext): void {
  const q = ctx.query;
  const maxRaw = q.get('maxResults');
  const maxResults = maxRaw ? parseGenerationNumber(maxRaw, 'maxResults') : undefined;
  const page = g.store.list(objectParams(ctx).bucket, {
    prefix: q.get('prefix') ?? undefined,
    delimiter: q.get('delimiter') ?? undefined,
    startOffset: q.get('startOffset') ?? undefined,
    endOffset: q.get('endOffset') ?? undefined,
    pageToken: q.get('pageToken') || undefined,
    maxResults,
    includeTrailingDelimiter: q.get('includeTrailingDelimiter') === 'true',
    versions: q.get('versions') === 'true',
  });
  const body: Record<string, unknown> = { kind: 'storage#objects' };
  if (page.nextPageToken) body.nextPageToken = page.nextPageToken;
  if (page.prefixes.length) body.prefixes = page.prefixes;
  body.items = page.items.map((o) => toResource(o, g.baseUrl()));
  sendJson(ctx.res, 200, body);
}

async function compose(g: GcsContext, ctx: RequestContext): Promise<void> {
  const { bucket, name } = objectParams(ctx);
  g.store.bucket(bucket);
  const body = await readJson<{ destination?: unknown; sourceObjects?: unknown }>(ctx.body);
  const sources = body.sourceObjects;
  if (!Array.isArray(sources) || sources.length === 0) throw new HttpError(400, 'Required', 'required');
  if (sources.length > MAX_COMPOSE_SOURCES) {
    throw new HttpError(
      400,
      `The number of source components provided (${sources.length}) exceeds the maximum (${MAX_COMPOSE_SOURCES}).`,
      'invalid',
    );
  }
  const parts: StoredObject[] = [];
  let componentCount = 0;
  for (const s of sources as Array<Record<string, unknown>>) {
    if (!s || typeof s.name !== 'string' || !s.name) throw new HttpError(400, 'Required', 'required');
    const gen = s.generation === undefined || s.generation === null ? undefined : parseGenerationNumber(String(s.generation), 'generation');
    let src: StoredObject;
    try {
      src = g.store.find(bucket, s.name, gen);
    } catch {
      throw objectNotFound(bucket, s.name, gen);
    }
    const pre = preconditionsFromJson(s.objectPreconditions);
    if (pre.ifGenerationMatch !== undefined) assertPreconditions(src, { ifGenerationMatch: pre.ifGenerationMatch });
    parts.push(src);
    componentCount += src.componentCount ?? 1;
  }
  const meta = writableMetadataOf(body.destination);
  const content = Blob.concat(parts.map((p) => p.content));
  const obj = g.store.insert(bucket, name, content, meta, preconditionsFromQuery(ctx.query), { componentCount });
  sendJson(ctx.res, 200, toResource(obj, g.baseUrl()));
}

export function objectRoutes(g: GcsContext): Route[] {
  return [
    {
      method: 'POST',
      path: new RegExp(`${JSON_API}/b/(?<bucket>[^/]+)/o/(?<object>[^/]+)/compose$`),
      name: 'gcs.objects.compose',
      handle: (ctx) => compose(g, ctx),
    },
    {
      method: ['GET', 'HEAD'],
      path: new RegExp(`^/download/storage/v1${OBJECT}`),
      name: 'gcs.objects.download',
      handle: (ctx) => sendMedia(g, ctx),
    },
    {
      method: ['GET', 'HEAD'],
      path: new RegExp(`${JSON_API}${OBJECT}`),
      name: 'gcs.objects.download',
      when: isMedia,
      handle: (ctx) => sendMedia(g, ctx),
    },
    {
      method: 'GET',
      path: new RegExp(`${JSON_API}/b/(?<bucket>[^/]+)/o/?$`),
      name: 'gcs.objects.list',
      handle: (ctx) => listObjects(g, ctx),
    },
    {
      method: 'GET',
      path: new RegExp(`${JSON_API}${OBJECT}`),
      name: 'gcs.objects.get',
      handle: (ctx) => sendJson(ctx.res, 200, toResource(readTarget(g, ctx), g.baseUrl())),
    },
    {
      method: 'PATCH',
      path: new RegExp(`${JSON_API}${OBJECT}`),
      name: 'gcs.objects.patch',
      handle: async (ctx) => {
        const { bucket, name } = objectParams(ctx);
        g.store.bucket(bucket);
        const patch = writableMetadataOf(await readJson(ctx.body));
        const obj = g.store.patch(bucket, name, generationParam(ctx), patch, preconditionsFromQuery(ctx.query));
        sendJson(ctx.res, 200, toResource(obj, g.baseUrl()));
      },
    },
    {
      method: 'DELETE',
      path: new RegExp(`${JSON_API}${OBJECT}`),
      name: 'gcs.objects.delete',
      handle: async (ctx) => {
        await drain(ctx.body);
        const { bucket, name } = objectParams(ctx);
        g.store.delete(bucket, name, generationParam(ctx), preconditionsFromQuery(ctx.query));
        ctx.res.writeHead(204).end();
      },
    },
  ];
}
