/**
 * Bucket routes of the Cloud Storage JSON API emulator: insert (409 on duplicates), get, list, delete, and
 * getStorageLayout (gcloud asks it before `storage mv`; https://cloud.google.com/storage/docs/json_api/v1/buckets/getStorageLayout).
 */
import { readJson, sendJson, HttpError, type Route } from '../harness/http.js';
import { JSON_API, type GcsContext } from './context.js';
import type { BucketState } from './objects.js';
import { etagOf, rfc3339 } from './resource.js';

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
  };
}

export function bucketRoutes(g: GcsContext): Route[] {
  return [
    {
      method: 'POST',
      path: new RegExp(`${JSON_API}/b/?$`),
      name: 'gcs.buckets.insert',
      handle: async (ctx) => {
        const body = await readJson<{ name?: unknown; location?: unknown }>(ctx.body);
        if (typeof body.name !== 'string' || !body.name) throw new HttpError(400, 'Required', 'required');
        const b = g.store.createBucket(body.name, typeof body.location === 'string' ? body.location : undefined);
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
