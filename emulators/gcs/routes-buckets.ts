/**
 * Bucket routes of the Cloud Storage JSON API emulator: insert (409 on duplicates), get, list, patch (the
 * retention policy only), delete, and getStorageLayout (gcloud asks it before `storage mv`;
 * https://cloud.google.com/storage/docs/json_api/v1/buckets/getStorageLayout). A retention policy
 * (`retentionPolicy.retentionPeriod`, seconds as an int64 string; https://cloud.google.com/storage/docs/bucket-lock)
 * is set on insert or patch and removed with `retentionPolicy: null`; locking it is not emulated.
 */
import { readJson, sendJson, HttpError, type Route } from '../harness/http.js';
import { JSON_API, type GcsContext } from './context.js';
import type { BucketState } from './objects.js';
import type { RetentionPolicy } from './protection.js';
import { etagOf, rfc3339 } from './resource.js';

/** `retentionPolicy` of a bucket body: undefined (not given), null (remove) or a policy. */
function retentionOf(body: Record<string, unknown>): RetentionPolicy | null | undefined {
  const v = body.retentionPolicy;
  if (v === undefined) return undefined;
  if (v === null) return null;
  const period = (v as { retentionPeriod?: unknown }).retentionPeriod;
  const seconds = typeof period === 'string' || typeof period === 'number' ? Number(period) : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new HttpError(400, `Invalid value for retentionPolicy.retentionPeriod: ${JSON.stringify(period)}`, 'invalid');
  }
  return { retentionPeriodSec: seconds, effectiveTime: new Date() };
}

export function bucketResource(b: BucketState, baseUrl: string): Record<string, unknown> {
  return {
    kind: 'storage#bucket',
    id: b.name,
    selfLink: `${baseUrl}/storage/v1/b/${encodeURIComponent(b.name)}`,
    projectNumber: '0',
    name: b.name,
    timeCreated: rfc3339(b.timeCreated),
    updated: rfc3339(b.timeCreated),
    metageneration: '1',
    location: b.location,
    locationType: 'multi-region',
    storageClass: 'STANDARD',
    etag: etagOf(1, 1),
    versioning: { enabled: true },
    ...(b.retention && {
      retentionPolicy: {
        retentionPeriod: String(b.retention.retentionPeriodSec),
        effectiveTime: rfc3339(b.retention.effectiveTime),
        isLocked: false,
      },
    }),
  };
}

export function bucketRoutes(g: GcsContext): Route[] {
  return [
    {
      method: 'POST',
      path: new RegExp(`${JSON_API}/b/?$`),
      name: 'gcs.buckets.insert',
      handle: async (ctx) => {
        const body = await readJson<Record<string, unknown>>(ctx.body);
        if (typeof body.name !== 'string' || !body.name) throw new HttpError(400, 'Required', 'required');
        const retention = retentionOf(body);
        const b = g.store.createBucket(body.name, typeof body.location === 'string' ? body.location : undefined);
        if (retention) b.retention = retention;
        sendJson(ctx.res, 200, bucketResource(b, g.baseUrl()));
      },
    },
    {
      method: 'GET',
      path: new RegExp(`${JSON_API}/b/?$`),
      name: 'gcs.buckets.list',
      handle: (ctx) => {
        const prefix = ctx.query.get('prefix') ?? '';
        const items = g.store
          .listBuckets()
          .filter((b) => b.name.startsWith(prefix))
          .map((b) => bucketResource(b, g.baseUrl()));
        sendJson(ctx.res, 200, { kind: 'storage#buckets', items });
      },
    },
    {
      method: 'GET',
      path: new RegExp(`${JSON_API}/b/(?<bucket>[^/]+)/?$`),
      name: 'gcs.buckets.get',
      handle: (ctx) => sendJson(ctx.res, 200, bucketResource(g.store.bucket(ctx.params.bucket ?? ''), g.baseUrl())),
    },
    {
      method: 'GET',
      path: new RegExp(`${JSON_API}/b/(?<bucket>[^/]+)/storageLayout$`),
      name: 'gcs.buckets.getStorageLayout',
      handle: (ctx) => {
        const b = g.store.bucket(ctx.params.bucket ?? '');
        sendJson(ctx.res, 200, {
          kind: 'storage#storageLayout',
          bucket: b.name,
          location: b.location,
          locationType: 'multi-region',
          hierarchicalNamespace: { enabled: false },
        });
      },
    },
    {
      method: 'PATCH',
      path: new RegExp(`${JSON_API}/b/(?<bucket>[^/]+)/?$`),
      name: 'gcs.buckets.patch',
      handle: async (ctx) => {
        const body = await readJson<Record<string, unknown>>(ctx.body);
        const b = g.store.bucket(ctx.params.bucket ?? '');
        const retention = retentionOf(body);
        if (retention === null) delete b.retention;
        else if (retention) b.retention = retention;
        sendJson(ctx.res, 200, bucketResource(b, g.baseUrl()));
      },
    },
    {
      method: 'DELETE',
      path: new RegExp(`${JSON_API}/b/(?<bucket>[^/]+)/?$`),
      name: 'gcs.buckets.delete',
      handle: (ctx) => {
        g.store.deleteBucket(ctx.params.bucket ?? '');
        ctx.res.writeHead(204).end();
      },
    },
  ];
}
