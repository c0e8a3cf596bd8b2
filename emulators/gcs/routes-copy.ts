/**
 * Server-side copies of the Cloud Storage JSON API emulator: `objects.rewrite`
 * (https://cloud.google.com/storage/docs/json_api/v1/objects/rewrite; what `gcloud storage mv` and `cp`
 * between buckets send) and `objects.copy` (https://cloud.google.com/storage/docs/json_api/v1/objects/copy).
 * The content is shared, not copied; a rewrite always finishes in one call (`done: true`), which Google
 * allows for objects of any size within one location and storage class.
 */
import { HttpError, readJson, sendJson, type RequestContext, type Route } from '../harness/http.js';
import { JSON_API, verifyClaimedHashes, type GcsContext } from './context.js';
import { objectNotFound } from './objects.js';
import { assertPreconditions, parseGenerationNumber, preconditionsFromQuery, type Preconditions } from './preconditions.js';
import { toResource, writableMetadataOf, type StoredObject, type WritableMetadata } from './resource.js';

const COPY_PATH = (verb: string) => new RegExp(`${JSON_API}/b/(?<sb>[^/]+)/o/(?<so>[^/]+)/${verb}/b/(?<db>[^/]+)/o/(?<do>[^/]+)$`);

/** `ifSourceGenerationMatch` & co., the source's preconditions of a copy or rewrite. */
function sourcePreconditions(query: URLSearchParams): Preconditions {
  const renamed = new URLSearchParams();
  for (const name of ['GenerationMatch', 'GenerationNotMatch', 'MetagenerationMatch', 'MetagenerationNotMatch']) {
    const v = query.get(`ifSource${name}`);
    if (v !== null) renamed.set(`if${name}`, v);
  }
  return preconditionsFromQuery(renamed);
}

function sourceOf(g: GcsContext, ctx: RequestContext): StoredObject {
  const bucket = ctx.params.sb ?? '';
  const name = ctx.params.so ?? '';
  const raw = ctx.query.get('sourceGeneration');
  const generation = raw === null || raw === '' ? undefined : parseGenerationNumber(raw, 'sourceGeneration');
  let source: StoredObject;
  try {
    source = g.store.find(bucket, name, generation);
  } catch (err) {
    if (err instanceof HttpError && /bucket/.test(err.message)) throw err;
    throw objectNotFound(bucket, name, generation);
  }
  assertPreconditions(source, sourcePreconditions(ctx.query));
  return source;
}

/**
 * The destination's metadata: the request body's when it sets any, else the source's (customTime
 * included: a rewrite keeps it, https://cloud.google.com/storage/docs/metadata#custom-time; holds are not
 * copied, a guess: they belong to the source generation).
 */
function destinationMetadata(source: StoredObject, body: Record<string, unknown>): WritableMetadata {
  const given = writableMetadataOf(body);
  if (Object.keys(given).length === 0) {
    return {
      contentType: source.contentType,
      contentEncoding: source.contentEncoding,
      contentDisposition: source.contentDisposition,
      contentLanguage: source.contentLanguage,
      cacheControl: source.cacheControl,
      metadata: source.metadata,
      customTime: source.customTime,
    };
  }
  given.contentType ||= source.contentType;
  return given;
}

async function copyObject(g: GcsContext, ctx: RequestContext): Promise<StoredObject> {
  const body = await readJson<Record<string, unknown>>(ctx.body);
  const source = sourceOf(g, ctx);
  const bucket = ctx.params.db ?? '';
  g.store.bucket(bucket);
  verifyClaimedHashes(source.content, { crc32c: body.crc32c, md5: body.md5Hash });
  const extra = source.componentCount === undefined ? {} : { componentCount: source.componentCount };
  return g.store.insert(
    bucket,
    ctx.params.do ?? '',
    source.content,
    destinationMetadata(source, body),
    preconditionsFromQuery(ctx.query),
    extra,
  );
}

export function copyRoutes(g: GcsContext): Route[] {
  return [
    {
      method: 'POST',
      path: COPY_PATH('rewriteTo'),
      name: 'gcs.objects.rewrite',
      handle: async (ctx) => {
        const obj = await copyObject(g, ctx);
        const size = String(obj.content.size);
        sendJson(ctx.res, 200, {
          kind: 'storage#rewriteResponse',
          totalBytesRewritten: size,
          objectSize: size,
          done: true,
          resource: toResource(obj, g.baseUrl()),
        });
      },
    },
    {
      method: 'POST',
      path: COPY_PATH('copyTo'),
      name: 'gcs.objects.copy',
      handle: async (ctx) => sendJson(ctx.res, 200, toResource(await copyObject(g, ctx), g.baseUrl())),
    },
  ];
}
