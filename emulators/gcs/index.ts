/**
 * Cloud Storage JSON API emulator: buckets, objects with generations, simple/multipart/resumable uploads,
 * ranged downloads, list, patch, delete, compose, rewrite/copy, and change notifications (in-process subscribers and
 * webhooks via `/_emulator/gcs/notifications`). Faithful enough for `@google-cloud/storage` to work
 * unchanged with `STORAGE_EMULATOR_HOST` or `apiEndpoint` pointing here. A bucket may grant the caller only
 * some IAM permissions (`/_emulator/gcs/grants`, grants.ts): a request needing another is refused as Google does.
 */
import type { Route } from '../harness/http.js';
import type { ControlHub, ErrorRenderer } from '../harness/server.js';
import type { GcsContext } from './context.js';
import { DownloadLog, type DownloadRecord } from './downloads.js';
import { ChangeNotifier } from './notifications.js';
import { GOOGLE_GCS_LIMITS, MutationRate, parseGcsLimits } from './limits.js';
import { Grants, guardedRoutes } from './grants.js';
import { GcsStore } from './objects.js';
import { toResource, type StorageObjectData, type StoredObjectView } from './resource.js';
import { UploadSessions } from './resumable.js';
import { bucketRoutes } from './routes-buckets.js';
import { copyRoutes } from './routes-copy.js';
import { objectRoutes } from './routes-objects.js';
import { uploadRoutes } from './routes-upload.js';
import { restoreGcs, snapshotGcs } from './snapshot.js';
import type { Persistable } from '../persistence/persistable.js';

export type { StorageObjectData, StoredObjectView } from './resource.js';
export type { DownloadRecord } from './downloads.js';

export interface GcsEmulator extends Persistable {
  routes: Route[];
  renderError?: ErrorRenderer;
  /** Used for selfLink/mediaLink and resumable session URIs. */
  setBaseUrl(url: string): void;
  createBucket(name: string, opts?: { location?: string }): void;
  /** Subscribe to finalized/deleted objects; returns an unsubscribe function. Called synchronously after the write commits. */
  subscribe(listener: (kind: 'finalized' | 'deleted', data: StorageObjectData) => void): () => void;
  /** Inspection for tests: the live object (latest generation) or undefined. */
  getObject(bucket: string, name: string): StoredObjectView | undefined;
  /** The media downloads served (byte ranges, times), oldest first; `GET /_emulator/gcs/downloads` over HTTP. */
  downloads(filter?: { bucket?: string; name?: string }): DownloadRecord[];
  /** Grants exactly `permissions` on `bucket` (`null`: every one again); `POST /_emulator/gcs/grants` over HTTP. */
  grant(bucket: string, permissions: readonly string[] | null): void;
}

export function createGcsEmulator(hub: ControlHub): GcsEmulator {
  let baseUrl = 'http://127.0.0.1';
  const notifier = new ChangeNotifier();
  const limits = hub.limits.register('gcs', GOOGLE_GCS_LIMITS, parseGcsLimits);
  const mutations = new MutationRate(limits, hub.clock);
  const store = new GcsStore(
    (kind, obj) => notifier.emit(kind, toResource(obj, baseUrl)),
    (bucket, name) => mutations.take(bucket, name),
    hub.clock,
  );
  // Replacing a live object needs storage.objects.delete too (grants.ts).
  const grants = new Grants();
  store.beforeReplace = (bucket) => grants.require(bucket, 'storage.objects.delete', 'object');
  const sessions = new UploadSessions();
  const downloads = new DownloadLog();
  const g: GcsContext = { store, sessions, notifier, downloads, baseUrl: () => baseUrl };

  notifier.registerControlRoutes(hub);
  hub.addControl({
    method: 'POST',
    path: 'gcs/buckets',
    handle: (body) => {
      if (typeof body.name !== 'string') throw new Error('body must be {"name": "bucket"}');
      store.createBucket(body.name, typeof body.location === 'string' ? body.location : undefined);
      return { name: body.name };
    },
  });
  hub.addControl({
    method: 'GET',
    path: 'gcs/downloads',
    handle: (_body, url) => ({
      downloads: downloads.list({ bucket: url.searchParams.get('bucket') ?? undefined, name: url.searchParams.get('name') ?? undefined }),
    }),
  });
  hub.addControl({ method: 'DELETE', path: 'gcs/downloads', handle: () => (downloads.clear(), {}) });
  hub.addControl({ method: 'POST', path: 'gcs/grants', handle: (body) => (grants.apply(body), grants.list()) });
  hub.addControl({ method: 'GET', path: 'gcs/grants', handle: () => grants.list() });
  hub.onReset(() => {
    downloads.clear();
    grants.clear();
    store.clear();
    sessions.clear();
    mutations.clear();
  });

  return {
    routes: guardedRoutes([...uploadRoutes(g), ...bucketRoutes(g), ...copyRoutes(g), ...objectRoutes(g)], grants),
    setBaseUrl(url) {
      baseUrl = url.replace(/\/+$/, '');
    },
    createBucket(name, opts) {
      store.createBucket(name, opts?.location);
    },
    subscribe: (listener) => notifier.subscribe(listener),
    snapshot: (blobs) => snapshotGcs(store, blobs),
    restore: (data, blobs) => restoreGcs(store, data, blobs),
    downloads: (filter) => downloads.list(filter),
    grant: (bucket, permissions) => grants.set(bucket, permissions),
    getObject(bucket, name) {
      let obj;
      try {
        obj = store.live(bucket, name);
      } catch {
        return undefined;
      }
      return obj && { ...toResource(obj, baseUrl), content: obj.content };
    },
  };
}
